"""Test helpers about the database itself."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, connection


def refused_by_database(constraint: str) -> pytest.RaisesExc[IntegrityError]:
    """Expect the database to refuse a write through ``constraint``.

    PostgreSQL (CI, production) names the constraint in its error; the embedded SQLite names
    only the kind of constraint and the columns, so there the refusal itself is what is checked.
    """
    if connection.vendor == "postgresql":
        return pytest.raises(IntegrityError, match=re.escape(constraint))
    return pytest.raises(IntegrityError, match="constraint failed")
