"""Reads of the registry, scoped to the user who asks; ``access_<entity>_or_404`` fetches and
authorises in one step and answers "missing" and "forbidden" with the same ``Http404``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, When
from django.db.models.query import QuerySet as BaseQuerySet
from django.http import Http404
from django.utils import timezone

from portal.models import AuditEvent, OrgUnit, Reminder, User
from portal.permissions import AnyUser, get_visible_or_404, objects_with_role

from .models import (
    AccountRequest,
    ActivityRecord,
    AdminAssignment,
    AdviceRequest,
    AnnualAudit,
    ApprovalDecision,
    DiscoveredAccount,
    Handover,
    MonitoringToken,
    OfficialAccount,
    PolicyAcknowledgement,
    RequestedAdministrator,
    TrainingRecord,
    normalise_handle,
)
from .permissions import (
    APPROVE_PERM,
    can_manage_account_admins,
    is_comms,
    is_marcomms_director,
    is_registry_staff,
)
from .services.training import policies

RequestAction = Literal["view", "activate"]
AccountAction = Literal["view", "administer", "manage"]


def _approver_units(user: AnyUser) -> QuerySet[OrgUnit]:
    return objects_with_role(user, APPROVE_PERM, OrgUnit.objects.all())


def requests_visible_to(*, user: AnyUser) -> QuerySet[AccountRequest]:
    """Requesters, named admins, approvers of the unit, the director and comms see a request."""
    requests = AccountRequest.objects.select_related("requester", "unit", "account")
    if not isinstance(user, User) or not is_registry_staff(user):
        return requests.none()
    if is_marcomms_director(user) or is_comms(user):
        return requests
    named = RequestedAdministrator.objects.filter(request=OuterRef("pk"), user_id=user.pk)
    return requests.filter(
        Q(requester_id=user.pk) | Q(Exists(named)) | Q(unit__in=_approver_units(user).values("pk"))
    )


def requests_of(*, user: AnyUser) -> QuerySet[AccountRequest]:
    """Requests ``user`` made or is named on as an administrator."""
    if not user.is_authenticated:
        return AccountRequest.objects.none()
    named = RequestedAdministrator.objects.filter(request=OuterRef("pk"), user_id=user.pk)
    return (
        AccountRequest.objects.filter(Q(requester_id=user.pk) | Q(Exists(named)))
        .select_related("unit", "requester")
        .prefetch_related("decisions", "administrators__user")
    )


def requests_awaiting(*, user: AnyUser) -> QuerySet[AccountRequest]:
    """Pending requests, fully acknowledged, with a slot that only ``user`` can fill now."""
    if not isinstance(user, User) or not is_registry_staff(user):
        return AccountRequest.objects.none()
    unacknowledged = RequestedAdministrator.objects.filter(
        request=OuterRef("pk"), acknowledged_at__isnull=True
    )
    named = RequestedAdministrator.objects.filter(request=OuterRef("pk"), user_id=user.pk)
    decided_by_user = ApprovalDecision.objects.filter(request=OuterRef("pk"), decided_by_id=user.pk)
    unit_taken = ApprovalDecision.objects.filter(
        request=OuterRef("pk"), slot=ApprovalDecision.Slot.UNIT
    )
    marcomms_taken = ApprovalDecision.objects.filter(
        request=OuterRef("pk"), slot=ApprovalDecision.Slot.MARCOMMS
    )
    slot_open = Q(unit__in=_approver_units(user).values("pk")) & ~Q(Exists(unit_taken))
    if is_marcomms_director(user):
        slot_open |= ~Q(Exists(marcomms_taken))
    return (
        AccountRequest.objects.filter(status=AccountRequest.Status.PENDING)
        .exclude(requester_id=user.pk)
        .exclude(Exists(named))
        .exclude(Exists(decided_by_user))
        .exclude(Exists(unacknowledged))
        .filter(slot_open)
        .select_related("unit", "requester")
        .order_by("created_at", "id")
    )


def access_request_or_404(
    user: AnyUser, request_id: int, *, action: RequestAction = "view"
) -> AccountRequest:
    """The request if ``user`` may see it (``"activate"``: and made it), else ``Http404``."""
    requests = requests_visible_to(user=user)
    if action == "activate":
        requests = requests.filter(requester_id=user.pk)
    return get_visible_or_404(requests, pk=request_id)


def acknowledgements_visible_to(*, user: AnyUser) -> QuerySet[RequestedAdministrator]:
    """The places where ``user`` is named as an administrator on a request."""
    if not user.is_authenticated:
        return RequestedAdministrator.objects.none()
    return RequestedAdministrator.objects.filter(user_id=user.pk).select_related(
        "request", "request__unit", "request__requester"
    )


def acknowledgements_pending_for(*, user: AnyUser) -> QuerySet[RequestedAdministrator]:
    """Pending requests on which ``user`` is named and has not yet acknowledged the policy."""
    return acknowledgements_visible_to(user=user).filter(
        request__status=AccountRequest.Status.PENDING, acknowledged_at__isnull=True
    )


def access_acknowledgement_or_404(user: AnyUser, request_id: int) -> RequestedAdministrator:
    """``user``'s own naming on the request, else ``Http404`` (others cannot acknowledge)."""
    return get_visible_or_404(acknowledgements_visible_to(user=user), request_id=request_id)


@dataclass(frozen=True)
class RequestDetail:
    """What the request page shows besides the request: its named admins and its decisions."""

    administrators: list[RequestedAdministrator]
    decisions: list[ApprovalDecision]

    @property
    def admin_ids(self) -> list[int]:
        return [named.user_id for named in self.administrators]

    @property
    def all_acknowledged(self) -> bool:
        return all(named.acknowledged_at for named in self.administrators)


def request_detail_data(request: AccountRequest) -> RequestDetail:
    return RequestDetail(
        administrators=list(request.administrators.select_related("user")),
        decisions=list(request.decisions.select_related("decided_by")),
    )


def _current_assignments() -> Prefetch[str, QuerySet[AdminAssignment], str]:
    return Prefetch(
        "assignments",
        queryset=AdminAssignment.objects.filter(revoked_at__isnull=True).select_related("user"),
        to_attr="current_assignments",
    )


def accounts_visible_to(*, user: AnyUser) -> QuerySet[OfficialAccount]:
    """The internal registry: every account, for staff only."""
    if not is_registry_staff(user):
        return OfficialAccount.objects.none()
    return OfficialAccount.objects.select_related("unit")


def accounts_directory(
    *,
    user: AnyUser,
    unit: str = "",
    platform: str = "",
    status: str = "",
    compliance: str = "",
    query: str = "",
) -> QuerySet[OfficialAccount]:
    """The filtered directory with current admins prefetched: a constant number of queries."""
    accounts = accounts_visible_to(user=user).prefetch_related(_current_assignments())
    if unit:
        accounts = accounts.filter(unit__slug=unit)
    if platform:
        accounts = accounts.filter(platform=platform)
    if status == "open":
        accounts = accounts.filter(status__in=OfficialAccount.OPEN_STATUSES)
    elif status:
        accounts = accounts.filter(status=status)
    if compliance == "compliant":
        accounts = accounts.filter(
            status__in=OfficialAccount.OPEN_STATUSES, noncompliant_since__isnull=True
        )
    elif compliance == "noncompliant":
        accounts = accounts.filter(noncompliant_since__isnull=False)
    if query:
        accounts = accounts.filter(Q(name__icontains=query) | Q(handle__icontains=query))
    return accounts.order_by("platform", "handle")


def access_account_or_404(
    user: AnyUser, account_id: int, *, action: AccountAction = "view"
) -> OfficialAccount:
    """The account for ``action``, else ``Http404``: ``"view"`` for staff, ``"administer"`` for
    its current administrators (open accounts), ``"manage"`` for its admins and comms."""
    if action == "administer":
        return get_visible_or_404(open_accounts_administered_by(user=user), pk=account_id)
    account = get_visible_or_404(accounts_visible_to(user=user), pk=account_id)
    if action == "manage" and not can_manage_account_admins(user, account):
        raise Http404("No such object.")
    return account


def access_audit_or_404(user: AnyUser, account_id: int, year: int) -> AnnualAudit:
    """The account's audit of ``year`` for one of its current administrators, else ``Http404``."""
    account = access_account_or_404(user, account_id, action="administer")
    audit = get_visible_or_404(AnnualAudit.objects.filter(account=account), year=year)
    audit.account = account
    return audit


@dataclass(frozen=True)
class AccountDetail:
    """The account page: access log, handovers, activity, audits, history and its origin."""

    assignments: list[AdminAssignment]
    handovers: BaseQuerySet[Handover]
    activity: BaseQuerySet[ActivityRecord]
    audits: BaseQuerySet[AnnualAudit]
    history: BaseQuerySet[AuditEvent]
    origin: AccountRequest | None

    @property
    def current(self) -> list[AdminAssignment]:
        return [a for a in self.assignments if a.is_current]


def account_detail_data(account: OfficialAccount) -> AccountDetail:
    return AccountDetail(
        assignments=list(account.assignments.select_related("user", "granted_by", "revoked_by")),
        handovers=account.handovers.select_related("leaving", "replacement", "by"),
        activity=account.activity_records.select_related("recorded_by")[:10],
        audits=account.audits.select_related("completed_by"),
        history=AuditEvent.objects.for_object(account).select_related("actor")[:30],
        origin=AccountRequest.objects.filter(account=account).first(),
    )


def current_admin_users(account: OfficialAccount) -> QuerySet[User]:
    """The account's current administrators, by name (the handover form's choices)."""
    return User.objects.filter(
        pk__in=account.assignments.filter(revoked_at__isnull=True).values("user_id")
    ).order_by("last_name", "first_name")


def account_lookup(*, platform: str, handle: str) -> OfficialAccount | None:
    """The public check: an open account with this platform and handle, or None."""
    value = normalise_handle(handle)
    if not value:
        return None
    return (
        OfficialAccount.objects.filter(
            platform=platform, handle=value, status__in=OfficialAccount.PUBLIC_STATUSES
        )
        .select_related("unit")
        .first()
    )


def open_accounts_administered_by(*, user: AnyUser) -> QuerySet[OfficialAccount]:
    """Open accounts ``user`` currently administers (the access log's open rows)."""
    if not user.is_authenticated:
        return OfficialAccount.objects.none()
    return OfficialAccount.objects.filter(
        assignments__user_id=user.pk,
        assignments__revoked_at__isnull=True,
        status__in=OfficialAccount.OPEN_STATUSES,
    ).select_related("unit")


def open_audits_for(*, user: AnyUser) -> QuerySet[AnnualAudit]:
    return AnnualAudit.objects.filter(
        account__in=open_accounts_administered_by(user=user).values("pk"), completed_at__isnull=True
    ).select_related("account")


def flagged_accounts() -> QuerySet[OfficialAccount]:
    return OfficialAccount.objects.filter(status=OfficialAccount.Status.FLAGGED).select_related(
        "unit"
    )


def noncompliant_accounts() -> QuerySet[OfficialAccount]:
    return (
        OfficialAccount.objects.filter(noncompliant_since__isnull=False)
        .select_related("unit")
        .prefetch_related(_current_assignments())
    )


def guidelines_missing() -> QuerySet[OfficialAccount]:
    """Open accounts whose posting guidelines no administrator has confirmed (001 §6.1.8)."""
    return OfficialAccount.objects.filter(
        status__in=OfficialAccount.OPEN_STATUSES, guidelines_confirmed_at__isnull=True
    ).select_related("unit")


def overdue_audits(today: date | None = None) -> QuerySet[AnnualAudit]:
    return AnnualAudit.objects.filter(
        completed_at__isnull=True, due_on__lt=today or timezone.localdate()
    ).select_related("account", "account__unit")


def recent_reminders(limit: int = 50) -> QuerySet[Reminder]:
    """The registry's reminders, newest first, for comms to see what went out (SPEC E)."""
    reminders = Reminder.objects.filter(kind__startswith="accounts_registry.")
    return reminders.order_by("-created_at")[:limit]


DiscoveredView = Literal["triage", "matched", "decided"]


def discovered_accounts(
    *, user: AnyUser, view: DiscoveredView | Literal["all"] = "triage"
) -> QuerySet[DiscoveredAccount]:
    """Comms only: the triage queue, the accounts matching the registry, the decided ones."""
    found = DiscoveredAccount.objects.select_related(
        "account", "request", "invited_unit", "removal_request", "decided_by"
    )
    if not is_comms(user):
        return found.none()
    if view == "triage":
        return found.filter(match=DiscoveredAccount.Match.NONE, decision="")
    if view == "matched":
        return found.exclude(match=DiscoveredAccount.Match.NONE)
    return found.exclude(decision="").order_by("-decided_at", "-id") if view == "decided" else found


def access_discovered_or_404(user: AnyUser, discovered_id: int) -> DiscoveredAccount:
    return get_visible_or_404(discovered_accounts(user=user, view="all"), pk=discovered_id)


def monitoring_tokens(*, user: AnyUser) -> QuerySet[MonitoringToken]:
    tokens = MonitoringToken.objects.select_related("created_by")
    return tokens if is_comms(user) else tokens.none()


def impersonation_lookup(*, platform: str, handle: str) -> DiscoveredAccount | None:
    """The public check's warning: a handle comms triaged as an impersonation, or None."""
    found = DiscoveredAccount.objects.filter(platform=platform, handle=normalise_handle(handle))
    return found.filter(decision=DiscoveredAccount.Decision.IMPERSONATION).first()


def advice_visible_to(*, user: AnyUser) -> QuerySet[AdviceRequest]:
    """The asker, the current administrators of the account it concerns, and comms."""
    advice = AdviceRequest.objects.select_related("asker", "account", "answered_by")
    if not isinstance(user, User) or not is_registry_staff(user):
        return advice.none()
    if is_comms(user):
        return advice
    admins = AdminAssignment.objects.filter(
        account=OuterRef("account_id"), user_id=user.pk, revoked_at__isnull=True
    )
    return advice.filter(Q(asker_id=user.pk) | Q(Exists(admins)))


def access_advice_or_404(user: AnyUser, advice_id: int) -> AdviceRequest:  # asker, admins, comms
    return get_visible_or_404(advice_visible_to(user=user), pk=advice_id)


def open_advice() -> QuerySet[AdviceRequest]:
    """The comms console: open requests, crises first, then by due time."""
    crisis_first = Case(When(urgency=AdviceRequest.Urgency.CRISIS, then=0), default=1)
    advice = AdviceRequest.objects.filter(state=AdviceRequest.State.OPEN)
    return advice.select_related("asker", "account").order_by(crisis_first, "due_at", "id")


@dataclass(frozen=True)
class TrainingStatus:
    """Records, the date training counts until, per policy (code, title, version, read?)."""

    records: list[TrainingRecord]
    current_until: date | None
    policies: list[tuple[str, str, str, bool]]


def training_status(*, user: User) -> TrainingStatus:
    records, today = list(TrainingRecord.objects.filter(user=user)), timezone.localdate()
    until = max((r.expires_on for r in records if r.expires_on >= today), default=None)
    read = set(PolicyAcknowledgement.objects.filter(user=user).values_list("policy", "version"))
    rows = [(code, title, v, (code, v) in read) for code, (title, v) in policies().items()]
    return TrainingStatus(records=records, current_until=until, policies=rows)


def admins_training(account: OfficialAccount) -> list[tuple[User, TrainingStatus]]:  # audit
    return [(user, training_status(user=user)) for user in current_admin_users(account)]
