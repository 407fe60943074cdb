"""App configuration."""

from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "CRM integration API"
    default_auto_field = "django.db.models.BigAutoField"
