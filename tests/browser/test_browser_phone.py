"""On a 375 px wide phone the pages fit the screen: no sideways scrolling, forms usable."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tepai.activities.models import Activity
from tepai.demands.models import Demand, DemandStatus

from .conftest import PHONE, page_width
from .world import build_world

WIDTH = PHONE["width"]


def _fits(page: Any, what: str) -> None:
    width = page_width(page)
    assert width <= WIDTH, f"{what} is {width} px wide on a {WIDTH} px phone"


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_and_the_matching_page_fit_a_phone(
    phone: Any, login: Any, screenshot: Any
) -> None:
    world = build_world()
    demand = Demand.objects.create(
        enterprise=world.mine,
        title="印染废水脱色处理",
        problem="印染车间排放的废水色度高，现有絮凝工艺脱色效果差，达不到园区回用标准。",
        required_skills=["印染废水", "脱色"],
        status=DemandStatus.PUBLISHED,
    )
    login(phone, world.admin)
    phone.goto("/")
    expect(phone.locator("h1")).to_contain_text("总览")
    _fits(phone, "the dashboard")
    screenshot(phone, "phone-dashboard")
    phone.goto(f"/matching/demands/{demand.pk}/")
    expect(phone.locator("main")).to_contain_text("张三")
    _fits(phone, "the demand matching page")
    screenshot(phone, "phone-demand-matching")


@pytest.mark.django_db(transaction=True)
def test_a_commissioner_logs_work_from_a_phone(phone: Any, login: Any, screenshot: Any) -> None:
    world = build_world()
    login(phone, world.commissioner)
    phone.goto("/me/")
    form = phone.locator("#log form")
    expect(form).to_be_visible()
    _fits(phone, "the commissioner's workspace")
    screenshot(phone, "phone-activity-form")
    form.locator("input[name=date]").fill("2024-06-01")
    form.locator("select[name=kind]").select_option("service")
    form.locator("input[name=quantity]").fill("1")
    form.locator("select[name=enterprise]").select_option(str(world.mine.pk))
    form.locator("input[name=place]").fill("阿克苏纺织工业城")
    form.get_by_label("李四").check()
    form.locator("textarea[name=notes]").fill("现场指导染色工艺调整")
    form.locator("button[type=submit]").click()
    expect(phone.locator(".messages")).to_contain_text("已记录")
    _fits(phone, "the workspace after saving")
    # The one record just logged, beside the world's own.
    activity = Activity.objects.exclude(pk__in=[a.pk for a in world.base.activities.values()]).get()
    assert sorted(c.name for c in activity.commissioners.all()) == ["张三", "李四"]
    assert list(activity.enterprises.all()) == [world.mine]
    assert activity.place == "阿克苏纺织工业城"
