"""The error pages (issue 11 finding 10): styled, in the user's language, with a way back.

Django's test client runs with DEBUG off, as production does, so these are the pages users see.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from tepai.accounts.roles import Role
from tepai.testing.accounts import make_user
from tepai.web.views import errors

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = {
    400: "Bad request",
    403: "Permission denied",
    404: "Page not found",
    500: "Server error",
}
CHINESE_TITLES = {400: "请求有误", 403: "没有权限", 404: "页面不存在", 500: "服务器出错"}


def client(role: Role | None, language: str, **options: Any) -> Client:
    browser = Client(**options)
    if role is not None:
        browser.force_login(make_user(role))
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return browser


def fetch(status: int, language: str) -> Any:
    """Return the response of a request that fails with ``status`` for a signed-in user."""
    if status == 400:
        return client(Role.ADMIN, language).get("/demands/?enterprise=99999999999999999999999")
    if status == 403:
        return client(Role.COMMISSIONER, language).get("/review/")
    if status == 404:
        return client(Role.ADMIN, language).get("/no-such-page/")
    with override_settings(ROOT_URLCONF="tepai.web.tests.error_urls"):
        return client(Role.ADMIN, language, raise_request_exception=False).get("/boom/")


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", page)


def main_text(page: str) -> str:
    """Return the text of the page's main part (without the top bar of other features)."""
    return visible_text(page.split('<main class="page">', 1)[1].split("</main>", 1)[0])


@pytest.mark.django_db
@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_each_error_page_is_chinese_styled_and_leads_back(status: int) -> None:
    response = fetch(status, "zh-hans")
    page = response.content.decode()
    assert response.status_code == status
    assert '<html lang="zh-hans">' in page
    assert "/static/web/tepai.css" in page
    assert f'<h1 id="error-title">{CHINESE_TITLES[status]}</h1>' in page
    assert f"错误代码 {status}" in page
    assert "返回首页" in page and 'href="/"' in page
    assert not re.search(r"Not Found|Server Error|Forbidden|Bad Request", page, re.I)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_each_error_page_is_english_when_the_language_is_english(status: int) -> None:
    page = fetch(status, "en").content.decode()
    assert '<html lang="en">' in page
    assert f'<h1 id="error-title">{ENGLISH[status]}</h1>' in page
    # Everything the error page itself says is English (the 400 reason comes from the list).
    text = main_text(page)
    assert "Back to the first page" in text
    assert not CHINESE.search(text), text


@pytest.mark.django_db
def test_the_400_page_keeps_the_reason_and_the_way_back_to_the_list() -> None:
    page = fetch(400, "zh-hans").content.decode()
    assert "筛选条件“企业”" in page
    assert 'href="/demands/"' in page and "返回列表" in page


@pytest.mark.django_db
def test_the_404_page_shows_the_navigation_of_the_signed_in_user() -> None:
    page = fetch(404, "zh-hans").content.decode()
    assert 'class="mainnav"' in page
    assert 'href="/help/"' in page


@pytest.mark.django_db
def test_a_signed_out_visitor_gets_the_404_page_with_a_sign_in_link() -> None:
    response = client(None, "zh-hans").get("/no-such-page/")
    assert response.status_code == 404
    assert 'href="/login/"' in response.content.decode()


@pytest.mark.django_db
def test_the_500_page_names_the_request_id_for_the_logs() -> None:
    response = fetch(500, "zh-hans")
    assert response["X-Request-ID"] in response.content.decode()


def failing_context_processor(request: Any) -> dict[str, Any]:
    raise RuntimeError("the context processor fails")


@pytest.mark.django_db
def test_the_500_page_needs_neither_the_database_nor_context_processors(
    django_assert_num_queries: Any,
) -> None:
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["OPTIONS"] = {
        "context_processors": [f"{__name__}.failing_context_processor"],
    }
    request = RequestFactory().get("/anything/")
    with (
        override_settings(TEMPLATES=templates),
        translation.override("zh-hans"),
        django_assert_num_queries(0),
    ):
        response = errors.server_error(request)
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


@pytest.mark.django_db
def test_a_4xx_page_falls_back_to_the_plain_page_if_the_layout_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(errors, "FULL_TEMPLATE", "web/errors/no-such-template.html")
    request = RequestFactory().get("/x/")
    with translation.override("zh-hans"):
        response = errors.page_not_found(request)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_a_form_with_an_expired_csrf_token_gets_tepais_403_page() -> None:
    browser = client(Role.ADMIN, "zh-hans", enforce_csrf_checks=True)
    response = browser.post("/logout/", HTTP_REFERER="http://testserver/reports/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "表单已过期" in page
    assert 'href="http://testserver/reports/"' in page
    assert "CSRF verification failed" not in page
