"""Template filters that turn audit events and reminders into sentences (``portal.wording``)."""

from __future__ import annotations

from typing import Any

from django import template

from portal import wording

register = template.Library()


@register.filter
def event_sentence(event: Any) -> str:
    """``{{ event|event_sentence }}``: 'Ann Lee asked for changes to the request “Dinner”.'"""
    return wording.event_sentence(event)


@register.filter
def reminder_sentence(reminder: Any) -> str:
    """``{{ reminder|reminder_sentence }}``: 'Overdue request reminder (as first submitted)'."""
    return wording.reminder_sentence(reminder)
