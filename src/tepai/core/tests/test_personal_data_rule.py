"""Issue 9, finding 12: one personal-data rule, so the admin and the pages agree for every role."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tepai.accounts.models import Account
from tepai.accounts.permissions import can_view_personal_data as rule_of_the_pages
from tepai.accounts.roles import Role
from tepai.commissioners.models import Commissioner
from tepai.core import personal_data
from tepai.testing.factories import make_commissioner, make_enterprise
from tepai.web.registries.cells import cell

pytestmark = pytest.mark.django_db

ME, COLLEAGUE = "13800001234", "13900005678"
FULL_DATE = re.compile(r"1979[-/]0?8[-/]0?6")


def _staff(role: Role | None, **account: Any) -> Any:
    # Staff with every Django permission on commissioners, the former "personal data" one too.
    user = get_user_model().objects.create_user(f"staff-{role}", is_staff=True)
    codenames = ["view_commissioner", "change_commissioner", "view_personal_data"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    if role is not None:
        Account.objects.create(user=user, role=role, **account)
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def people() -> dict[str, Commissioner]:
    born = datetime.date(1979, 8, 6)
    return {
        "me": make_commissioner(name="张三", phone=ME, birth=born),
        "colleague": make_commissioner(name="李四", phone=COLLEAGUE, birth=born),
    }


def _users(people: dict[str, Commissioner]) -> dict[str, Any]:
    return {
        "admin": _staff(Role.ADMIN),
        "commissioner": _staff(Role.COMMISSIONER, commissioner=people["me"]),
        "enterprise": _staff(Role.ENTERPRISE, enterprise=make_enterprise()),
        "auditor": _staff(Role.AUDITOR),
        "no role": _staff(None),
    }


def test_the_old_second_rule_is_gone() -> None:
    from tepai.core import admin_helpers

    # One function, whatever module a caller imports it from.
    assert getattr(admin_helpers, "can_view_personal_data", None) in (
        None,
        personal_data.can_view_personal_data,
    )
    assert rule_of_the_pages is personal_data.can_view_personal_data


@pytest.mark.parametrize("who", ["admin", "commissioner", "enterprise", "auditor", "no role"])
def test_the_admin_shows_what_the_pages_show(people: dict[str, Commissioner], who: str) -> None:
    user = _users(people)[who]
    client = Client()
    client.force_login(user)
    listing = client.get(reverse("admin:commissioners_commissioner_changelist"))
    assert listing.status_code == 200
    listed = listing.content.decode()
    for key, phone in (("me", ME), ("colleague", COLLEAGUE)):
        record = people[key]
        page_phone = " ".join(item.text for item in cell(record, "phone", user))
        page_birth = " ".join(item.text for item in cell(record, "birth_date", user))
        shown_in_full = phone in page_phone
        assert shown_in_full == rule_of_the_pages(user, record)
        assert ("1979-08-06" in page_birth) == shown_in_full

        change = client.get(reverse("admin:commissioners_commissioner_change", args=[record.pk]))
        detail = change.content.decode()
        # The change page follows the rule for this record, exactly like the pages.
        assert (phone in detail) == shown_in_full, (who, key)
        # The admin writes dates its own way (1979/08/06).
        assert bool(FULL_DATE.search(detail)) == shown_in_full, (who, key)
        assert ("birth_date_precision" in detail) == (who == "admin"), (who, key)
        # The list never shows more than the pages (it masks even one's own row).
        if not shown_in_full:
            assert phone not in listed
    model_admin = admin.site._registry[Commissioner]
    sortable = set(model_admin.get_sortable_by(listing.wsgi_request))
    assert ({"phone", "email"} <= sortable) == (who == "admin")
