"""The site search in Chromium: typed into the top bar at 1366 px, opened from it on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tepai.demands.models import Demand, DemandStatus

from .conftest import PHONE, page_width
from .world import build_world


@pytest.mark.django_db(transaction=True)
def test_an_administrator_searches_from_the_top_bar(page: Any, login: Any, screenshot: Any) -> None:
    world = build_world()
    Demand.objects.create(
        enterprise=world.mine,
        title="印染废水脱色处理",
        problem="印染车间排放的废水色度高，现有絮凝工艺脱色效果差。",
        status=DemandStatus.PUBLISHED,
    )
    login(page, world.admin)
    page.goto("/")
    box = page.locator(".topbar-search input[name=q]")
    expect(box).to_be_visible()
    # Pinyin initials find 张三.
    box.fill("zs")
    box.press("Enter")
    page.wait_for_url("**/search/?q=zs")
    expect(page.locator("#search-commissioners")).to_contain_text("张三")
    # A research-field word finds the expert, the enterprise's demand and the enterprise.
    box = page.locator(".topbar-search input[name=q]")
    box.fill("印染")
    page.locator(".topbar-search button").click()
    page.wait_for_url("**/search/?q=*")
    for kind in ("commissioners", "enterprises", "demands"):
        expect(page.locator(f"#search-{kind}")).to_be_visible()
    expect(page.locator("#search-commissioners")).to_contain_text("张三")
    expect(page.locator("#search-commissioners")).not_to_contain_text("李四")
    expect(page.locator("#search-demands")).to_contain_text("印染废水脱色处理")
    screenshot(page, "search-desktop")
    # Each result opens its record; the group's link opens the list with the same words.
    page.locator("#search-commissioners a", has_text="张三").click()
    expect(page.locator("h1")).to_contain_text("张三")
    page.go_back()
    page.locator("#search-demands .section-header a").click()
    expect(page.locator("input[name=q]").last).to_have_value("印染")
    expect(page.locator("main")).to_contain_text("印染废水脱色处理")


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_magnifier_opens_the_search_page(
    phone: Any, login: Any, screenshot: Any
) -> None:
    world = build_world()
    login(phone, world.commissioner)
    phone.goto("/")
    # The top bar keeps one line's worth of tools: the box is hidden, the magnifier stays.
    expect(phone.locator(".topbar-search input[name=q]")).to_be_hidden()
    button = phone.locator(".topbar-search button")
    expect(button).to_be_visible()
    assert page_width(phone) <= PHONE["width"]
    screenshot(phone, "search-phone-topbar")
    button.click()
    phone.wait_for_url("**/search/?q=")
    field = phone.locator("#search-page-q")
    expect(field).to_be_visible()
    field.fill("lisi")
    field.press("Enter")
    expect(phone.locator("#search-commissioners")).to_contain_text("李四")
    assert page_width(phone) <= PHONE["width"], "the results scroll sideways"
    screenshot(phone, "search-phone-results")
