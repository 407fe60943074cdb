"""App configuration for alumni groups."""

from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Alumni groups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groups import signals  # noqa: F401  (connects the committee-seat receivers)
        from groups.services.mailing import PERSONALISER, unsubscribe_values
        from portal.mail import personaliser_register

        personaliser_register(PERSONALISER, unsubscribe_values)
