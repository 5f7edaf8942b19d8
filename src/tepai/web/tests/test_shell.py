"""The layout every page shares: role menu, language switch, messages, own static files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[1] / "static" / "web"
FIRST = ["总览"]
PEOPLE = ["特派员", "单位", "批次/团队/中心", "企业", "需求"]
RESULTS = ["成果", "项目", "工作记录", "活动/路演", "典型案例"]


def menu(client: Client) -> list[str]:
    response = client.get("/")
    assert response.status_code == 200
    nav = re.search(r'<nav class="mainnav".*?</nav>', response.content.decode(), re.S)
    assert nav is not None
    return re.findall(r"<li><a [^>]*>([^<]+)</a></li>", nav.group(0))


def test_administrators_see_every_entry(world: World) -> None:
    expected = [*FIRST, *PEOPLE, "需求审核", *RESULTS, "需求发布", "账号", "报告", "审计"]
    assert menu(world.client("admin")) == expected


def test_auditors_see_the_registries_and_the_audit_log_but_not_accounts(world: World) -> None:
    expected = [*FIRST, *PEOPLE, *RESULTS, "需求发布", "报告", "审计"]
    assert menu(world.client("auditor")) == expected


def test_commissioners_and_enterprises_see_what_they_may_read(world: World) -> None:
    expected = [*FIRST, "工作台", *PEOPLE, *RESULTS, "需求发布"]
    assert menu(world.client("commissioner")) == expected
    assert menu(world.client("enterprise")) == [*FIRST, "工作台", *PEOPLE, *RESULTS]


def test_the_current_entry_is_marked(world: World) -> None:
    html = world.client("admin").get("/teams/").content.decode()
    assert '<a href="/batches/" class="active" aria-current="page">批次/团队/中心</a>' in html


def test_pages_of_other_apps_mark_their_entry(world: World) -> None:
    html = world.client("admin").get("/audit/").content.decode()
    assert '<a href="/audit/" class="active" aria-current="page">审计</a>' in html


def test_demand_lists_lead_administrators_to_publishing(world: World) -> None:
    html = world.client("admin").get(f"/demand-lists/{world.demand_list.pk}/").content.decode()
    assert f'href="/publishing/{world.demand_list.pk}/"' in html
    html = world.client("auditor").get(f"/demand-lists/{world.demand_list.pk}/").content.decode()
    assert "/publishing/" not in html


def test_the_language_switch_posts_with_a_csrf_token_and_switches(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    html = client.get("/projects/").content.decode()
    form = re.search(
        r'<form class="lang-switch" action="/i18n/setlang/" method="post">.*?</form>', html, re.S
    )
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))
    assert token is not None
    assert 'name="next" value="/projects/"' in form.group(0)
    response = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/projects/", "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302 and response["Location"] == "/projects/"
    english = client.get("/projects/").content.decode()
    assert '<html lang="en">' in english


def test_pages_are_chinese_by_default(world: World) -> None:
    html = world.client("admin").get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "工作成效" in html


def test_messages_are_shown_once(world: World) -> None:
    client = world.client("admin")
    response = client.post("/institutions/new/", {"name": "消息大学", "type": "other"}, follow=True)
    assert 'class="message message-success"' in response.content.decode()
    assert "消息大学" not in client.get("/").content.decode()


def test_pages_load_nothing_from_other_hosts(world: World) -> None:
    client = world.client("admin")
    for url in ("/", "/commissioners/", f"/events/{world.roadshow.pk}/", "/import/"):
        html = client.get(url).content.decode()
        assert "http://" not in html and "https://" not in html, url
        assert re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_the_stylesheet_defines_the_shared_classes() -> None:
    css = (STATIC / "tepai.css").read_text(encoding="utf-8")
    for name in ("card", "table", "btn", "btn-primary", "form-row", "badge", "muted", "grid"):
        assert re.search(rf"\.{name}\b[^-]", css), name
    assert "@media (max-width: 560px)" in css
