"""The request rules of B1-B2, each returning the reasons a value breaks it (empty when fine).

Forms call them to show the reasons beside the field; services call them again, so the rules
hold for every path (admin, demo, tests), not only the web form.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.db.models.functions import Concat, Lower, Substr

from portal.models import User
from portal.permissions import has_role
from portal.roles import Role
from portal.screening_text import fold_confusables, word_tokens

from .models import AccountRequest, OfficialAccount, normalise_handle

DEFAULT_NAMING_RULES: dict[str, Any] = {
    # The handle must start with this (case ignored), so the account is recognisably ours.
    "required_prefix": "Uni",
    # Abbreviations that are not the university's (001 §5.5: "LMU is not associated with us").
    "banned_abbreviations": ["LMU"],
    "max_handle_length": 30,
}
_HANDLE_SHAPE = re.compile(r"^[a-z0-9._]+$")
_LOCAL_SEPARATORS = re.compile(r"[._\-]")
_NON_WORD = re.compile(r"[\W_]+")


def naming_rules() -> dict[str, Any]:
    """The naming rules in force: ``settings.ACCOUNT_NAMING_RULES`` over the defaults."""
    return {**DEFAULT_NAMING_RULES, **getattr(settings, "ACCOUNT_NAMING_RULES", {})}


def uses_abbreviation(value: str, abbreviation: str, *, prefix: str = "") -> bool:
    """Whether ``value`` (a name or handle) uses ``abbreviation`` as a word of its own.

    Matching is on normalised word tokens, so "L.M.U", "L M U", "ＬＭＵ", "lmu_news", "LmuNews"
    and "UniLMU" use "LMU" while "Palmuni" and "Almudena" do not. A required ``prefix`` that
    the value starts with ends a word ("unilmu" is "uni" + "lmu").
    """
    wanted = _NON_WORD.sub("", fold_confusables(abbreviation).text).lower()
    if not wanted:
        return False
    tokens = word_tokens(value)
    if prefix and value.lower().startswith(prefix.lower()):
        tokens += word_tokens(value[len(prefix) :])
    return wanted in tokens


def institution_domain() -> str:
    return str(settings.INSTITUTION_EMAIL_DOMAIN).lower()


def check_handle(handle: str) -> list[str]:
    """Reasons the proposed handle breaks a naming rule (001 §5.5)."""
    rules = naming_rules()
    value = normalise_handle(handle)
    errors: list[str] = []
    if not value:
        return ["Enter the handle the account will use."]
    if not _HANDLE_SHAPE.match(value):
        errors.append(
            'Naming rule "handle characters": use only letters, digits, dots and underscores.'
        )
    limit = int(rules.get("max_handle_length") or 0)
    if limit and len(value) > limit:
        errors.append(
            f'Naming rule "maximum length": a handle may have at most {limit} characters.'
        )
    prefix = str(rules.get("required_prefix") or "")
    if prefix and not value.startswith(prefix.lower()):
        errors.append(
            f'Naming rule "required prefix": the handle must start with "{prefix}" so that people '
            "can tell it is an official account of the university."
        )
    raw = handle.strip().lstrip("@").strip()
    for abbreviation in rules.get("banned_abbreviations") or ():
        if uses_abbreviation(raw, abbreviation, prefix=prefix):
            errors.append(
                f'Naming rule "banned abbreviation": "{abbreviation}" is not an abbreviation of '
                "the university and must not appear in the handle (001 §5.5)."
            )
    return errors


def check_display_name(name: str) -> list[str]:
    """Reasons the account's display name breaks a naming rule."""
    errors: list[str] = []
    for abbreviation in naming_rules().get("banned_abbreviations") or ():
        if uses_abbreviation(name, abbreviation):
            errors.append(
                f'Naming rule "banned abbreviation": "{abbreviation}" is not an abbreviation of '
                "the university and must not appear in the account name (001 §5.5)."
            )
    return errors


def check_handle_free(
    platform: str, handle: str, *, ignore_request: int | None = None
) -> list[str]:
    """The handle is neither registered nor asked for by another open request."""

    value = normalise_handle(handle)
    if OfficialAccount.objects.filter(platform=platform, handle=value).exists():
        return ["This handle is already in the registry for that platform."]
    open_requests = AccountRequest.objects.filter(
        platform=platform,
        proposed_handle=value,
        status__in=[AccountRequest.Status.PENDING, AccountRequest.Status.APPROVED],
    )
    if ignore_request is not None:
        open_requests = open_requests.exclude(pk=ignore_request)
    if open_requests.exists():
        return ["Another open request already asks for this handle on that platform."]
    return []


def _personal_name_match(local: str) -> Q | None:
    """A query for users whose name the mailbox's local part spells (first.last and kin)."""
    parts = [p for p in _LOCAL_SEPARATORS.split(local) if p]
    if len(parts) == 2:
        first, last = parts
        if len(first) == 1:
            return Q(first_name__istartswith=first, last_name__iexact=last)
        return Q(first_name__iexact=first, last_name__iexact=last)
    if len(parts) == 1:
        return Q(_full=parts[0]) | Q(_initial=parts[0])
    return None


def check_contact_email(email: str) -> list[str]:
    """Reasons ``email`` is not a generic mailbox on the institution's domain (001 §5.2)."""
    address = email.strip().lower()
    if "@" not in address:
        return ["Enter an email address."]
    local, domain = address.rsplit("@", 1)
    expected = institution_domain()
    if domain != expected and not domain.endswith("." + expected):
        return [
            f"The contact email must be a mailbox on {expected}, so that the university keeps "
            "access to the account."
        ]
    if (
        User.objects.filter(email__iexact=address).exists()
        or EmailAddress.objects.filter(email__iexact=address).exists()
    ):
        return [
            "This is a person's own email address. Register the account with a generic, shared "
            f"mailbox instead (for example socialmedia@{expected}), so that access does not "
            "leave with one person (001 §5.2)."
        ]
    match = _personal_name_match(local)
    if match is not None:
        users = User.objects.annotate(
            _full=Lower(Concat("first_name", "last_name")),
            _initial=Lower(Concat(Substr("first_name", 1, 1), "last_name")),
        ).exclude(first_name="", last_name="")
        if users.filter(match).exists():
            return [
                "This address looks like a person's mailbox (it spells a member's first and last "
                "name). Use a generic, shared mailbox that is not tied to one person (001 §5.2)."
            ]
    return []


def check_administrators(administrators: Sequence[User]) -> list[str]:
    """At least two distinct members of staff, none named twice (001 §5.2-5.3, 004 §4.21)."""
    errors: list[str] = []
    ids = [user.pk for user in administrators]
    if len(ids) != len(set(ids)):
        errors.append("The same person is named twice; name two different members of staff.")
    if len(set(ids)) < 2:
        errors.append(
            "Name at least two different administrators, so that access and moderation continue "
            "when one is away (001 §5.2, 004 §4.21)."
        )
    for user in administrators:
        if not has_role(user, Role.STAFF):
            errors.append(f"{user.display_name} is not a current member of staff.")
    return errors


# Host (without "www.", "m.", "mobile.") -> platform, for links pasted into the public lookup.
_PROFILE_HOSTS = {
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "x.com": "x",
    "twitter.com": "x",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "linkedin.com": "linkedin",
    "tiktok.com": "tiktok",
    "youtube.com": "youtube",
    "bsky.app": "bluesky",
    "threads.net": "threads",
    "threads.com": "threads",
}
# Path words that come before the handle ("linkedin.com/company/<handle>") or are not a profile.
_PATH_PREFIXES = {"company", "school", "showcase", "in", "c", "channel", "user", "profile", "pages"}
_NOT_A_PROFILE = {"p", "reel", "reels", "explore", "watch", "shorts", "share", "hashtag", "search",
                  "home", "i", "intent", "login", "feed", "results", "groups"}  # fmt: skip
_URL_SHAPE = re.compile(r"^(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?:/|$)", re.IGNORECASE)


def normalise_url(text: str) -> str:
    """A web address as stored: trimmed, ``https://`` added when typed without a scheme
    ("twitter.com/uni_x", "www.example.ac.uk/x"); "" stays "". Other schemes are kept, for
    ``check_url`` to refuse."""
    value = text.strip()
    if value and not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        value = "https://" + value.lstrip("/")
    return value


def check_url(text: str) -> list[str]:
    """Reasons ``text`` (after ``normalise_url``) is not a web address of an account."""
    value = normalise_url(text)
    if not value:
        return []
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return [f"“{text.strip()}” is not a web address; copy it from the browser's address bar."]
    return []


def parse_profile_url(text: str) -> tuple[str, str] | None:
    """(platform, handle) of a pasted profile link, or None when it is not one.

    ``https://www.instagram.com/uni_news/?hl=en`` -> ("instagram", "uni_news"); also x.com and
    twitter.com, facebook pages (and ``profile.php?id=``), LinkedIn company, school and showcase
    pages, TikTok and Threads ``@handle``, YouTube ``@handle``, ``/c/``, ``/user/`` and
    ``/channel/``, and Bluesky profiles.
    """
    value = text.strip()
    if not _URL_SHAPE.match(value):
        return None
    parts = urlsplit(value if "://" in value else "https://" + value)
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile.", "web."):
        host = host.removeprefix(prefix)
    platform = _PROFILE_HOSTS.get(host)
    if platform is None:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if platform == "facebook" and segments[:1] == ["profile.php"]:
        ids = parse_qs(parts.query).get("id") or [""]
        return (platform, ids[0]) if ids[0].isdigit() else None
    while segments and segments[0].lower() in _PATH_PREFIXES and len(segments) > 1:
        segments = segments[1:]
    if not segments or segments[0].lower() in _NOT_A_PROFILE:
        return None
    handle = normalise_handle(segments[0])
    return (platform, handle) if handle else None


def profile_reference(typed: str, platform: str) -> tuple[tuple[str, str] | None, dict[str, str]]:
    """What the public typed to name an account: ((platform, handle) read from a pasted link,
    or None) and the reasons it cannot be used, by field ("handle" is the typed text)."""
    typed = typed.strip()
    if not typed:
        return None, {}
    parsed = parse_profile_url(typed)
    if parsed is not None:
        return parsed, {}
    if "/" in typed or typed.lower().startswith(("http:", "https:", "www.")):
        return None, {
            "handle": "This link is not a profile on a platform we know. Choose the platform "
            "and type the handle instead."
        }
    if not platform:
        return None, {"platform": "Choose the platform, or paste the link to the profile."}
    return None, {}
