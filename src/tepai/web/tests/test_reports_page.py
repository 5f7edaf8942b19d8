"""The 报告 page: who may use it, the form's checks, a job's page, its JSON and its file."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.http import FileResponse
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from tepai.core.security import CONTENT_SECURITY_POLICY
from tepai.reports import jobs
from tepai.reports.models import JobStatus, ReportJob
from tepai.reports.periods import Period
from tepai.reports.tests.fakes import FakeDocuments, fake_documents
from tepai.web.tests.conftest import World
from tepai.web.tests.test_csp import inline_code
from tepai.web.views.reports import PREVIEW_CSP

__all__ = ["fake_documents"]

pytestmark = pytest.mark.django_db
URL = "/reports/"


@pytest.fixture(autouse=True)
def queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_documents: FakeDocuments
) -> Iterator[list[int]]:
    """Return the ids of the jobs handed to the workers (none runs: the tests finish them)."""
    queued: list[int] = []
    monkeypatch.setattr(jobs, "_enqueue", queued.append)
    with override_settings(TEPAI_REPORT_DIR=tmp_path / "report-files"):
        yield queued


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    calls: list[tuple[str, dict[str, Any]]] = []

    def fake(action: str, request: Any, *, target: Any = None, detail: Any = None) -> None:
        calls.append((action, detail or {}))

    monkeypatch.setattr("tepai.web.views.reports.audit", fake)
    return calls


def ask(client: Client, **fields: Any) -> Any:
    data = {"kind": "bulletin", "period": "quarter", "year": "2024", "quarter": "2"}
    data.update({"fmt": "docx", **fields})
    return client.post(URL, data)


def finish(job: ReportJob, content: bytes = b"%PDF-1.7 report") -> ReportJob:
    """Do what the worker does when the document is written."""
    job.result_name = jobs.store_result(content, job.fmt)
    job.result_size = len(content)
    job.status, job.progress = JobStatus.DONE, 100
    job.save()
    return job


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("auditor", 200)])
def test_admins_and_auditors_use_the_page(world: World, who: str, status: int) -> None:
    response = world.client(who).get(URL)
    assert response.status_code == status
    html = response.content.decode()
    for label in ("工作简报", "月报", "工作总结", "通报", "新闻通稿"):
        assert f">{label}</option>" in html
    assert 'name="fmt" value="docx"' in html and 'name="fmt" value="pdf"' in html
    assert not inline_code(html)


@pytest.mark.parametrize("who", ["commissioner", "enterprise"])
def test_other_roles_are_refused(world: World, who: str) -> None:
    client = world.client(who)
    assert client.get(URL).status_code == 403
    assert ask(client).status_code == 403
    assert ReportJob.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(db: Any) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_menu_shows_reports_to_the_programme_office_only(world: World) -> None:
    for who, shown in (("admin", True), ("auditor", True), ("commissioner", False)):
        html = world.client(who).get("/").content.decode()
        assert (f'href="{URL}"' in html) is shown, who


def test_asking_queues_a_job_and_opens_its_page(
    world: World, queue: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(world.client("admin"), batch=world.batch.pk, fmt="pdf")
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:report-job", args=[job.pk])
    assert queue == [job.pk]
    assert (job.user, job.kind, job.fmt, job.batch) == (
        world.users["admin"],
        "bulletin",
        "pdf",
        world.batch,
    )
    assert (job.period_start, job.period_end) == (
        Period.quarter(2024, 2).start,
        Period.quarter(2024, 2).end,
    )
    assert job.title == "工作简报 · 2024年第二季度 · 第二批"
    assert job.status == JobStatus.QUEUED


@pytest.mark.parametrize(
    ("fields", "period"),
    [
        ({"period": "month", "month": "5"}, Period.month(2024, 5)),
        ({"period": "year"}, Period.year(2024)),
        (
            {"period": "custom", "start": "2024-04-01", "end": "2024-06-15"},
            Period(datetime.date(2024, 4, 1), datetime.date(2024, 6, 15)),
        ),
    ],
)
def test_each_kind_of_period_is_read(world: World, fields: dict[str, str], period: Period) -> None:
    ask(world.client("auditor"), **fields)
    job = ReportJob.objects.get()
    assert (job.period_start, job.period_end) == (period.start, period.end)
    assert job.title == f"工作简报 · {period.label} · 全部批次"


def test_a_press_release_is_for_an_event_and_a_summary_for_a_batch(world: World) -> None:
    client = world.client("admin")
    ask(client, kind="press", event=world.signing.pk, batch=world.batch.pk)
    press = ReportJob.objects.get()
    assert (press.event, press.batch, press.period_start) == (world.signing, None, None)
    assert press.title == "新闻通稿 · 集中签约（2024-06-01）"
    ask(client, kind="summary", batch=world.batch.pk)
    summary = ReportJob.objects.exclude(pk=press.pk).get()
    assert (summary.batch, summary.period_start) == (world.batch, None)
    assert summary.title == "工作总结 · 第二批"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "press"}, "event", "新闻通稿须选择一项活动"),
        ({"kind": "summary"}, "batch", "工作总结须选择一个批次"),
        ({"kind": "monthly"}, "period", "月报须选择一个自然月"),
        ({"period": "custom", "start": "2024-13-01", "end": "2024-06-30"}, "start",
         "开始日期“2024-13-01”不是日期，应写作 YYYY-MM-DD"),
        ({"period": "custom", "start": "2024-06-30", "end": "2024-04-01"}, "end",
         "结束日期 2024-04-01 早于开始日期 2024-06-30"),
        ({"period": "custom", "start": "2024-04-01"}, "end", "结束日期“”不是日期"),
        ({"year": "20240"}, "year", "确保该值小于或等于2199"),
        ({"year": ""}, "year", "请填写年份"),
        ({"period": "month", "month": "13"}, "month", "13"),
        ({"kind": "weekly"}, "kind", "weekly"),
        ({"fmt": "exe"}, "fmt", "exe"),
        ({"batch": "999999"}, "batch", ""),
    ],
)  # fmt: skip
def test_bad_input_is_named_in_chinese_and_nothing_is_queued(
    world: World, fields: dict[str, str], field: str, message: str
) -> None:
    response = ask(world.client("admin"), **fields)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert ReportJob.objects.count() == 0
    assert escape(errors[field][0]) in response.content.decode()


def test_a_user_with_three_jobs_waiting_is_asked_to_wait(world: World) -> None:
    client = world.client("admin")
    for _ in range(jobs.MAX_PENDING_PER_USER):
        ask(client)
    response = ask(client)
    assert response.status_code == 200
    assert "您已有 3 份报告正在生成" in response.content.decode()
    assert ReportJob.objects.count() == jobs.MAX_PENDING_PER_USER


def test_the_job_page_shows_progress_then_the_download(world: World) -> None:
    client = world.client("admin")
    ask(client)
    job = ReportJob.objects.get()
    page = client.get(reverse("web:report-job", args=[job.pk]))
    html = page.content.decode()
    assert "排队中" in html and "即将开始" in html and "<progress" in html
    assert 'http-equiv="refresh"' in html  # inside <noscript>: works without the script
    assert reverse("web:report-job-status", args=[job.pk]) in html
    assert not inline_code(html)

    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, progress=60, message="正在生成文档"
    )
    state = json.loads(client.get(reverse("web:report-job-status", args=[job.pk])).content)
    assert state == {
        "id": job.pk,
        "status": "running",
        "status_label": "生成中",
        "progress": 60,
        "message": "正在生成文档",
        "finished": False,
        "error": "",
        "download_url": None,
        "format": "docx",
    }

    finish(job)
    state = json.loads(client.get(reverse("web:report-job-status", args=[job.pk])).content)
    download = reverse("web:report-job-download", args=[job.pk])
    assert (state["finished"], state["download_url"]) == (True, download)
    html = client.get(reverse("web:report-job", args=[job.pk])).content.decode()
    assert f'href="{download}"' in html and "<progress" not in html
    assert 'http-equiv="refresh"' not in html
    assert f'href="{download}"' in client.get(URL).content.decode()  # and in 我的报告


def test_a_queued_job_says_how_many_wait_before_it(world: World) -> None:
    admin, auditor = world.client("admin"), world.client("auditor")
    ask(auditor)
    ask(admin)
    mine = ReportJob.objects.get(user=world.users["admin"])
    state = json.loads(admin.get(reverse("web:report-job-status", args=[mine.pk])).content)
    assert state["message"] == "排队中，前面还有 1 份"


def test_a_failed_job_shows_its_message(world: World) -> None:
    client = world.client("admin")
    ask(client)
    job = ReportJob.objects.get()
    message = "生成失败：批次：工作总结须指定批次"
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, message=message, error=message
    )
    html = client.get(reverse("web:report-job", args=[job.pk])).content.decode()
    assert "失败" in html and message in html and 'role="alert"' in html
    assert reverse("web:report-job-download", args=[job.pk]) not in html
    response = client.get(reverse("web:report-job-download", args=[job.pk]))
    assert response.status_code == 404


def test_a_job_left_by_a_restart_is_reported_interrupted(world: World) -> None:
    client = world.client("admin")
    ask(client)
    job = ReportJob.objects.get()
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, worker="1-gone")
    state = json.loads(client.get(reverse("web:report-job-status", args=[job.pk])).content)
    assert state["finished"] and state["error"] == "生成中断：服务已重启，请重新生成"


def test_each_user_sees_only_their_own_jobs(world: World) -> None:
    ask(world.client("admin"))
    job = finish(ReportJob.objects.get())
    auditor = world.client("auditor")
    for name in ("web:report-job", "web:report-job-status", "web:report-job-download"):
        assert auditor.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert job.title not in auditor.get(URL).content.decode()


def test_a_download_is_an_attachment_named_after_the_report_and_is_audited(
    world: World, exports: list[tuple[str, dict[str, Any]]]
) -> None:
    client = world.client("admin")
    ask(client, batch=world.batch.pk)
    job = finish(ReportJob.objects.get(), b"PK\x03\x04 word")
    response = client.get(reverse("web:report-job-download", args=[job.pk]))
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content) == b"PK\x03\x04 word"
    response.close()
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "%E5%B7%A5%E4%BD%9C%E7%AE%80%E6%8A%A5" in disposition  # 工作简报, RFC 5987
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    [(action, detail)] = exports
    assert action == "export"
    assert detail["report"] == "bulletin" and detail["format"] == "docx"
    assert detail["batch"] == world.batch.pk and detail["job"] == job.pk
    assert detail["period"] == ["2024-04-01", "2024-06-30"]


def test_a_preview_is_shown_inline_and_sandboxed(
    world: World, exports: list[tuple[str, dict[str, Any]]]
) -> None:
    client = world.client("auditor")
    ask(client, fmt="html")
    job = finish(ReportJob.objects.get(), "<!doctype html><h1>工作简报</h1>".encode())
    response = client.get(reverse("web:report-job-download", args=[job.pk]))
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == PREVIEW_CSP
    assert "sandbox" in PREVIEW_CSP and "script-src" not in PREVIEW_CSP
    assert isinstance(response, FileResponse)
    assert "工作简报" in b"".join(response.streaming_content).decode()
    response.close()
    assert [action for action, _detail in exports] == ["export"]


def test_an_expired_file_is_gone_with_a_message(world: World) -> None:
    client = world.client("admin")
    ask(client)
    job = finish(ReportJob.objects.get())
    (jobs.report_dir() / job.result_name).unlink()
    response = client.get(reverse("web:report-job-download", args=[job.pk]))
    assert response.status_code == 404
    assert "文件已不存在" in response.content.decode()


def test_the_page_works_in_english(world: World) -> None:
    client = world.client("admin")
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "en"
