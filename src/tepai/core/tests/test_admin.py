"""The Chinese admin works for every registry and masks personal data on the server."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from tepai.testing.factories import make_commissioner, make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(user)
    return client


def _tepai_models() -> list[type[Model]]:
    return [model for model in admin.site._registry if model.__module__.startswith("tepai.")]


def test_every_registry_has_a_working_list_and_add_page(superuser_client: Client) -> None:
    make_commissioner(phone="13812345678")
    make_enterprise()
    models = _tepai_models()
    assert len(models) >= 14
    for model in models:
        opts = model._meta
        model_admin = admin.site._registry[model]
        for view in ("changelist", "add"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
            response = superuser_client.get(url)
            expected = 200
            if view == "add" and not model_admin.has_add_permission(response.wsgi_request):
                expected = 403  # read-only in the admin, e.g. the audit log
            assert response.status_code == expected, (url, response.status_code)


def test_the_admin_speaks_chinese(superuser_client: Client) -> None:
    page = superuser_client.get(reverse("admin:index")).content.decode()
    assert "科技特派员" in page
    assert "特派" in page


def _staff(client: Client, *codenames: str) -> Client:
    user = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def test_phones_are_masked_for_staff_without_the_permission(client: Client) -> None:
    person = make_commissioner(phone="13812345678", email="zhang@example.edu.cn")
    staff = _staff(client, "view_commissioner", "change_commissioner")
    listing = staff.get(reverse("admin:commissioners_commissioner_changelist")).content.decode()
    assert "138****5678" in listing
    assert "13812345678" not in listing
    assert "z***@example.edu.cn" in listing
    detail = staff.get(
        reverse("admin:commissioners_commissioner_change", args=[person.pk])
    ).content.decode()
    assert "13812345678" not in detail
    assert "138****5678" in detail


def test_a_django_permission_does_not_override_the_personal_data_rule(client: Client) -> None:
    # Issue 9, finding 12: the admin followed this permission while the pages followed the
    # role, so the two disagreed. Now a staff account without the 管理员 role sees masks in
    # the admin exactly as on the pages, whatever permissions it holds.
    make_commissioner(phone="13812345678")
    staff = _staff(client, "view_commissioner", "view_personal_data")
    listing = staff.get(reverse("admin:commissioners_commissioner_changelist")).content.decode()
    assert "13812345678" not in listing and "138****5678" in listing


def test_enterprise_contacts_are_masked_too(client: Client) -> None:
    make_enterprise(contact_phone="13900001111")
    staff = _staff(client, "view_enterprise")
    listing = staff.get(reverse("admin:enterprises_enterprise_changelist")).content.decode()
    assert "139****1111" in listing
    assert "13900001111" not in listing


def test_the_admin_switches_to_english(superuser_client: Client) -> None:
    superuser_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    page = superuser_client.get(reverse("admin:index")).content.decode()
    assert "S&amp;T commissioner" in page
    assert "科技特派员" not in page
