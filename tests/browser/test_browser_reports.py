"""In Chromium: the 报告 page writes each kind of document and downloads it; pages print on A4.

The documents come from the real generator (tepai.reports.documents) through the background
worker, exactly as in production: the page queues the job, polls its progress and then shows
the download link. The dashboard is printed to PDF by Chromium itself, and the PDF is read
back with poppler (pdftotext, pdfinfo) and turned into images (pdftoppm) to look at.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tepai.events.models import Event, EventKind
from tepai.programs.models import Batch
from tepai.reports.models import JobStatus, ReportJob
from tepai.testing.factories import make_project

from .conftest import SCREENSHOTS
from .world import World, build_world

# The page polls the job while the worker thread writes its progress.
pytestmark = pytest.mark.usefixtures("readers_do_not_lock")

D = datetime.date
# Generating a PDF with its charts and fonts may take a while on a busy machine.
DOCUMENT_TIMEOUT_MS = 120_000
# What only the navigation, the footer and the page controls show: none of it may print.
SCREEN_ONLY = (
    "需求审核",
    "两步验证",
    "修改密码",
    "退出",
    "English",
    "科技特派员工作平台",
    "全部批次",  # the batch tabs
)


@pytest.fixture(autouse=True)
def _report_files(tmp_path: Path) -> Any:
    with override_settings(TEPAI_REPORT_DIR=tmp_path / "report-files"):
        yield


def _poppler(*args: str) -> str:
    if shutil.which(args[0]) is None:
        pytest.fail(f"{args[0]} is missing: apt-get install poppler-utils", pytrace=False)
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _programme(world: World) -> Event:
    """Give the world a signed project in 2024 Q2 and the batch's launch ceremony."""
    batch = Batch.objects.get(name="第二批")
    make_project(
        title="印染废水脱色技术服务",
        enterprise=world.mine,
        batch=batch,
        signed_on=D(2024, 5, 20),
        commissioners=[world.me],
    )
    return Event.objects.create(
        name="第二批科技特派员出征仪式", kind=EventKind.LAUNCH, date=D(2024, 4, 24), batch=batch
    )


def _generate(page: Any, kind: str, button: str, **fields: str) -> Any:
    """Fill the 报告 form, press ``button`` and wait for the finished job's page."""
    page.goto("/reports/")
    page.select_option("select[name=kind]", kind)
    for name, value in fields.items():
        field = page.locator(f"[name={name}]")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.get_by_role("button", name=button).click()
    expect(page).to_have_url(re.compile(r"/reports/jobs/\d+/$"))
    expect(page.locator(".report-job .job-download")).to_be_visible(timeout=DOCUMENT_TIMEOUT_MS)
    return page.locator(".report-job .job-download")


def _download(page: Any, link: Any, target: Path) -> Path:
    with page.expect_download() as info:
        link.click()
    info.value.save_as(target)
    return target


@pytest.mark.django_db(transaction=True)
def test_the_reports_page_generates_and_downloads_each_kind(
    page: Any, login: Any, screenshot: Any, tmp_path: Path
) -> None:
    world = build_world()
    launch = _programme(world)
    login(page, world.admin)

    # The form shows only the fields the chosen kind needs.
    page.goto("/reports/")
    page.select_option("select[name=kind]", "press")
    expect(page.locator("[data-field=event]")).to_be_visible()
    expect(page.locator("[data-field=year]")).to_be_hidden()
    page.select_option("select[name=kind]", "bulletin")
    page.select_option("select[name=period]", "custom")
    expect(page.locator("[data-field=start]")).to_be_visible()
    expect(page.locator("[data-field=month]")).to_be_hidden()
    screenshot(page, "reports-form")

    q2 = {"period": "quarter", "year": "2024", "quarter": "2"}
    cases = [
        ("bulletin", "生成 PDF", {"batch": "第二批", **q2}),
        ("bulletin", "生成 Word", q2),
        ("monthly", "生成 Word", {"period": "month", "year": "2024", "month": "5"}),
        ("summary", "生成 PDF", {"batch": "第二批"}),
        ("notice", "生成 Word", q2),
        ("press", "生成 PDF", {"event": str(launch)}),
    ]
    for kind, button, fields in cases:
        if "batch" in fields:
            fields = {**fields, "batch": str(Batch.objects.get(name=fields["batch"]).pk)}
        if "event" in fields:
            fields = {**fields, "event": str(launch.pk)}
        link = _generate(page, kind, button, **fields)
        suffix = "pdf" if "PDF" in button else "docx"
        saved = _download(page, link, tmp_path / f"{kind}.{suffix}")
        if suffix == "pdf":
            assert saved.read_bytes().startswith(b"%PDF")
            text = _poppler("pdftotext", "-layout", str(saved), "-")
        else:
            with zipfile.ZipFile(saved) as document:
                text = document.read("word/document.xml").decode()
        assert "科技特派员" in text or "特派员" in text, (kind, text[:400])
        if kind == "press":
            assert "出征" in text, text[:400]
    screenshot(page, "reports-job-done")

    jobs = ReportJob.objects.filter(user=world.admin)
    assert jobs.count() == len(cases)
    assert set(jobs.values_list("status", flat=True)) == {JobStatus.DONE}
    # 我的报告 lists them with their download links.
    page.goto("/reports/")
    expect(page.locator("section[aria-labelledby=jobs-title] tbody tr")).to_have_count(len(cases))


@pytest.mark.django_db(transaction=True)
def test_a_preview_opens_the_document_in_the_browser(page: Any, login: Any) -> None:
    world = build_world()
    _programme(world)
    login(page, world.auditor)
    link = _generate(page, "bulletin", "预览", period="year", year="2024")
    with page.context.expect_page() as opened:
        link.click()
    preview = opened.value
    preview.wait_for_load_state()
    assert "特派员" in preview.locator("body").inner_text()
    preview.close()


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_prints_on_a4_without_navigation(
    page: Any, login: Any, screenshot: Any
) -> None:
    world = build_world()
    _programme(world)
    login(page, world.admin)
    page.goto("/")
    expect(page.locator("svg.chart").first).to_be_visible()

    # Laid out as on paper: A4 less the @page margins (186 mm ≈ 703 CSS px) is wide enough.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 703, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth") <= 703
    for hidden in (".topbar", ".tabs", ".toggle", ".footer"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.locator("svg.chart").first).to_be_visible()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "dashboard-print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    info = _poppler("pdfinfo", str(pdf))
    # poppler names the size when it is A4 within its tolerance (Chromium: 595.92 x 842.88 pt).
    assert re.search(r"Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)", info), info
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert 1 <= pages <= 4, info
    text = _poppler("pdftotext", "-layout", str(pdf), "-")
    assert "总览" in text and "工作成效" in text and "需求漏斗" in text
    for word in SCREEN_ONLY:
        assert word not in text, f"{word!r} printed"
    # Pages as images, to look at (test-artifacts/screenshots/dashboard-print-N.png).
    _poppler("pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / "dashboard-print"))
    assert list(SCREENSHOTS.glob("dashboard-print-*.png"))


@pytest.mark.django_db(transaction=True)
def test_list_and_detail_pages_print_without_their_controls(page: Any, login: Any) -> None:
    world = build_world()
    login(page, world.admin)
    page.emulate_media(media="print")
    page.goto("/commissioners/")
    expect(page.locator("table.table")).to_be_visible()
    for hidden in ("form.filters", ".actions", ".topbar", ".pagination"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    page.goto(f"/commissioners/{world.me.pk}/")
    expect(page.locator("dl.fields")).to_be_visible()
    for hidden in (".actions", ".breadcrumb", ".topbar"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
