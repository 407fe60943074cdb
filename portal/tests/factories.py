"""factory_boy factories for platform objects, shared by every app's tests."""

from __future__ import annotations

from typing import Any, cast

import factory
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings

from portal.models import OrgUnit, User
from portal.permissions import grant_role
from portal.roles import STAFF_ROLES, Role
from portal.twofactor import totp_enrol

TEST_PASSWORD = "correct-horse-battery-staple"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class OrgUnitFactory(factory.django.DjangoModelFactory[OrgUnit]):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"School of Studies {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")
    kind = OrgUnit.Kind.SCHOOL


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A verified user. ``roles=[Role.X, ...]``; staff roles get a TOTP authenticator; an
    alumnus is a verified graduate (``graduate_verified=False`` leaves them pending).

    Pass ``totp=False`` to make a staff user who has not enrolled two-factor yet.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.ac.uk")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(TEST_PASSWORD)

    # factory_boy passes the built model instance as the first argument of these hooks.
    @factory.post_generation
    def verified(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        user = cast(User, self)
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or ():
            grant_role(cast(User, self), role)

    @factory.post_generation
    def graduate_verified(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """An alumnus is a verified graduate unless ``graduate_verified=False`` (then pending,
        as after a sign-up that matched no record)."""
        from alumni.api import verify_by_system

        user = cast(User, self)
        if create and extracted is not False and user.groups.filter(name=Role.ALUMNUS).exists():
            verify_by_system(user)

    @factory.post_generation
    def totp(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        from portal.permissions import is_staff_member

        user = cast(User, self)
        wants = extracted if extracted is not None else is_staff_member(user)
        if create and wants:
            totp_enrol(user, TEST_TOTP_SECRET)


def make_user(*roles: Role, **kwargs: Any) -> User:
    """A verified user holding ``roles`` (staff roles also get the University staff role)."""
    role_list = list(roles)
    if any(role in STAFF_ROLES for role in roles) and Role.STAFF not in role_list:
        role_list.append(Role.STAFF)
    return cast(User, UserFactory(roles=role_list, **kwargs))


def make_unit(**kwargs: Any) -> OrgUnit:
    """An organisational unit (a school unless ``kind=`` says otherwise)."""
    return cast(OrgUnit, OrgUnitFactory(**kwargs))


def record_second_factor(client: Any, user: User) -> None:
    """Mark ``client``'s session as having completed the TOTP step for ``user``.

    ``Client.force_login`` models a password sign-in only; the staff middleware also needs the
    second factor in the session, which a real sign-in records through allauth.
    """
    from allauth.account.internal.flows.login import record_authentication
    from django.http import HttpRequest

    request = HttpRequest()
    request.session = client.session
    request.user = user
    record_authentication(request, user, "password", email=user.email)
    record_authentication(request, user, "mfa", type="totp")
    request.session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = request.session.session_key
