"""Fixtures of the browser tests: one Chromium per test session, a fresh page per test.

The tests drive Debian's Chromium (``/usr/bin/chromium``, or ``TEPAI_CHROMIUM``) through
Playwright's sync API; Playwright's own browser download is never used. Pages come from
pytest-django's ``live_server`` (a real HTTP server in a thread, on the test database, so each
browser test runs with ``transactional_db``).

Without Chromium the tests are skipped with the reason, except in CI (``CI=true``), where a
missing browser is an error: CI must install it (``.ci/run`` does).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

BROWSER_FLAGS = (
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machines have no network but localhost: without these Chromium keeps trying (and
    # failing) to reach Google's update, sync and safe-browsing hosts.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Chromium's own controls (file picker, date field) follow its UI language; with the
    # chromium-l10n package installed this makes them Chinese like the pages.
    "--lang=zh-CN",
)
DESKTOP = {"width": 1366, "height": 860}  # the common office laptop (issue 11 asks for 1366)
PHONE = {"width": 375, "height": 740}
# How long a click or a wait may take before the test fails (ms): pages render in well under
# a second; a busy CI machine gets some slack.
TIMEOUT_MS = 15_000
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
# The password every browser-test user gets (passes the password policy).
PASSWORD = "Tepai-Browser-2024"


def chromium_path() -> str | None:
    """Return the Chromium executable to drive, or None if it is not installed."""
    configured = os.environ.get("TEPAI_CHROMIUM", "").strip()
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
    # Browser tests last: once Playwright has started, its event loop stays visible in this
    # thread (see ``browser``), so no other test should run after it if it can be helped.
    # pytest-xdist hands items out in this order, so in each worker too.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    if chromium_path() is None and not _in_ci():
        reason = (
            "Chromium is not installed (apt-get install chromium fonts-wqy-microhei, or set "
            "TEPAI_CHROMIUM); browser tests are skipped locally, never in CI"
        )
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Return one headless Chromium for the whole session (started on first use)."""
    executable = chromium_path()
    if executable is None:
        pytest.fail(
            "CI=true but Chromium is missing: .ci/run must install it "
            "(apt-get install -y chromium fonts-wqy-microhei)",
            pytrace=False,
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    # Playwright's sync API keeps an asyncio loop running in this thread while it is started;
    # Django then refuses database access from the thread ("async context"). The tests' own
    # database calls are plain synchronous code, so allow them for exactly that time.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        # launch() gives every browser a fresh temporary profile (user-data dir), deleted
        # when it closes.
        chromium = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=list(BROWSER_FLAGS),
            # On Linux Chromium takes its UI language from the environment, not --lang.
            env={**os.environ, "LANGUAGE": "zh_CN", "LANG": "C.UTF-8"},
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _browser_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    # Fast password hashing for the users the tests create (Argon2 is slow on purpose), a
    # per-test media folder, and the lexical encoder so matching never loads the model.
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path / "media",
        TEPAI_MATCH_ENCODER="hashing",
    ):
        yield


class PageErrors:
    """What went wrong in the browser while a test ran: script errors and missing files."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("response", self._response)
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        # Chromium reports what the Content-Security-Policy blocked ("Refused to execute
        # inline script…") on the console: on a tepai page that is a bug, never intended.
        if "Content Security Policy" in message.text:
            self.errors.append(f"CSP violation: {message.text}")

    def _response(self, response: Any) -> None:
        # A page may answer 403/404 on purpose; a missing stylesheet or script never is.
        if "/static/" in response.url and response.status >= 400:
            self.errors.append(f"{response.status} {response.url}")


def _page(browser: Any, live_server: Any, **options: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = PageErrors()
    errors.watch(page)
    yield page
    context.close()
    assert not errors.errors, "the browser reported problems:\n" + "\n".join(errors.errors)


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """Return a fresh page (own cookies) at desktop size; its base URL is the live server."""
    yield from _page(browser, live_server, viewport=DESKTOP)


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """Return a fresh page as a 375 px wide phone shows it (touch, the page's viewport tag)."""
    yield from _page(
        browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )


@pytest.fixture
def login(live_server: Any) -> Callable[[Any, Any], None]:
    """Return ``login(page, user)``: sign ``user`` in by giving the page a session cookie.

    Faster than typing into the form (tested once, in test_browser_login.py).
    """

    def sign_in(page: Any, user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """Return ``screenshot(page, name)``: save the full page as test-artifacts/screenshots/NAME.png.

    The folder is gitignored; CI keeps it as an artifact to look at.
    """

    def take(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def page_width(page: Any) -> int:
    """Return the document's scroll width in CSS pixels (wider than the window: side scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth"))
