"""The audit log on a 375 px phone: entries as cards, one-line times, related records named."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tepai.demands.models import Demand
from tepai.testing.factories import make_enterprise

from .conftest import PHONE, page_width
from .world import build_world


@pytest.mark.django_db(transaction=True)
def test_the_audit_log_reads_on_a_phone(phone: Any, login: Any, screenshot: Any) -> None:
    world = build_world()
    demand = Demand.objects.create(
        enterprise=world.mine, title="印染废水脱色处理", problem="色度高，回用不达标。"
    )
    demand.enterprise = make_enterprise("阿克苏华孚色纺有限公司")
    demand.save()
    login(phone, world.auditor)
    phone.goto("/audit/")
    entry = phone.locator("table.audit-log > tbody > tr", has_text="阿克苏华孚色纺有限公司（#")
    expect(entry).to_have_count(1)
    assert page_width(phone) <= PHONE["width"]
    # The time on one line (it used to wrap one character per line).
    time = entry.locator("td.audit-time")
    line = float(time.evaluate("cell => parseFloat(getComputedStyle(cell).lineHeight)"))
    assert time.bounding_box()["height"] < 2 * line + 8
    # The before/after table fits inside its card.
    changes = entry.locator("table.diff")
    box, card = changes.bounding_box(), entry.bounding_box()
    assert box["x"] >= card["x"] and box["x"] + box["width"] <= card["x"] + card["width"] + 1
    screenshot(phone, "phone-audit-log")
