#!/usr/bin/env python3
"""Make the screenshots of the help pages (/help/) from the demo programme.

    python scripts/help_screenshots.py [--out DIR] [--home DIR] [--keep-home]

Steps, all local and offline:

1. a fresh TEPAI_HOME (temporary unless --home) gets ``tepai demo --no-serve`` — the public
   programme plus fictional people, one account per role, the demo password from
   TEPAI_DEMO_PASSWORD (set here), administrators and auditors exempt from the second factor;
2. ``tepai serve`` answers on a free local port;
3. Debian's Chromium (``/usr/bin/chromium`` or TEPAI_CHROMIUM), driven by Playwright, signs in
   as each role through the login form and captures each page at 1280×800 in Chinese;
4. Pillow writes each capture as WebP (quality 72) to ``src/tepai/help/static/help/screenshots/``.

Needs the CJK font (``apt-get install -y fonts-wqy-microhei``), Chromium and the dev extras
(``pip install -e '.[dev]'``). The help tests check that every screenshot a page shows exists
and that together they stay under 1.5 MB. Look at every image after running this.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "tepai" / "help" / "static" / "help" / "screenshots"
PASSWORD = "Tepai-Help-Shots-2024"
VIEWPORT = {"width": 1280, "height": 800}
WEBP_QUALITY = 72
BROWSER_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
)


@dataclass(frozen=True)
class Shot:
    """One screenshot: its file name, who takes it, and how to reach the page."""

    name: str
    username: str
    path: str
    # Optional steps after opening ``path`` (clicks, uploads), given the page and a scratch dir.
    then: Callable[[Any, Path], None] | None = None


# A demand the demo's commissioners fit well (a textile one), so the page shows real matches.
MATCHING_DEMAND = "纺高支长绒棉纱断头太多"


def _open_demand_matching(page: Any, _scratch: Path) -> None:
    # The demand's page, then its matching page (the 推荐对接 button).
    page.get_by_role("link", name=MATCHING_DEMAND).first.click()
    page.get_by_role("link", name="推荐对接").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("h2:has-text('推荐特派员')").first.evaluate("e => e.scrollIntoView()")


def _scroll_to_kpis(page: Any, _scratch: Path) -> None:
    # The KPI cards, below the 待办 panel that opens the page.
    page.locator("h2:has-text('工作成效')").first.evaluate("e => e.scrollIntoView()")


def _preview_roster_error(page: Any, scratch: Path) -> None:
    roster = scratch / "特派员名册.csv"
    roster.write_text(
        "序号,姓名,性别,出生日期,工作单位,职称,学位,研究方向\n"
        "1,赵明远,男,1981年3月,浙江大学,教授,工学博士,纺织工程、纺纱学\n"
        "2,钱晓岚,女,1990/13/45,浙江理工大学,副研究员,硕士研究生,印染\n",
        encoding="utf-8",
    )
    page.locator("select[name='registry']").select_option("commissioners")
    page.locator("input[type='file']").set_input_files(str(roster))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_load_state("networkidle")


SHOTS: tuple[Shot, ...] = (
    Shot("admin-dashboard", "admin", "/", _scroll_to_kpis),
    Shot("admin-import", "admin", "/import/?registry=commissioners", _preview_roster_error),
    Shot("admin-review", "admin", "/review/"),
    Shot("admin-matching", "admin", f"/demands/?q={MATCHING_DEMAND}", _open_demand_matching),
    Shot("admin-reports", "admin", "/reports/"),
    Shot("two-factor", "admin", "/account/two-factor/"),
    Shot("commissioner-workspace", "commissioner", "/me/"),
    Shot("enterprise-workspace", "enterprise", "/company/"),
    Shot("enterprise-demand-form", "enterprise", "/company/demands/new/"),
    Shot("auditor-audit-log", "auditor", "/audit/"),
)


def main(argv: list[str] | None = None) -> int:
    """Make every screenshot of :data:`SHOTS`; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the .webp files go")
    parser.add_argument("--home", type=Path, help="TEPAI_HOME to use (default: a temporary one)")
    parser.add_argument("--keep-home", action="store_true", help="keep the temporary TEPAI_HOME")
    parser.add_argument("--only", nargs="*", help="make only these screenshots (names)")
    options = parser.parse_args(argv)
    if (
        not shutil.which("fc-list")
        or b"WenQuanYi" not in subprocess.run(["fc-list"], capture_output=True, check=False).stdout
    ):
        print("缺少中文字体：apt-get install -y fonts-wqy-microhei", file=sys.stderr)
        return 2
    shots = [shot for shot in SHOTS if not options.only or shot.name in options.only]
    home = options.home or Path(tempfile.mkdtemp(prefix="tepai-help-shots-"))
    try:
        environment = _environment(home)
        print(f"building the demo in {home} …", file=sys.stderr)
        subprocess.run(["tepai", "demo", "--no-serve"], env=environment, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        with _server(environment) as base_url:
            options.out.mkdir(parents=True, exist_ok=True)
            _capture(base_url, shots, options.out, home)
    finally:
        if options.home is None and not options.keep_home:
            shutil.rmtree(home, ignore_errors=True)
    return 0


def _environment(home: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TEPAI_")}
    environment.update(
        TEPAI_HOME=str(home),
        TEPAI_DEMO_PASSWORD=PASSWORD,
        # The lexical encoder: the matching page needs no sentence-encoder warm-up.
        TEPAI_MATCH_ENCODER="hashing",
    )
    return environment


@contextmanager
def _server(environment: dict[str, str]) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["tepai", "serve", "--port", str(port), "--no-warm-up"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base_url}/login/", timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("tepai serve did not start") from None
                time.sleep(0.3)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _capture(base_url: str, shots: list[Shot], out: Path, scratch: Path) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("TEPAI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=list(BROWSER_FLAGS),
            env={**os.environ, "LANGUAGE": "zh_CN", "LANG": "C.UTF-8"},
        )
        pages: dict[str, Any] = {}
        for shot in shots:
            page = pages.get(shot.username)
            if page is None:
                page = pages[shot.username] = _signed_in_page(browser, base_url, shot.username)
            page.goto(base_url + shot.path)
            page.wait_for_load_state("networkidle")
            if shot.then is not None:
                shot.then(page, scratch)
            png = page.screenshot(full_page=False)
            target = out / f"{shot.name}.webp"
            Image.open(BytesIO(png)).convert("RGB").save(
                target, "WEBP", quality=WEBP_QUALITY, method=6
            )
            print(f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}"
                  f"  {target.stat().st_size // 1024} KB")  # fmt: skip
        browser.close()


def _signed_in_page(browser: Any, base_url: str, username: str) -> Any:
    context = browser.new_context(
        base_url=base_url, viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    page = context.new_page()
    page.goto(f"{base_url}/login/")
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


if __name__ == "__main__":
    raise SystemExit(main())
