"""The help pages: every role reads every page, in Chinese or English, with real screenshots."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tepai.accounts.roles import Role
from tepai.help.topics import TOPICS, page_language
from tepai.reports.kpi import KPI_DEFINITIONS
from tepai.testing.accounts import make_user

SCREENSHOTS = Path(__file__).resolve().parents[1] / "static" / "help" / "screenshots"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def client_for(role: Role, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(make_user(role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def article(response: Any) -> str:
    """Return the page's own text (the help article), without the navigation around it."""
    page: str = response.content.decode()
    return page.split('<article class="help-page card">', 1)[1].split("</article>", 1)[0]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_every_help_page(role: Role) -> None:
    client = client_for(role)
    assert client.get("/help/").status_code == 200
    for topic in TOPICS:
        response = client.get(f"/help/{topic.slug}/")
        assert response.status_code == 200, topic.slug
        assert "<h1>" in article(response)


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_the_login_page() -> None:
    response = Client().get("/help/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_the_index_puts_the_viewers_role_first(role: Role) -> None:
    page = client_for(role).get("/help/").content.decode()
    mine = page.split('<div class="help-mine">', 1)[1].split("</div>", 1)[0]
    assert f'href="/help/{role.value}/"' in mine
    # The other roles' pages are still listed for everybody.
    for other in Role:
        assert f'href="/help/{other.value}/"' in page


@pytest.mark.django_db
def test_an_unknown_topic_is_a_404() -> None:
    assert client_for(Role.ADMIN).get("/help/nothing/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("topic", [topic.slug for topic in TOPICS])
def test_every_page_has_an_english_version_without_chinese(topic: str) -> None:
    english = article(client_for(Role.AUDITOR, "en").get(f"/help/{topic}/"))
    chinese = article(client_for(Role.AUDITOR).get(f"/help/{topic}/"))
    assert english != chinese
    # The glossary's KPI table and cluster names come from msgids (translated by the catalogue);
    # everything written in the English page itself must be English.
    written = re.sub(r'<table class="table help-kpis">.*?</table>', "", english, flags=re.S)
    written = re.sub(r'<span class="cluster-names">.*?</span>', "", written, flags=re.S)
    assert not CHINESE.search(re.sub(r"<[^>]+>", "", written)), topic
    assert CHINESE.search(chinese)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_glossary_shows_every_kpi_with_its_official_definition(language: str) -> None:
    from django.utils import translation

    page = article(client_for(Role.ENTERPRISE, language).get("/help/glossary/"))
    with translation.override(language):
        for kpi in KPI_DEFINITIONS:
            assert f'id="kpi-{kpi.key}"' in page
            assert _escaped(kpi.display_definition) in page, kpi.key
    for term in ("科技特派员", "批次", "创新中心", "产业集群", "技术需求", "成果路演", "项目签约"):
        if language == "zh-hans":
            assert term in page


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


@pytest.mark.django_db
def test_every_screenshot_a_page_shows_is_shipped_and_small() -> None:
    client = client_for(Role.ADMIN)
    shown: set[str] = set()
    for topic in TOPICS:
        for language in ("zh-hans", "en"):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            page = client.get(f"/help/{topic.slug}/").content.decode()
            shown |= set(re.findall(r'src="/static/help/screenshots/([\w.-]+)"', page))
    assert len(shown) >= 8
    for name in shown:
        assert (SCREENSHOTS / name).is_file(), name
    total = sum(path.stat().st_size for path in SCREENSHOTS.iterdir())
    assert total < 1_500_000, f"screenshots take {total} bytes"


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_the_top_bar_links_to_help_for_every_role(role: Role) -> None:
    page = client_for(role).get("/", follow=True).content.decode()
    assert 'class="topbar-help" href="/help/"' in page


def test_page_language_falls_back_to_chinese() -> None:
    assert page_language("en-us") == "en"
    assert page_language("zh-hans") == "zh-hans"
    assert page_language("fr") == "zh-hans"
    assert page_language(None) == "zh-hans"
