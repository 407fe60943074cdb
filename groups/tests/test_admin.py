"""Every groups model has a working admin list and detail page (what may be edited there is
checked in ``portal/tests/test_admin_matrix.py``)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from groups.tests.factories import make_request
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_pages(client, group, committee):
    make_request(group, committee)
    superuser = UserFactory(is_staff=True, is_superuser=True, totp=True)
    client.force_login(superuser)
    models = [
        m
        for m in apps.get_app_config("groups").get_models()
        if not m.__name__.endswith("ObjectPermission")
    ]
    for model in models:
        assert admin.site.is_registered(model), model
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change
