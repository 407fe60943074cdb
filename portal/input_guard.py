"""Input that is not text stops at the door: a middleware answering 400, and a one-line validator.

PostgreSQL refuses NUL in a string and psycopg cannot encode a lone surrogate, so such input
reaching a query is a 500. Django decodes invalid UTF-8 in a query string or form body into
U+FFFD without complaint, so the raw bytes are checked here, before any view (or the session
and authentication middleware) can use them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("portal.input_guard")

# C0 controls (CR, LF and TAB among them), DEL, C1 controls and the Unicode line separators:
# none belongs in a line of text that becomes an email subject or header.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def is_text(value: str) -> bool:
    """True if ``value`` holds no NUL and can be stored (no lone surrogates)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def validate_single_line(value: str) -> None:
    """Form validator for text that becomes an email subject or header."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Use a single line without line breaks, tabs or other control characters.",
            code="control_characters",
        )


def single_line_fields(form: forms.BaseForm, *names: str) -> None:
    """Add :func:`validate_single_line` to the named fields (called in a form's ``__init__``)."""
    for name in names:
        validators = form.fields[name].validators
        if validate_single_line not in validators:
            validators.append(validate_single_line)


def _encoded_text_ok(raw: bytes) -> bool:
    """A query string or form body: its decoded bytes are UTF-8 without NUL."""
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        return False
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _wsgi_bytes(value: str) -> bytes:
    # WSGI hands over the raw bytes as latin-1 text; anything else is already decoded text.
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", errors="surrogatepass")


def refused_part(request: HttpRequest) -> str:
    """Which part of the request is not text ('' if all of it is)."""
    if not is_text(request.path_info):
        return "path"
    if not _encoded_text_ok(_wsgi_bytes(request.META.get("QUERY_STRING", ""))):
        return "query string"
    if not all(is_text(key) and is_text(value) for key, value in request.COOKIES.items()):
        return "cookies"
    if request.method in ("POST", "PUT", "PATCH"):
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded":
            if not _encoded_text_ok(request.body):
                return "form"
        elif content_type == "multipart/form-data":
            fields = [(key, value) for key in request.POST for value in request.POST.getlist(key)]
            names = [
                (key, upload.name or "")
                for key, uploads in request.FILES.lists()
                for upload in uploads
            ]
            if not all(is_text(key) and is_text(value) for key, value in fields + names):
                return "form"
    return ""


class InputGuardMiddleware:
    """Answer 400 to a request whose path, query, cookies or form fields are not text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        part = refused_part(request)
        if not part:
            return self.get_response(request)
        logger.warning("Refused a request with NUL or invalid text in its %s", part)
        if "json" in request.headers.get("Accept", "") or "json" in (request.content_type or ""):
            return JsonResponse(
                {"error": f"The request's {part} contains a null character or invalid text."},
                status=400,
            )
        from portal.views import error_400

        # The session and user middleware have not run (and must not read this request's
        # cookies): the error page is rendered as for a visitor who is not signed in.
        request.user = AnonymousUser()
        return error_400(request)
