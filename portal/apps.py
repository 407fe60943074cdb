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
        self._connect_access_cache()

    def _connect_access_cache(self) -> None:
        """Changes of roles and authenticators make ``portal.access_cache`` forget a user."""
        from allauth.mfa.models import Authenticator
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from portal import signals
        from portal.models import DirectorDelegation, User

        m2m_changed.connect(
            signals.on_groups_changed, sender=User.groups.through, dispatch_uid="portal.roles"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                signals.on_delegation_changed,
                sender=DirectorDelegation,
                dispatch_uid=f"portal.delegation.{signal is post_save}",
            )
            signal.connect(
                signals.on_authenticator_changed,
                sender=Authenticator,
                dispatch_uid=f"portal.authenticator.{signal is post_save}",
            )
