from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal platform"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in

        from portal import signals

        user_logged_in.connect(signals.on_user_logged_in, dispatch_uid="portal.session_started")
        from allauth.account.signals import user_logged_in as allauth_logged_in

        from portal.sso import on_sso_logged_in

        allauth_logged_in.connect(on_sso_logged_in, dispatch_uid="portal.sso_second_factor")
        authenticator_added.connect(
            signals.on_authenticator_added, dispatch_uid="portal.second_factor_at_enrolment"
        )
