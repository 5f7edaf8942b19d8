"""Help from the top bar for every role, and the help and 404 pages at 1366 and 375 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tepai.accounts.roles import role_of
from tepai.help.topics import topic_for_role

from .conftest import PHONE, page_width
from .world import build_world

ROLES = ("admin", "commissioner", "enterprise", "auditor")


@pytest.mark.django_db(transaction=True)
def test_every_role_reaches_help_from_the_top_bar(page: Any, login: Any) -> None:
    world = build_world()
    for who in ROLES:
        user = getattr(world, who)
        topic = topic_for_role(role_of(user))
        assert topic is not None
        login(page, user)
        page.goto("/")
        page.locator("header .topbar-help").click()
        expect(page.locator("article h1")).to_have_text("使用帮助")
        mine = page.locator(".help-mine")
        expect(mine).to_contain_text(str(topic.title))
        mine.get_by_role("link", name="阅读我的角色说明").click()
        expect(page).to_have_url(re.compile(f"/help/{who}/$"))
        expect(page.locator("article h1")).to_contain_text(str(topic.title).split("（")[0])
        # Screenshots on the role's page are shipped files (the browser reports a 404 otherwise).
        for image in page.locator("article img").all():
            image.scroll_into_view_if_needed()
            assert image.evaluate("i => i.complete && i.naturalWidth > 0"), image


@pytest.mark.django_db(transaction=True)
def test_help_and_the_404_page_at_desktop_size(page: Any, login: Any, screenshot: Any) -> None:
    world = build_world()
    login(page, world.commissioner)
    page.goto("/help/")
    expect(page.locator(".help-mine")).to_contain_text("特派员")
    screenshot(page, "help-index-1366")
    page.goto("/help/glossary/")
    expect(page.locator("article")).to_contain_text("签订技术服务合同")
    screenshot(page, "help-glossary-1366")
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    page.get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    page.goto("/no-such-page/")
    screenshot(page, "error-404-1366")


@pytest.mark.django_db(transaction=True)
def test_help_and_the_404_page_fit_a_phone(phone: Any, login: Any, screenshot: Any) -> None:
    world = build_world()
    login(phone, world.enterprise)
    phone.goto("/")
    # The help link is in the top bar itself, not hidden in the folded menu.
    expect(phone.locator("header .topbar-help")).to_be_visible()
    phone.locator("header .topbar-help").click()
    expect(phone.locator(".help-mine")).to_contain_text("企业用户")
    assert page_width(phone) <= PHONE["width"]
    screenshot(phone, "help-index-375")
    phone.goto("/help/enterprise/")
    assert page_width(phone) <= PHONE["width"]
    screenshot(phone, "help-enterprise-375")
    phone.goto("/help/glossary/")
    assert page_width(phone) <= PHONE["width"]
    response = phone.goto("/no-such-page/")
    assert response is not None and response.status == 404
    expect(phone.locator("h1")).to_have_text("页面不存在")
    assert page_width(phone) <= PHONE["width"]
    screenshot(phone, "error-404-375")
