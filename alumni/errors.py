"""The domain error raised by the alumni services; views turn it into a message or form error."""

from __future__ import annotations

from portal.errors import DomainError


class AlumniError(DomainError):
    """An alumni-records or verification rule refused the action."""


class RecordsImportError(AlumniError):
    """A file of alumni records was refused; ``problems`` lists ``(line, message)``, and nothing
    was imported."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(f"{len(problems)} row(s) could not be imported; nothing was changed.")
        self.problems = problems
