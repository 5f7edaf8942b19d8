"""The Content-Security-Policy holds: no page needs inline script, handlers or inline style.

The policy (tepai.core.security) allows scripts and styles from tepai's own static files only,
so an inline ``<script>``, an ``onclick=`` or a ``style=`` would silently stop working in the
browser. These tests fail on one, in the template files and in the pages as rendered (which
include HTML built in Python, such as the SVG charts).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from tepai.core.registries import registries_by_slug
from tepai.core.security import CONTENT_SECURITY_POLICY

from .conftest import World

SRC = Path(__file__).resolve().parents[2]
# Data for scripts, never run: the browser does not execute these types.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _InlineFinder(HTMLParser):
    """Collect what a script-src/style-src 'self' policy would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        script_type = (values.get("type") or "").lower()
        if tag == "script" and not values.get("src") and script_type not in DATA_SCRIPT_TYPES:
            self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.problems.append(f"<style> element at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}> at line {self.getpos()[0]}")
            if name == "style":
                self.problems.append(f"style= on <{tag}> at line {self.getpos()[0]}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}> at line {self.getpos()[0]}")


def inline_code(html: str) -> list[str]:
    """Return a description of each inline script, handler or style in ``html``."""
    finder = _InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def test_the_finder_sees_what_the_policy_blocks() -> None:
    page = (
        '<script>alert(1)</script><script src="/static/x.js"></script>'
        '<script type="application/json">{}</script><a href="#" onclick="go()">x</a>'
        '<select onchange="this.form.submit()"></select><p style="color:red"></p>'
        '<a href="javascript:alert(1)">y</a>'
    )
    assert len(inline_code(page)) == 5


def _templates() -> list[Path]:
    return sorted(SRC.glob("*/templates/**/*.html"))


def test_no_template_has_inline_script_handlers_or_style() -> None:
    templates = _templates()
    assert len(templates) > 20
    problems = {
        str(path.relative_to(SRC)): found
        for path in templates
        # Template tags inside attributes confuse no HTML parser: {% %} and {{ }} are text.
        if (found := inline_code(path.read_text(encoding="utf-8")))
    }
    assert problems == {}
    # Handlers written without quotes or in upper case are caught as well.
    loose = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    assert [p.name for p in templates if loose.search(p.read_text(encoding="utf-8"))] == []


def _pages(world: World) -> dict[str, list[str]]:
    demand = world.demands["published"]
    admin_pages = ["/", "/import/", "/review/", "/publishing/", "/audit/", "/users/"]
    admin_pages += [f"/matching/demands/{demand.pk}/", f"/publishing/{world.demand_list.pk}/"]
    for slug in registries_by_slug():
        admin_pages += [f"/{slug}/", f"/{slug}/new/"]
    admin_pages += [
        f"/demands/{demand.pk}/",
        f"/commissioners/{world.me.pk}/",
        f"/events/{world.roadshow.pk}/",
        f"/projects/{world.projects['contract'].pk}/",
    ]
    return {
        "admin": admin_pages,
        "commissioner": ["/me/", "/commissioners/", "/password/"],
        "enterprise": ["/company/", "/company/demands/new/", "/demands/"],
    }


@pytest.mark.django_db
def test_rendered_pages_have_no_inline_script_handlers_or_style(world: World) -> None:
    problems: dict[str, list[str]] = {}
    for who, urls in _pages(world).items():
        client = world.client(who)
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, (who, url)
            if found := inline_code(response.content.decode()):
                problems[f"{who} {url}"] = found
    if found := inline_code(Client().get("/login/").content.decode()):
        problems["anonymous /login/"] = found
    assert problems == {}


@pytest.mark.django_db
def test_every_page_carries_the_policy(world: World) -> None:
    for response in (Client().get("/login/"), world.client("admin").get("/")):
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ):
        assert directive in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
