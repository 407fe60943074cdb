"""Tolerant matching of what a graduate typed against alumni records.

Names and programmes are compared after ``normalise``: Unicode NFKD with accents dropped,
casefolded, and every character that is not a letter or digit removed, so "Zoë Ó'Brien-Smith"
and "zoe obriensmith" are the same. A record matches when

* one of the person's family names (as typed, or their former name) is the record's family
  name or one of its former names,
* one of their given names (first given name, or all of them) is one of the record's,
* the graduation year is one of the record's,
* the year of birth equals the record's (when the record has one), and
* the programme shares its words with one of the record's programmes (when it has any).

An email the person signed up with that is on file matches directly. "Unambiguous" means that
exactly one record matches; anything else stays pending for staff.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from alumni.models import AlumniRecord

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# Words that name the kind of degree rather than its subject ("MSc Economics" = "Economics").
_DEGREE_WORDS = frozenset(
    {"ba", "bsc", "ma", "msc", "mba", "llb", "llm", "phd", "mphil", "mres", "beng", "meng"}
    | {"in", "of", "and", "the", "with", "hons"}
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise(text: str) -> str:
    """``"Ó'Brien-Smith "`` -> ``"obriensmith"``: the form every name key is stored in."""
    return _NOT_ALNUM.sub("", _fold(text))


def given_keys(given_names: str) -> set[str]:
    """The first given name and all of them together (hyphens and spaces ignored)."""
    words = [w for w in (_NOT_ALNUM.sub("", p) for p in _fold(given_names).split()) if w]
    keys = {normalise(given_names)} | ({words[0]} if words else set())
    return {k for k in keys if k}


def family_keys(names: Iterable[str]) -> set[str]:
    return {k for k in (normalise(n) for n in names) if k}


def programme_words(programme: str) -> frozenset[str]:
    words = {_NOT_ALNUM.sub("", w) for w in re.split(r"[\s\-/&,]+", _fold(programme))}
    return frozenset(w for w in words if w and w not in _DEGREE_WORDS)


def programmes_match(typed: str, on_record: Iterable[str]) -> bool:
    """The subject words of one are all among the other's ("Economics" ~ "MSc Economics")."""
    mine = programme_words(typed)
    if not mine:
        return False
    for programme in on_record:
        theirs = programme_words(programme)
        if theirs and (mine <= theirs or theirs <= mine):
            return True
    return False


@dataclass(frozen=True)
class Details:
    """What a graduate gives to be matched (every field may be empty)."""

    given_names: str = ""
    family_name: str = ""
    former_name: str = ""
    graduation_year: int | None = None
    programme: str = ""
    birth_year: int | None = None
    email: str = ""

    @property
    def family(self) -> set[str]:
        return family_keys([self.family_name, self.former_name])

    @property
    def given(self) -> set[str]:
        return given_keys(self.given_names)


@dataclass(frozen=True)
class Check:
    """One criterion of a record against the details: passed or not, and why (for staff)."""

    label: str
    passed: bool
    note: str


def record_family_keys(record: AlumniRecord) -> set[str]:
    return family_keys([record.family_name, *record.former_name_list])


def checks(details: Details, record: AlumniRecord) -> list[Check]:
    """Every criterion of the module docstring, in order, with what the record holds."""
    years = record.year_list
    birth = record.year_of_birth
    result = [
        Check(
            "Family name",
            bool(details.family & record_family_keys(record)),
            "; ".join([record.family_name, *record.former_name_list]),
        ),
        Check(
            "Given name", bool(details.given & given_keys(record.given_names)), record.given_names
        ),
        Check(
            "Graduation year",
            details.graduation_year in years,
            "; ".join(str(y) for y in years),
        ),
    ]
    if birth is not None:
        result.append(Check("Year of birth", details.birth_year == birth, "on file"))
    if record.programme_list:
        result.append(
            Check(
                "Programme",
                programmes_match(details.programme, record.programme_list),
                record.programmes,
            )
        )
    return result


def matches(details: Details, record: AlumniRecord) -> bool:
    return all(check.passed for check in checks(details, record))


def email_on_file(details: Details, record: AlumniRecord) -> bool:
    email = details.email.strip().casefold()
    return bool(email) and email in {e.casefold() for e in record.email_list}
