"""In Chromium: an administrator opens the accounts of a whole batch and hands out the sheet.

The sheet of one-time passwords is the answer to the creating click (a download); the new
commissioner signs in with theirs and must change it before anything else.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_batch, make_commissioner, make_institution

from .conftest import page_width

NEW_PASSWORD = "Aksu-Cotton-2026"


def _batch_of_namesakes() -> Any:
    batch = make_batch("第二批")
    zju, nbu = make_institution("浙江大学"), make_institution("宁波大学")
    make_commissioner(
        name="王磊",
        batch=batch,
        institution=zju,
        birth=datetime.date(1981, 3, 5),
        phone="13812345678",
    )
    make_commissioner(name="王磊", batch=batch, institution=nbu, birth=datetime.date(1975, 6, 1))
    for name in ("古丽·买买提", "陈晓燕", "周建国"):
        make_commissioner(name=name, batch=batch, institution=zju)
    already = make_commissioner(name="李老师", batch=batch, institution=nbu)
    make_user(Role.COMMISSIONER, username="lilaoshi", commissioner=already)
    return batch


@pytest.mark.django_db(transaction=True)
def test_admin_creates_a_batch_of_accounts_and_a_commissioner_signs_in(
    page: Any,
    phone: Any,
    browser: Any,
    live_server: Any,
    login: Any,
    screenshot: Any,
    tmp_path: Any,
) -> None:
    batch = _batch_of_namesakes()
    admin = make_user(Role.ADMIN, username="boss")

    login(page, admin)
    page.goto("/users/")
    page.get_by_role("link", name="按批次创建特派员账号").click()
    page.select_option("select[name=batch]", str(batch.pk))
    page.get_by_role("button", name="预览").click()
    preview = page.locator(".bulk-preview")
    expect(preview).to_contain_text("将新建 5 个账号")
    expect(preview).to_contain_text("王磊（浙江大学，第二批，1981）")
    expect(preview).to_contain_text("王磊（宁波大学，第二批，1975）")
    expect(preview).to_contain_text("已有账号、将跳过 1 人")
    screenshot(page, "accounts-bulk-preview-1366")

    login(phone, admin)
    phone.goto(f"/users/bulk/?batch={batch.pk}")
    expect(phone.locator(".bulk-preview")).to_contain_text("将新建 5 个账号")
    assert page_width(phone) <= 375 + 1
    screenshot(phone, "accounts-bulk-preview-375")

    with page.expect_download() as caught:
        page.get_by_role("button", name="创建 5 个账号并下载一次性密码表").click()
    download = caught.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "sheet.xlsx"
    download.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(min_row=4, values_only=True))
    assert [row[3] for row in rows] == [
        "wanglei",
        "wanglei2",
        "gulimaimaiti",
        "chenxiaoyan",
        "zhoujianguo",
    ]
    assert rows[0][2] == "138****5678"
    assert Account.objects.filter(commissioner__batches=batch).count() == 6

    # The same button again: no second sheet, a clear message.
    page.get_by_role("button", name="创建 5 个账号并下载一次性密码表").click()
    expect(page.locator(".form-errors")).to_contain_text("只在创建时下载一次")
    expect(page.locator(".messages")).to_contain_text("已为“第二批”创建 5 个特派员账号")

    page.goto("/users/")
    expect(page.locator("table.users")).to_contain_text("王磊（宁波大学，第二批，1975）")
    screenshot(page, "accounts-user-list-1366")
    phone.goto("/users/")
    expect(phone.locator("table.users")).to_contain_text("wanglei2")
    assert page_width(phone) <= 375 + 1
    screenshot(phone, "accounts-user-list-375")

    # The second 王磊 signs in with the one-time password and must change it first.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    newcomer = context.new_page()
    newcomer.goto("/login/")
    newcomer.fill("input[name=username]", rows[1][3])
    newcomer.fill("input[name=password]", rows[1][4])
    newcomer.locator("main form button[type=submit]").click()
    expect(newcomer).to_have_url(f"{live_server.url}/password/")
    newcomer.goto("/")
    expect(newcomer).to_have_url(f"{live_server.url}/password/")
    newcomer.fill("input[name=old_password]", rows[1][4])
    newcomer.fill("input[name=new_password1]", NEW_PASSWORD)
    newcomer.fill("input[name=new_password2]", NEW_PASSWORD)
    newcomer.locator("main form button[type=submit]").click()
    expect(newcomer.locator(".messages")).to_contain_text("密码已修改")
    context.close()
    account = Account.objects.get(user__username="wanglei2")
    assert not account.must_change_password
    assert account.user.check_password(NEW_PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_admin_publishes_two_demands_at_once(page: Any, login: Any, screenshot: Any) -> None:
    from tepai.demands.models import Demand, DemandStatus
    from tepai.testing.factories import make_enterprise

    enterprise = make_enterprise("阿克苏棉纺有限公司")
    demands = [
        Demand.objects.create(
            enterprise=enterprise,
            title=title,
            problem="问题描述",
            status=DemandStatus.PENDING_REVIEW,
        )
        for title in ("棉花异纤检测", "纺纱断头监测", "染色配方优化")
    ]
    login(page, make_user(Role.ADMIN, username="boss"))
    page.goto("/review/")
    page.get_by_label("选择需求“棉花异纤检测”").check()
    page.get_by_label("选择需求“染色配方优化”").check()
    screenshot(page, "review-queue-bulk-1366")
    page.get_by_role("button", name="发布所选需求").click()
    expect(page.locator(".messages")).to_contain_text("已发布 2 项需求。")
    statuses = [Demand.objects.get(pk=d.pk).status for d in demands]
    assert statuses == [DemandStatus.PUBLISHED, DemandStatus.PENDING_REVIEW, DemandStatus.PUBLISHED]
