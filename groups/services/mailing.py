"""A communication's mail in bulk: set-based statements, the text rendered once, links made late.

Pressing Send snapshots the recipients as delivery rows with one ``INSERT ... SELECT`` from the
memberships (``deliveries_snapshot``). A batch writes its outbox copies with one more
(``portal.mail.copies_queue``): each copy holds its address and its membership, and shares the
mailing rendered once (``mailing_content``). Its unsubscribe link, the one personal part, is
signed at delivery by the personaliser registered here (``unsubscribe_values``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection
from django.db.models import F, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from groups.models import Communication, Delivery, Membership
from portal.mail import content_create, email_render
from portal.models import OutboundContent, OutboundEmail

UNSUBSCRIBE_SALT = "groups.unsubscribe"
UNSUBSCRIBE_PLACEHOLDER = "PORTAL-UNSUBSCRIBE-LINK"  # each copy's link, in the shared text
PERSONALISER = "groups.unsubscribe"
CATEGORY = "groups.communication"


def unsubscribe_token(membership_id: int) -> str:
    return signing.dumps(membership_id, salt=UNSUBSCRIBE_SALT, compress=True)


def membership_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(membership_id: int) -> str:
    path = reverse("groups:unsubscribe", args=[unsubscribe_token(membership_id)])
    return f"{settings.PORTAL_BASE_URL}{path}"


def unsubscribe_values(membership_ids: list[int]) -> dict[int, dict[str, str]]:
    """The personaliser of a communication's copies: each membership's unsubscribe link."""
    marker = "TOKEN"
    url = f"{settings.PORTAL_BASE_URL}{reverse('groups:unsubscribe', args=[marker])}"
    head, tail = url.split(marker, 1)  # reversed once for the batch, signed per copy
    return {
        pk: {UNSUBSCRIBE_PLACEHOLDER: f"{head}{unsubscribe_token(pk)}{tail}"}
        for pk in membership_ids
    }


def deliveries_snapshot(
    *, communication: Communication, recipients: QuerySet[Membership], size: int
) -> int:
    """One delivery row per membership of ``recipients``, numbered into batches of ``size``.

    One ``INSERT ... SELECT``: the memberships never come to Python. Returns the rows written.
    """
    position = Window(RowNumber(), order_by=F("user_id").asc())
    rows = recipients.order_by().values_list(
        Value(communication.pk),
        "user_id",
        "pk",
        (position - 1) / Value(size),
        Value(Delivery.Status.QUEUED),
        Value(""),
        Value(0),
    )
    inner, params = rows.query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ["communication_id", "recipient_id", "membership_id", "batch", "status"]
    columns += ["error", "attempts"]
    sql = f"INSERT INTO {qn(Delivery._meta.db_table)} ({', '.join(map(qn, columns))}) {inner}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def mailing_content(communication: Communication) -> OutboundContent:
    """The communication's text rendered once; the caller holds the communication's row lock."""
    if communication.content_id is not None:
        return OutboundContent.objects.get(pk=communication.content_id)
    req = communication.request
    body_text, body_html = email_render(
        "groups/email/communication",
        {
            "base_url": settings.PORTAL_BASE_URL,
            "communication": communication,
            "group": req.group,
            "unsubscribe": UNSUBSCRIBE_PLACEHOLDER,
        },
    )
    content = content_create(
        subject=communication.subject,
        body_text=body_text,
        body_html=body_html,
        headers={
            "List-Unsubscribe": f"<{UNSUBSCRIBE_PLACEHOLDER}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        personaliser=PERSONALISER,
    )
    communication.content = content
    communication.save(update_fields=["content"])
    return content


def copy_rows(deliveries: QuerySet[Delivery]) -> QuerySet[Any, Any]:
    """What ``copies_queue`` takes: each delivery's address and membership."""
    return deliveries.order_by("pk").values(to=F("recipient__email"), ref=F("membership_id"))


def copies_link(*, memberships: dict[int, int], copies: list[tuple[int, int]]) -> int:
    """Point each delivery at the copy just written for its membership; count the attempt.

    ``memberships`` maps each membership to its delivery, ``copies`` are the (id, membership)
    of the new copies. One statement: on PostgreSQL the pairs go as two arrays (one parameter
    each) joined by primary key, a plan that stays right however stale the statistics.
    """
    pairs = [(memberships[ref], pk) for pk, ref in copies]
    if not pairs:
        return 0
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        sql = (
            f"UPDATE {qn(Delivery._meta.db_table)} AS d "  # noqa: S608 (names only)
            "SET email_id = m.email_id, attempts = d.attempts + 1 "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS m (delivery_id, email_id) "
            "WHERE d.id = m.delivery_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [[d for d, _ in pairs], [e for _, e in pairs]])
            return int(cursor.rowcount)
    emails = [pk for pk, _ in copies]
    copy = OutboundEmail.objects.filter(pk__in=emails, ref=OuterRef("membership_id"))
    return Delivery.objects.filter(pk__in=[d for d, _ in pairs]).update(
        email_id=Subquery(copy.values("pk")[:1]), attempts=F("attempts") + 1
    )
