"""End to end in Chromium: the contract step (issue 11).

Both parties accept a proposal; the draft contract is not counted. The enterprise completes it
with the signed contract's details and a scan (on a desktop and on a phone), the administrator
confirms it, and only then does the dashboard's 签订技术服务合同 change.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tepai.demands.models import Demand, DemandStatus
from tepai.engagements import services
from tepai.projects.models import ContractState, Project

from .conftest import page_width
from .test_browser_flows import dashboard_numbers
from .world import build_world

CONTRACTS = "签订技术服务合同"


def _agreed_draft(world: Any) -> Project:
    demand = Demand.objects.create(
        enterprise=world.mine,
        title="印染废水脱色处理",
        problem="印染废水色度高，现有絮凝工艺脱色效果差。",
        status=DemandStatus.PUBLISHED,
        collaboration_mode="service",
    )
    proposal = services.propose(demand, world.me, world.admin, score=0.8)
    services.respond(proposal, "commissioner", True, by=world.commissioner)
    proposal = services.respond(proposal, "enterprise", True, by=world.enterprise)
    assert proposal.project is not None
    return proposal.project


def _fill_contract(page: Any, world: Any, signed: datetime.date, scan: Path) -> None:
    page.fill("input[name=title]", "印染废水脱色处理技术服务合同")
    page.fill("input[name=amount]", "48.5")
    page.fill("input[name=signed_on]", signed.isoformat())
    page.fill("input[name=client_party]", world.mine.name)
    page.fill("input[name=contractor_party]", world.me.institution.name)
    page.fill("input[name=starts_on]", signed.isoformat())
    page.fill("input[name=ends_on]", (signed + datetime.timedelta(days=180)).isoformat())
    page.set_input_files("input[name=attachment]", str(scan))


@pytest.mark.django_db(transaction=True)
def test_the_enterprise_completes_the_draft_the_admin_confirms_and_the_kpi_changes(
    page: Any, phone: Any, login: Any, screenshot: Any, tmp_path: Path
) -> None:
    world = build_world()
    login(page, world.admin)
    before = dashboard_numbers(page)
    draft = _agreed_draft(world)

    # The agreement alone changes no KPI; the dashboard shows the draft apart.
    assert dashboard_numbers(page)[CONTRACTS] == before[CONTRACTS]
    expect(page.locator("#contract-drafts")).to_contain_text("待确认合同 1 份")

    # The enterprise opens the draft from its workspace and completes it.
    scan = tmp_path / "合同扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    signed = timezone.localdate() - datetime.timedelta(days=3)
    login(page, world.enterprise)
    page.goto("/company/")
    page.locator("a", has_text="完善合同信息").first.click()
    expect(page.locator("h1")).to_have_text("完善合同信息")
    _fill_contract(page, world, signed, scan)
    screenshot(page, "contract-form-1366")
    page.locator("button", has_text="保存并提交确认").click()
    expect(page.locator(".messages")).to_contain_text("等待管理员确认")
    draft.refresh_from_db()
    assert draft.state == ContractState.DRAFT and draft.attachment

    # The same form on a phone: one column, no side scrolling, the error beside its field.
    login(phone, world.enterprise)
    phone.goto(f"/contracts/{draft.pk}/")
    phone.fill("input[name=amount]", "-3")
    phone.locator("button", has_text="保存并提交确认").click()
    expect(phone.locator(".has-error")).to_contain_text("合同金额：不能为负数")
    assert page_width(phone) <= 375
    screenshot(phone, "contract-form-375")

    # Still not counted until the administrator confirms it.
    login(page, world.admin)
    assert dashboard_numbers(page)[CONTRACTS] == before[CONTRACTS]
    # The administrator finds it among the contracts waiting in 待办, one click from the form.
    page.goto("/")
    waiting = page.locator("#todo [data-kind=contract-confirm]")
    expect(waiting).to_contain_text("待确认的合同")
    expect(waiting).to_contain_text(draft.title)
    waiting.locator("a", has_text="去处理").first.click()
    expect(page.locator("input[name=amount]")).to_have_value("48.50")
    page.locator("button", has_text="保存并确认合同").click()
    expect(page.locator(".messages")).to_contain_text("已确认，计入工作成效统计")

    after = dashboard_numbers(page)
    assert after[CONTRACTS] == before[CONTRACTS] + 1
    expect(page.locator("#contract-drafts")).to_have_count(0)
    draft.refresh_from_db()
    assert draft.state == ContractState.CONFIRMED and draft.demand is not None
    assert draft.demand.status == DemandStatus.SIGNED
