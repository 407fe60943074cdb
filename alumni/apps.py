"""App configuration for verified alumni."""

from django.apps import AppConfig


class AlumniConfig(AppConfig):
    name = "alumni"
    verbose_name = "Verified alumni"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alumni import signals  # noqa: F401  (connects the receivers)
