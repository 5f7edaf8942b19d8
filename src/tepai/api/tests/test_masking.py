"""Phones and e-mails are masked on the server unless the user may see them."""

from __future__ import annotations

from typing import Any

import pytest

from tepai.api.tests.world import World
from tepai.commissioners.models import Commissioner

pytestmark = pytest.mark.django_db

# The shared world's (tepai.testing.world): 张三's and his enterprise's contact details.
ME_CLEAR = {"phone": "13800001234", "email": "zhangsan@example.com"}
ME_MASKED = {"phone": "138****1234", "email": "z***@example.com"}
MINE_CLEAR = {"contact_phone": "13700001111", "contact_email": "boss@aksu.example.cn"}
MINE_MASKED = {"contact_phone": "137****1111", "contact_email": "b***@aksu.example.cn"}


def _personal(record: dict[str, Any], fields: tuple[str, str]) -> dict[str, Any]:
    return {name: record[name] for name in fields}


def _commissioner(world: World, role: str, pk: int) -> dict[str, Any]:
    body: dict[str, Any] = world.client(role).get(f"/api/commissioners/{pk}").json()
    return body


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", ME_CLEAR),
        ("commissioner", ME_CLEAR),  # their own record
        ("enterprise", ME_MASKED),
        ("auditor", ME_MASKED),
    ],
)
def test_commissioner_contact_details_per_role(
    world: World, role: str, expected: dict[str, str]
) -> None:
    assert {"phone": world.me.phone, "email": world.me.email} == ME_CLEAR
    record = _commissioner(world, role, world.me.pk)
    assert _personal(record, ("phone", "email")) == expected
    assert record["personal_data_masked"] is (expected is ME_MASKED)


def test_a_commissioner_sees_colleagues_masked(world: World) -> None:
    record = _commissioner(world, "commissioner", world.colleague.pk)
    assert (world.colleague.phone, world.colleague.email) == ("13900005678", "lisi@example.com")
    assert _personal(record, ("phone", "email")) == {
        "phone": "139****5678",
        "email": "l***@example.com",
    }


def test_lists_mask_row_by_row(world: World) -> None:
    rows = world.client("commissioner").get("/api/commissioners/").json()["results"]
    phones = {row["name"]: row["phone"] for row in rows}
    assert phones == {world.me.name: ME_CLEAR["phone"], world.colleague.name: "139****5678"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", MINE_CLEAR),
        ("enterprise", MINE_CLEAR),  # its own record
        ("commissioner", MINE_MASKED),
        ("auditor", MINE_MASKED),
    ],
)
def test_enterprise_contact_details_per_role(
    world: World, role: str, expected: dict[str, str]
) -> None:
    mine = world.mine
    assert {"contact_phone": mine.contact_phone, "contact_email": mine.contact_email} == MINE_CLEAR
    record = world.client(role).get(f"/api/enterprises/{world.mine.pk}").json()
    assert _personal(record, ("contact_phone", "contact_email")) == expected


def test_masking_applies_to_token_clients_too(world: World) -> None:
    record = world.client("auditor", token=True).get(f"/api/commissioners/{world.me.pk}").json()
    assert record["phone"] == ME_MASKED["phone"]


def test_unparseable_legacy_phone_is_hidden_entirely(world: World) -> None:
    Commissioner.objects.filter(pk=world.me.pk).update(phone="见纸质档案")
    assert _commissioner(world, "auditor", world.me.pk)["phone"] == "****"


def test_the_masked_value_never_leaves_in_any_field(world: World) -> None:
    body = world.client("enterprise").get("/api/commissioners/").content.decode()
    assert world.me.phone not in body and world.me.email not in body
