"""The dashboard is built once per change of the records, not once per request."""

from __future__ import annotations

import datetime
import time

import pytest
from django.test import Client, override_settings

from tepai.activities.models import ActivityKind
from tepai.testing.factories import make_activity
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db


def _board(client: Client, world: World, **params: str | int) -> object:
    response = client.get("/", {"batch": world.batch.pk, **params})
    assert response.status_code == 200
    return response.context["board"]


def _values(board: object) -> list[int]:
    return [figure.value for figure in board.figures()]  # type: ignore[attr-defined]


def test_a_second_request_reuses_the_figures_until_a_record_changes(world: World) -> None:
    admin = world.client("admin")  # signing in is an audit entry of its own
    first = _board(admin, world)
    assert _board(admin, world) is first
    make_activity(
        ActivityKind.TRAINING,
        quantity=7,
        date=datetime.date(2024, 5, 20),
        commissioners=[world.me],
        batch=world.batch,
    )
    changed = _board(admin, world)
    assert changed is not first
    assert sum(_values(changed)) > sum(_values(first))
    assert _board(admin, world) is changed


def test_each_viewer_period_and_language_has_its_own_figures(world: World) -> None:
    enterprise, admin = world.client("enterprise"), world.client("admin")
    board = _board(admin, world)
    assert _board(enterprise, world) is not board
    assert _board(admin, world, period="2024-Q2") is not board
    assert _board(admin, world) is board
    admin.cookies["django_language"] = "en"
    assert _board(admin, world) is not board


def test_entries_expire_and_the_cache_can_be_turned_off(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = world.client("admin")
    first = _board(admin, world)
    assert _board(admin, world) is first
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 61)
    assert _board(admin, world) is not first
    with override_settings(TEPAI_DASHBOARD_CACHE_SECONDS=0):
        again = _board(admin, world)
        assert _board(admin, world) is not again
