"""Pages at the office laptop's 1366 px: the work-log form and the audit log, one row of menu.

Issue 11 asked for clean, fully Chinese screenshots of these at 1366 and at 375 px (the phone
versions are in test_browser_phone.py and test_browser_audit_phone.py).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tepai.activities.models import Activity, ActivityKind
from tepai.demands.models import Demand

from .conftest import DESKTOP, page_width
from .world import build_world


def _one_menu_row(page: Any) -> None:
    """The menu's entries share one row (beside the tools they wrapped to three)."""
    tops = page.locator("nav.mainnav ul > li").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(tops) > 1 and len(set(tops)) == 1, tops


@pytest.mark.django_db(transaction=True)
def test_the_work_log_form_at_1366(page: Any, login: Any, screenshot: Any) -> None:
    world = build_world()
    login(page, world.commissioner)
    page.goto("/me/")
    form = page.locator("#log form")
    expect(form).to_be_visible()
    # Labels say what to count and offer the batch's members and a place.
    expect(form).to_contain_text("数量（人数、人次、个数或批次）")
    expect(form.get_by_label("李四")).to_be_visible()
    expect(form.locator("input[name=place]")).to_be_visible()
    assert page_width(page) <= DESKTOP["width"]
    _one_menu_row(page)
    screenshot(page, "activity-form-1366")


@pytest.mark.django_db(transaction=True)
def test_the_audit_log_at_1366(page: Any, login: Any, screenshot: Any) -> None:
    world = build_world()
    demand = Demand.objects.create(
        enterprise=world.mine, title="印染废水脱色处理", problem="色度高，回用不达标。"
    )
    demand.title = "印染废水深度脱色与回用"
    demand.save()
    activity = Activity.objects.create(
        date=datetime.date(2024, 6, 1), kind=ActivityKind.TRAINING, quantity=12, place="阿瓦提县"
    )
    activity.commissioners.add(world.me)
    login(page, world.admin)
    page.goto("/audit/")
    rows = page.locator("table.audit-log > tbody > tr")
    expect(rows.first).to_be_visible()
    # Related records by name, never a bare id.
    log = page.locator("table.audit-log")
    expect(log).to_contain_text(world.mine.name)
    expect(log).to_contain_text("2024-06-01 培训帮带")
    # Times in the changes read like the entry times: local, to the second, no ISO "T".
    created = log.locator("table.diff tr", has_text="创建时间").first
    local_time = re.compile(r"^\s*创建时间\s*—?\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s*$")
    expect(created).to_have_text(local_time)
    assert page_width(page) <= DESKTOP["width"]
    _one_menu_row(page)
    screenshot(page, "audit-log-1366")
