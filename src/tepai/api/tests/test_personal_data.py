"""Issue 9, findings 2 and 12 in the API: no ordering or search oracle on masked fields, birth
dates as the year only, 出生日期精度 for administrators only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tepai.api.tests.world import World
from tepai.commissioners.models import Commissioner

pytestmark = pytest.mark.django_db


def _list(world: World, role: str, query: str) -> tuple[int, list[str]]:
    response = world.client(role).get(f"/api/commissioners/?{query}")
    body: Any = response.json()
    names = [row["name"] for row in body["results"]] if response.status_code == 200 else []
    return response.status_code, names


@pytest.mark.parametrize(
    "query",
    [
        "ordering=phone",
        "ordering=-phone",
        "order_by=phone",
        "sort=phone",
        "phone=13900004321",
        "phone__gt=13500000000",
        "email__startswith=l",
    ],
)
def test_no_parameter_orders_or_filters_by_a_masked_phone(world: World, query: str) -> None:
    # The sort oracle through the API: whatever the colleague's number, a commissioner's
    # answers (status and order) must be the same.
    answers = []
    for colleague_phone in ("13000000001", "13999999999"):
        Commissioner.objects.filter(pk=world.colleague.pk).update(phone=colleague_phone)
        for probe in ("13000000000", "13500000000", "19999999999"):
            Commissioner.objects.filter(pk=world.me.pk).update(phone=probe)
            answers.append(_list(world, "commissioner", query))
    assert answers[:3] == answers[3:]


def test_search_does_not_match_a_masked_phone(world: World) -> None:
    phone = Commissioner.objects.get(pk=world.colleague.pk).phone
    for role in ("commissioner", "enterprise"):
        assert _list(world, role, f"q={phone}") == (200, [])


@pytest.mark.parametrize("role", ["enterprise", "auditor", "commissioner"])
def test_others_get_the_birth_year_only(world: World, role: str) -> None:
    Commissioner.objects.filter(pk=world.colleague.pk).update(birth_date=datetime.date(1979, 8, 6))
    record = world.client(role).get(f"/api/commissioners/{world.colleague.pk}").json()
    assert record["birth_year"] == 1979
    assert record["birth_date"] is None
    assert record["birth_date_precision"] is None
    listed = world.client(role).get("/api/commissioners/").json()["results"]
    assert "1979-08-06" not in str(listed)


def test_a_commissioner_gets_their_own_birth_date_but_not_the_precision(world: World) -> None:
    record = world.client("commissioner").get(f"/api/commissioners/{world.me.pk}").json()
    assert record["birth_date"] is not None and record["birth_date_precision"] is None


def test_administrators_get_the_birth_date_and_its_precision(world: World) -> None:
    Commissioner.objects.filter(pk=world.colleague.pk).update(birth_date=datetime.date(1979, 8, 6))
    record = world.client("admin").get(f"/api/commissioners/{world.colleague.pk}").json()
    assert record["birth_date"] == "1979-08-06"
    assert record["birth_date_precision"] == "day"
    assert record["birth_year"] == 1979
