"""Documents on the demo: Word and PDF open, state the KPIs of `report kpi`, carry charts."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from PIL import Image

from tepai.activities.models import Activity
from tepai.demo.loader import load_demo
from tepai.programs.models import Batch
from tepai.reports.documents.api import DocumentError, find_event, generate
from tepai.reports.periods import between

PERIOD = ("2024-04-01", "2024-06-30")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


# Every test here needs the test database, if only through ``made`` (pytest-django creates
# it only when a selected test is marked).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def made(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """Generate every document once on the demo (a photo added), then roll the data back."""
    media = tmp_path_factory.mktemp("media")
    result: dict[str, Any] = {}
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        load_demo()
        second = Batch.objects.get(name="第二批")
        period = between(*PERIOD)
        activity = Activity.objects.filter(date__range=PERIOD, batch=second).first()
        assert activity is not None
        activity.photo.save("site.jpg", ContentFile(_photo()))
        out = io.StringIO()
        call_command(
            "report", "kpi", "--batch", "第二批", "--from", PERIOD[0], "--to", PERIOD[1],
            "--format", "json", stdout=out,
        )  # fmt: skip
        result["kpi"] = json.loads(out.getvalue())
        for fmt in ("docx", "pdf"):
            result[f"bulletin.{fmt}"] = generate("bulletin", period=period, batch=second, fmt=fmt)
        event = find_event("浙江省第二批组团式科技特派员援疆出征仪式")
        result["press.docx"] = generate("press", event=event, fmt="docx")
        result["press.html"] = generate("press", event=event, fmt="html").decode()
        result["summary.html"] = generate("summary", batch=second, fmt="html").decode()
        result["notice.html"] = generate("notice", period=period, batch=second, fmt="html").decode()
        result["bulletin.q3.html"] = generate(
            "bulletin", period=between("2024-07-01", "2024-09-30"), batch=second, fmt="html"
        ).decode()
        target = tmp_path_factory.mktemp("cli") / "简报.pdf"
        out = io.StringIO()
        call_command(
            "report", "monthly", "--batch", "第二批", "--from", "2024-06-01",
            "--to", "2024-06-30", "--format", "pdf", "-o", str(target), stdout=out,
        )  # fmt: skip
        result["cli"] = (out.getvalue(), target)
        transaction.set_rollback(True)
    yield result


def _docx_text(data: bytes) -> tuple[str, int]:
    import docx

    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts), len(document.inline_shapes)


def _figures(kpi: dict[str, Any]) -> list[str]:
    """Return the KPI values as the documents' table states them ('<label>（<unit>）' then n)."""
    return [str(kpi[key]) for key in kpi["phrases"]]


def test_the_word_bulletin_opens_with_narrative_figures_and_charts(made: dict[str, Any]) -> None:
    text, images = _docx_text(made["bulletin.docx"])
    assert made["kpi"]["narrative"] in text
    assert made["kpi"]["narrative"].startswith("2024年第二季度")
    for value in _figures(made["kpi"]):
        assert value in text.split("\n")
    assert images >= 3 + 1  # the charts and the photo
    assert "{{" not in text and "{%" not in text
    assert "印发" in text


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) is installed by .ci/run")
def test_the_pdf_bulletin_has_a_text_layer_with_the_kpis(
    made: dict[str, Any], tmp_path: Path
) -> None:
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(made["bulletin.pdf"])
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", made["kpi"]["narrative"]) in flat
    for key, phrase in made["kpi"]["phrases"].items():
        assert phrase in flat, key
    assert "印发" in flat and "—1—" in flat  # the 印发 line and page numbers
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "A4" in info
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"WenQuanYi.*yes\s+yes", fonts)  # CJK font embedded (as a subset)
    # Charts are vector drawings (one form XObject each) and the photo an image.
    raw = made["bulletin.pdf"]
    assert raw.count(b"/Subtype /Form") >= 3 and raw.count(b"/Subtype /Image") >= 1
    for caption in ("图1", "图2", "图3", "按创新中心", "按产业集群"):
        assert caption in flat


def test_the_press_release_of_the_second_batch_launch_states_the_profile(
    made: dict[str, Any],
) -> None:
    text, _images = _docx_text(made["press.docx"])
    html = made["press.html"]
    for body in (text, html):
        for fact in (
            "共21人",
            "等10家单位",
            "平均年龄42.1岁",
            "全部具有高级职称",
            "博士占比76.2%",
            "浙阿纺织服装科技创新（国家高新区）中心",
            "浙阿能源化工科技创新（拜城）中心",
            "空冷岛全自动无人值守清洗机器人系统研发",
            "棉混纺面料印染生产线数智化改造",
            # The two centres the batch set out with; the third was unveiled a month later.
            "拜城）中心2个创新中心",
            "2024年5月16日举行浙阿工业科技创新中心揭牌",
        ):
            assert fact in body, fact


def test_the_summary_and_notice_cover_the_batch_and_its_institutions(
    made: dict[str, Any],
) -> None:
    assert "平均年龄42.1岁" in made["summary.html"]
    assert made["summary.html"].count("<svg") >= 3
    notice = made["notice.html"]
    assert "涉及派出单位10家" in notice
    assert "浙江大学选派" in notice


def test_a_batch_s_first_period_is_not_compared_with_the_time_before_it_set_out(
    made: dict[str, Any],
) -> None:
    first, _images = _docx_text(made["bulletin.docx"])  # 2024-Q2: dispatched on 24 April
    assert "本期为第二批科技特派员派出后的首个统计期，暂无上期数据可比。" in first
    assert "与上期相比" not in first
    later = made["bulletin.q3.html"]  # 2024-Q3, beside Q2
    assert "与上期相比" in later and "首个统计期" not in later


def test_the_cli_writes_the_file_and_says_where(made: dict[str, Any]) -> None:
    message, target = made["cli"]
    assert f"已生成月报：{target}" in message
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_bad_requests_get_chinese_errors() -> None:
    with pytest.raises(DocumentError, match="时间段：月报须为一个自然月"):
        generate("monthly", period=between("2024-04-01", "2024-06-30"), fmt="html")
    with pytest.raises(DocumentError, match="工作总结须指定批次"):
        generate("summary", fmt="html")
    with pytest.raises(DocumentError, match="报告类型"):
        generate("weekly", fmt="html")
    with pytest.raises(DocumentError, match="活动“不存在的活动”不存在"):
        find_event("不存在的活动")
    with pytest.raises(CommandError, match="--from/--to：开始日期"):
        call_command("report", "bulletin", "--from", "2024-13-01")
