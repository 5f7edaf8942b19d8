"""Phones and e-mails are masked on the server unless the user may see them."""

from __future__ import annotations

from typing import Any

import pytest

from tepai.api.tests.world import World
from tepai.commissioners.models import Commissioner

pytestmark = pytest.mark.django_db

ME_CLEAR = {"phone": "13812345678", "email": "zhang@example.com"}
ME_MASKED = {"phone": "138****5678", "email": "z***@example.com"}
MINE_CLEAR = {"contact_phone": "13711112222", "contact_email": "boss@mine.cn"}
MINE_MASKED = {"contact_phone": "137****2222", "contact_email": "b***@mine.cn"}


def _personal(record: dict[str, Any], fields: tuple[str, str]) -> dict[str, Any]:
    return {name: record[name] for name in fields}


def _commissioner(world: World, role: str, pk: int) -> dict[str, Any]:
    return world.client(role).get(f"/api/commissioners/{pk}").json()


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
    record = _commissioner(world, role, world.me.pk)
    assert _personal(record, ("phone", "email")) == expected
    assert record["personal_data_masked"] is (expected is ME_MASKED)


def test_a_commissioner_sees_colleagues_masked(world: World) -> None:
    record = _commissioner(world, "commissioner", world.colleague.pk)
    assert _personal(record, ("phone", "email")) == {
        "phone": "139****4321",
        "email": "l***@example.com",
    }


def test_lists_mask_row_by_row(world: World) -> None:
    rows = world.client("commissioner").get("/api/commissioners/").json()["results"]
    phones = {row["name"]: row["phone"] for row in rows}
    assert phones == {"张特派": "13812345678", "李同事": "139****4321"}


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
    record = world.client(role).get(f"/api/enterprises/{world.mine.pk}").json()
    assert _personal(record, ("contact_phone", "contact_email")) == expected


def test_masking_applies_to_token_clients_too(world: World) -> None:
    record = world.client("auditor", token=True).get(f"/api/commissioners/{world.me.pk}").json()
    assert record["phone"] == "138****5678"


def test_unparseable_legacy_phone_is_hidden_entirely(world: World) -> None:
    Commissioner.objects.filter(pk=world.me.pk).update(phone="见纸质档案")
    assert _commissioner(world, "auditor", world.me.pk)["phone"] == "****"


def test_the_masked_value_never_leaves_in_any_field(world: World) -> None:
    body = world.client("enterprise").get("/api/commissioners/").content.decode()
    assert "13812345678" not in body and "zhang@example.com" not in body
