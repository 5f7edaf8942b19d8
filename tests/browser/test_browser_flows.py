"""End to end in Chromium: a demand from posting to a signed project, and an Excel import.

Each step is done the way a person does it: through the pages, their forms and buttons.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tepai.demands.models import Demand, DemandStatus
from tepai.institutions.models import Institution
from tepai.projects.models import Project

from .world import build_world

TITLE = "印染废水脱色处理"


def dashboard_numbers(page: Any) -> dict[str, int]:
    """Return the dashboard's KPI cards and demand-funnel steps as {label: number}."""
    page.goto("/")
    numbers: dict[str, int] = {}
    for card in page.locator(".card.kpi").all():
        label = card.locator(".kpi-label").inner_text().strip()
        value = re.match(r"\d+", card.locator(".kpi-value").inner_text().strip())
        numbers[label] = int(value.group()) if value else 0
    # The first funnel is the demands'; each step's <title> reads "已签约：1".
    for title in page.locator("svg.funnel").first.locator("title").all_text_contents():
        label, _sep, value = title.partition("：")
        numbers[f"漏斗·{label}"] = int(value)
    return numbers


@pytest.mark.django_db(transaction=True)
def test_a_demand_goes_from_posting_to_a_signed_project(
    page: Any, login: Any, screenshot: Any
) -> None:
    world = build_world()

    login(page, world.admin)
    before = dashboard_numbers(page)
    screenshot(page, "dashboard")

    # 1. The enterprise posts a demand; it waits for review.
    login(page, world.enterprise)
    page.goto("/company/demands/new/")
    page.fill("input[name=title]", TITLE)
    page.fill(
        "textarea[name=problem]",
        "印染车间排放的废水色度高，现有絮凝工艺脱色效果差，达不到园区回用标准。",
    )
    page.fill("input[name=required_skills]", "印染废水、脱色")
    page.select_option("select[name=cluster]", "cotton_textile")
    page.select_option("select[name=collaboration_mode]", "service")
    page.click("main form button[type=submit].btn-primary")
    expect(page.locator(".messages")).to_contain_text("等待管理员审核")
    demand = Demand.objects.get(title=TITLE)
    assert demand.enterprise == world.mine
    assert demand.status == DemandStatus.PENDING_REVIEW

    # 2. The administrator publishes it from the review queue.
    login(page, world.admin)
    page.goto("/review/")
    row = page.locator("form", has=page.locator(f"input[value='{demand.pk}']")).or_(
        page.locator(f"form[action='/review/{demand.pk}/']")
    )
    row.locator("button[value=publish]").click()
    expect(page.locator(".messages")).to_contain_text("已发布")

    # 3. …and recommends the dyeing expert on the demand's matching page, which explains why.
    page.goto(f"/matching/demands/{demand.pk}/")
    candidates = page.locator("table tbody tr", has_text="张三")
    expect(candidates.first).to_contain_text("印染")
    screenshot(page, "demand-matching")
    candidates.first.locator("button", has_text="推荐对接").click()
    expect(page.locator(".messages")).to_contain_text("已向特派员张三推荐对接")
    screenshot(page, "demand-matching-proposed")

    # 4. The commissioner accepts in the workspace.
    login(page, world.commissioner)
    page.goto("/me/")
    waiting = page.locator("#proposals")
    expect(waiting).to_contain_text(TITLE)
    waiting.locator("button", has_text="接受").first.click()
    expect(page.locator(".messages")).to_contain_text("已接受，等待对方答复")

    # 5. The enterprise accepts too: the signing is recorded as a project.
    login(page, world.enterprise)
    page.goto("/company/")
    page.locator("button", has_text="接受").first.click()
    expect(page.locator(".messages")).to_contain_text("双方均已接受")
    screenshot(page, "enterprise-workspace")
    project = Project.objects.get(demand=demand)
    assert list(project.commissioners.all()) == [world.me]
    demand.refresh_from_db()
    assert demand.status == DemandStatus.MATCHING  # a draft contract until confirmed

    # 6. The administrator completes and confirms the contract (tests/browser/
    # test_browser_contract.py follows this step in detail): the demand is signed.
    login(page, world.admin)
    page.goto(f"/contracts/{project.pk}/")
    page.fill("input[name=amount]", "20")
    page.locator("button", has_text="保存并确认合同").click()
    expect(page.locator(".messages")).to_contain_text("已确认")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SIGNED
    project.refresh_from_db()

    # 7. The project is in the projects list, and the dashboard counts it.
    page.goto("/projects/")
    expect(page.locator("table")).to_contain_text(project.title)
    screenshot(page, "registry-list")
    after = dashboard_numbers(page)
    assert after["签订技术服务合同"] == before["签订技术服务合同"] + 1
    assert after["漏斗·已签约"] == before["漏斗·已签约"] + 1
    assert after["漏斗·已发布"] == before["漏斗·已发布"] + 1


@pytest.mark.django_db(transaction=True)
def test_an_import_with_a_bad_row_shows_the_row_error_and_writes_nothing(
    page: Any, login: Any, screenshot: Any, tmp_path: Path
) -> None:
    world = build_world()
    sheet = tmp_path / "单位.csv"
    sheet.write_text(
        "单位名称,单位类型,所在省份\n塔里木大学,高校,新疆\n塔里木研究所,外星机构,新疆\n",
        encoding="utf-8",
    )
    before = Institution.objects.count()
    login(page, world.admin)
    page.goto("/import/")
    page.select_option("select[name=registry]", "institutions")
    page.set_input_files("input[name=file]", str(sheet))
    page.locator("main form button[type=submit]").first.click()
    errors = page.locator(".row-errors")
    expect(errors).to_contain_text("第3行")
    expect(errors).to_contain_text("单位类型")
    expect(page.locator("body")).not_to_contain_text("确认导入")
    screenshot(page, "import-preview-error")
    assert Institution.objects.count() == before
    assert not Institution.objects.filter(name="塔里木大学").exists()
