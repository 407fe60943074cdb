"""An administrator assignment made, revoked or deleted by any path changes what its person may
moderate: the cached "administers an account" of ``portal.access_cache`` is forgotten."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal import access_cache

from .models import AdminAssignment


@receiver(post_save, sender=AdminAssignment, dispatch_uid="accounts_registry.assignment_saved")
@receiver(post_delete, sender=AdminAssignment, dispatch_uid="accounts_registry.assignment_gone")
def _assignment_changed(
    sender: type[AdminAssignment], instance: AdminAssignment, **kwargs: Any
) -> None:
    access_cache.forget(instance.user_id)
