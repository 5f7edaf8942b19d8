"""The main pages work under the Content-Security-Policy: Chromium blocks nothing on them.

Every browser test fails on a CSP violation reported on the console (conftest.PageErrors);
this one visits the pages the policy could break most — charts, filters, matching, the import
form, the workspace, the API docs (Swagger UI) — and checks that their script really runs.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tepai.core.security import CONTENT_SECURITY_POLICY
from tepai.demands.models import Demand, DemandStatus

from .world import build_world


@pytest.mark.django_db(transaction=True)
def test_the_main_pages_run_under_the_policy(page: Any, login: Any) -> None:
    world = build_world()
    demand = Demand.objects.create(
        enterprise=world.mine,
        title="印染废水脱色处理",
        problem="印染废水色度高，现有絮凝工艺脱色效果差。",
        status=DemandStatus.PUBLISHED,
    )
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))

    login(page, world.admin)
    for url in ("/", "/commissioners/", f"/matching/demands/{demand.pk}/", "/import/"):
        response = page.goto(url)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url
        assert page.url.endswith(url), page.url  # the page itself, not a detour
        expect(page.locator("main")).to_be_visible()

    # The list filters' auto-submit (static tepai.js) still works: choosing submits the form.
    page.goto("/commissioners/")
    autosubmit = page.locator("select[data-autosubmit]").first
    option = autosubmit.locator("option").nth(1).get_attribute("value")
    with page.expect_navigation():
        autosubmit.select_option(option)
    assert "?" in page.url

    # Swagger UI draws the API's operations with its own (static) script.
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()

    login(page, world.commissioner)
    page.goto("/me/")
    assert page.url.endswith("/me/")
    expect(page.locator("main")).to_be_visible()

    assert [text for text in violations if "Content Security Policy" in text] == []
