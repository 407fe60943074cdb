from django.apps import AppConfig


class AccountsRegistryConfig(AppConfig):
    name = "accounts_registry"

    def ready(self) -> None:
        from accounts_registry import signals  # noqa: F401  (forgets cached admin access)
