"""待办 in Chromium (issue 11 acceptance): what waits is first after login, one click away.

A commissioner with a pending proposal sees it on 总览 and accepts it there; an administrator
sees the demands waiting for review and an overdue demand flagged, on the panel, the /todo/
page and the demand list; on a 375 px phone nothing scrolls sideways.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tepai.demands.models import Demand, DemandStatus
from tepai.engagements.models import Proposal, ProposalStatus

from .conftest import page_width
from .world import build_world


def _demand(world: Any, title: str, **fields: Any) -> Demand:
    values: dict[str, Any] = {"problem": "印染废水色度高，回用达不到标准。"}
    values.update(fields)
    return Demand.objects.create(enterprise=world.mine, title=title, **values)


@pytest.mark.django_db(transaction=True)
def test_a_commissioner_answers_a_pending_proposal_from_the_first_page(
    page: Any, phone: Any, login: Any, screenshot: Any
) -> None:
    world = build_world()
    # Proposing moves a demand to 对接中, where it can be answered.
    demand = _demand(world, "印染废水脱色处理", status=DemandStatus.MATCHING)
    proposal = Proposal.objects.create(demand=demand, commissioner=world.me)

    login(phone, world.commissioner)
    phone.goto("/")
    panel = phone.locator("#todo")
    expect(panel).to_contain_text("印染废水脱色处理")
    assert page_width(phone) <= 375
    screenshot(phone, "todo-panel-375")

    login(page, world.commissioner)
    page.goto("/")
    expect(page.locator(".todo-link .todo-count")).to_have_text("1")
    panel = page.locator("#todo")
    expect(panel).to_contain_text("待我答复的推荐")
    # The panel is the first thing under the page title.
    assert page.locator("main .page-header + section").get_attribute("id") == "todo"
    screenshot(page, "todo-panel-1366")
    panel.locator("button", has_text="接受").click()
    expect(page.locator(".messages")).to_contain_text("已接受，等待对方答复")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMMISSIONER_ACCEPTED
    # Back on 总览, with nothing left waiting.
    assert page.url.endswith("/")
    expect(page.locator("#todo")).to_contain_text("目前没有等待您处理的事项。")
    expect(page.locator(".todo-link .todo-count")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_an_admin_sees_demands_to_review_and_an_overdue_demand_flagged(
    page: Any, phone: Any, login: Any, screenshot: Any
) -> None:
    world = build_world()
    _demand(world, "染色车间在线测色", status=DemandStatus.PENDING_REVIEW)
    _demand(world, "定型机余热回收", status=DemandStatus.PENDING_REVIEW)
    late = _demand(
        world,
        "棉纺车间除尘改造",
        status=DemandStatus.PUBLISHED,
        deadline=timezone.localdate() - datetime.timedelta(days=200),
    )

    login(page, world.admin)
    page.goto("/")
    panel = page.locator("#todo")
    review = panel.locator("[data-kind=demand-review]")
    expect(review).to_contain_text("染色车间在线测色")
    expect(review).to_contain_text("定型机余热回收")
    overdue = panel.locator("[data-kind=demand-overdue]")
    expect(overdue).to_contain_text("棉纺车间除尘改造")
    expect(overdue.locator(".badge-flag")).to_have_text("已逾期")
    expect(page.locator(".todo-link .todo-count")).to_have_text("3")

    page.locator(".todo-link").click()
    expect(page.locator("h1")).to_have_text("待办")
    screenshot(page, "todo-page-1366")
    page.locator("[data-kind=demand-review] a", has_text="去审核").first.click()
    expect(page.locator("h1")).to_have_text("需求审核")

    page.goto("/todo/")
    page.locator("[data-kind=demand-overdue] a", has_text="在列表中查看").click()
    expect(page.locator(".chips")).to_contain_text("已逾期")
    row = page.locator("table tbody tr", has_text="棉纺车间除尘改造")
    expect(row.locator(".badge-flag")).to_have_text("已逾期")
    page.goto(f"/demands/{late.pk}/")
    expect(page.locator("main")).to_contain_text("已逾期")

    login(phone, world.admin)
    phone.goto("/todo/")
    expect(phone.locator("[data-kind=demand-overdue]")).to_contain_text("棉纺车间除尘改造")
    assert page_width(phone) <= 375
    screenshot(phone, "todo-page-375")


@pytest.mark.django_db(transaction=True)
def test_an_enterprise_confirms_a_service_record_from_the_first_page(
    page: Any, login: Any, screenshot: Any
) -> None:
    from tepai.activities.confirmation import request_confirmation
    from tepai.activities.models import Activity, ActivityConfirmation, ActivityKind

    world = build_world()
    activity = Activity.objects.create(
        date=datetime.date(2024, 6, 5), kind=ActivityKind.ENTERPRISE_SERVICE, place="阿克苏市"
    )
    activity.commissioners.add(world.me)
    activity.enterprises.add(world.mine)
    request_confirmation(activity)

    login(page, world.enterprise)
    page.goto("/")
    panel = page.locator("#todo")
    expect(panel).to_contain_text("待确认的服务记录")
    expect(panel).to_contain_text("张三 · 阿克苏市")
    screenshot(page, "todo-service-record-1366")
    panel.locator("button", has_text="确认属实").click()
    expect(page.locator(".messages")).to_contain_text("已确认这条服务记录")
    activity.refresh_from_db()
    assert activity.confirmation == ActivityConfirmation.CONFIRMED
    expect(page.locator("#todo")).not_to_contain_text("待确认的服务记录")
