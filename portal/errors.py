"""The one domain error of the portal: every app's service errors subclass it."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action.

    ``field`` names the form field the refusal concerns, if any, so a view can show it beside
    that field; otherwise it is shown above the form or as a message. ``link`` is an optional
    ``(url, text)`` the person can follow to put things right (e.g. the verification page).
    """

    def __init__(
        self, message: str, *, field: str | None = None, link: tuple[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.link = link

    def __str__(self) -> str:
        return self.message
