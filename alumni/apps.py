"""App configuration for verified alumni."""

from django.apps import AppConfig


class AlumniConfig(AppConfig):
    name = "alumni"
    verbose_name = "Verified alumni"
    default_auto_field = "django.db.models.BigAutoField"
