"""Demo data for the platform: org units and one user per role.

``manage.py seed_demo`` calls ``seed`` here first, then the ``seed`` function of each app's
``demo`` module with the same ``DemoContext``, so every app can add its own data on top.
Everything is keyed on natural keys, so running the command twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress

from portal.models import OrgUnit, User
from portal.people import approver_appoint, role_grant, role_grant_by_system
from portal.roles import Role
from portal.twofactor import has_totp, totp_enrol

# Local demo only: every demo staff account uses this TOTP secret (`manage.py demo_totp`).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEFAULT_DEMO_PASSWORD = "demo-portal-2026"

UNITS = [
    ("School of Social Sciences", "social-sciences", OrgUnit.Kind.SCHOOL),
    ("School of Computing and Digital Media", "computing", OrgUnit.Kind.SCHOOL),
    ("European Institute", "european-institute", OrgUnit.Kind.INSTITUTE),
    ("Department of Economics", "economics", OrgUnit.Kind.DEPARTMENT),
    ("Marketing and Communications", "marcomms", OrgUnit.Kind.PROFESSIONAL_SERVICE),
    ("Alumni Relations", "alumni-relations", OrgUnit.Kind.PROFESSIONAL_SERVICE),
]

# key: (email, first name, last name, roles)
PEOPLE: dict[str, tuple[str, str, str, tuple[Role, ...]]] = {
    "alumnus": ("alumnus@example.com", "Amara", "Okafor", (Role.ALUMNUS,)),
    "committee": ("committee@example.com", "Chen", "Li", (Role.ALUMNUS,)),
    "committee2": ("secretary@example.com", "Priya", "Natarajan", (Role.ALUMNUS,)),
    "mentor": ("mentor@example.com", "Jonas", "Weber", (Role.ALUMNUS,)),
    "mentee": ("mentee@example.ac.uk", "Sofia", "Rossi", (Role.STUDENT,)),
    "engagement": (
        "engagement@example.ac.uk",
        "Ellen",
        "Hart",
        (Role.STAFF, Role.ENGAGEMENT_STAFF),
    ),
    "engagement_manager": (
        "engagement.manager@example.ac.uk",
        "Marcus",
        "Bell",
        (Role.STAFF, Role.ENGAGEMENT_STAFF, Role.ENGAGEMENT_MANAGER),
    ),
    "comms": ("comms@example.ac.uk", "Nadia", "Haddad", (Role.STAFF, Role.COMMS_STAFF)),
    "director": (
        "director@example.ac.uk",
        "Robert",
        "Ashworth",
        (Role.STAFF, Role.MARCOMMS_DIRECTOR),
    ),
    "portal_admin": (
        "portal.admin@example.ac.uk",
        "Yusuf",
        "Rahman",
        (Role.STAFF, Role.PORTAL_ADMINISTRATOR),
    ),
    "dpo": (
        "dpo@example.ac.uk",
        "Imogen",
        "Castell",
        (Role.STAFF, Role.DATA_PROTECTION_OFFICER),
    ),
    "approver": ("head.socsci@example.ac.uk", "Helen", "Morgan", (Role.STAFF,)),
    "requester": ("requester@example.ac.uk", "Tom", "Fielding", (Role.STAFF,)),
    "account_admin": ("account.admin@example.ac.uk", "Grace", "Mensah", (Role.STAFF,)),
    "account_admin2": ("account.admin2@example.ac.uk", "Oliver", "Price", (Role.STAFF,)),
    "scheme_admin": (
        "scheme.admin@example.ac.uk",
        "Irene",
        "Kowalski",
        (Role.STAFF, Role.SCHEME_ADMIN),
    ),
}


@dataclass
class DemoContext:
    password: str
    users: dict[str, User] = field(default_factory=dict)
    units: dict[str, OrgUnit] = field(default_factory=dict)
    log: Callable[[str], None] = print


def ensure_user(
    ctx: DemoContext,
    *,
    email: str,
    first_name: str,
    last_name: str,
    roles: tuple[Role, ...] = (),
    verify: bool = True,
) -> User:
    """Create (or find) a verified demo user with ``roles``; staff get the demo TOTP.

    A demo alumnus is also a verified graduate (``alumni.api.verify_by_system``) unless
    ``verify=False``: the alumni demo verifies the platform's alumni against their records.

    Roles are granted through ``portal.people`` by the demo superuser (audited, and a no-op
    when already held), so the People and roles page shows who granted what.
    """
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=ctx.password, first_name=first_name, last_name=last_name
        )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    granter = ctx.users.get("superuser")
    for role in roles:
        if granter is not None and granter.pk != user.pk:
            role_grant(actor=granter, user_id=user.pk, role=role)
        else:
            role_grant_by_system(user_id=user.pk, role=role)
    if any(role in roles for role in (Role.STAFF,)) and not has_totp(user):
        totp_enrol(user, DEMO_TOTP_SECRET)
    if verify and Role.ALUMNUS in roles:
        from alumni.api import verify_by_system

        verify_by_system(user)
    return user


def seed(ctx: DemoContext) -> None:
    for name, slug, kind in UNITS:
        ctx.units[slug], _ = OrgUnit.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind}
        )
    # The superuser first: it grants every other demo user's roles.
    admin = User.objects.filter(email="admin@example.ac.uk").first()
    if admin is None:
        admin = User.objects.create_superuser(
            email="admin@example.ac.uk",
            password=ctx.password,
            first_name="Portal",
            last_name="Admin",
        )
    EmailAddress.objects.update_or_create(
        user=admin, email=admin.email, defaults={"verified": True, "primary": True}
    )
    if not has_totp(admin):
        totp_enrol(admin, DEMO_TOTP_SECRET)
    ctx.users["superuser"] = admin
    for key, (email, first, last, roles) in PEOPLE.items():
        # The alumni demo verifies these against their records (as a sign-up would).
        ctx.users[key] = ensure_user(
            ctx, email=email, first_name=first, last_name=last, roles=roles, verify=False
        )
    approver_appoint(
        actor=ctx.users["portal_admin"],
        user_id=ctx.users["approver"].pk,
        unit_id=ctx.units["social-sciences"].pk,
    )
    ctx.log(f"platform: {len(ctx.units)} units, {len(ctx.users)} users")
