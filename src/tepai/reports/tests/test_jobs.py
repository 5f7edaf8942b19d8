"""Report jobs: queued, written by a worker thread outside any transaction, failed clearly."""

from __future__ import annotations

import datetime
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tepai.events.models import Event, EventKind
from tepai.reports import jobs
from tepai.reports.models import JobStatus, ReportJob
from tepai.reports.periods import Period, PeriodError
from tepai.reports.tests.fakes import FakeDocuments, fake_documents
from tepai.testing.factories import make_batch

__all__ = ["fake_documents"]

Q2 = Period.quarter(2024, 2)


@pytest.fixture(autouse=True)
def report_dir(tmp_path: Path) -> Iterator[Path]:
    with override_settings(TEPAI_REPORT_DIR=tmp_path / "report-files"):
        yield tmp_path / "report-files"


@pytest.fixture
def user(db: Any) -> Any:
    return get_user_model().objects.create_user("officer")


def _request(**changes: Any) -> jobs.JobRequest:
    values: dict[str, Any] = {
        "kind": "bulletin",
        "fmt": "docx",
        "title": "工作简报 · 2024年第二季度 · 全部批次",
        "period": Q2,
    }
    values.update(changes)
    return jobs.JobRequest(**values)


def _queued(user: Any, **changes: Any) -> ReportJob:
    """Return a queued job that no worker picks up (the test runs it)."""
    values: dict[str, Any] = {
        "kind": "bulletin",
        "fmt": "docx",
        "title": "t",
        "period_start": Q2.start,
        "period_end": Q2.end,
        "worker": jobs.PROCESS_TOKEN,
    }
    values.update(changes)
    return ReportJob.objects.create(user=user, **values)


@pytest.mark.django_db(transaction=True)
def test_it_writes_the_document_outside_a_transaction_and_keeps_the_file(
    user: Any, fake_documents: FakeDocuments, report_dir: Path
) -> None:
    batch = make_batch("第二批", datetime.date(2024, 4, 24))
    job = ReportJob.objects.create(
        user=user, kind="bulletin", fmt="pdf", title="t", period_start=Q2.start,
        period_end=Q2.end, batch=batch, worker=jobs.PROCESS_TOKEN,
    )  # fmt: skip
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.progress, job.message) == (100, "已完成")
    assert job.started_at is not None and job.finished_at is not None
    [call] = fake_documents.calls
    assert call == {
        "kind": "bulletin",
        "period": Q2,
        "batch": batch,
        "event": None,
        "fmt": "pdf",
        "in_transaction": False,
        "language": "zh-hans",
    }
    path = jobs.result_path(job)
    assert path is not None and path.parent == report_dir
    assert path.read_bytes() == "%PDF 工作简报 2024年第二季度".encode()
    assert job.result_size == path.stat().st_size
    assert path.stat().st_mode & 0o777 == 0o600
    assert report_dir.stat().st_mode & 0o777 == 0o700


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_generate_inside_a_transaction(
    user: Any, fake_documents: FakeDocuments
) -> None:
    # Inside a transaction SQLite's write lock would be held for the whole document.
    job = _queued(user)
    with transaction.atomic():
        jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert fake_documents.calls == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("readers_do_not_lock")
def test_the_worker_runs_the_job_after_commit_while_the_database_stays_writable(
    user: Any, fake_documents: FakeDocuments
) -> None:
    fake_documents.gate = threading.Event()
    with transaction.atomic():
        job = jobs.submit(user, _request(fmt="html"))
        time.sleep(0.2)
        assert not fake_documents.started.is_set(), "the job started before it was committed"
    assert fake_documents.started.wait(10), "the worker never started the job"
    # While the document is being written, progress shows and others can still write.
    deadline = time.monotonic() + 10
    while ReportJob.objects.get(pk=job.pk).progress != 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    running = ReportJob.objects.get(pk=job.pk)
    assert (running.status, running.progress, running.message) == ("running", 30, "统计指标")
    with transaction.atomic():
        Event.objects.create(name="揭牌仪式", kind=EventKind.UNVEILING, date=datetime.date.today())
    fake_documents.gate.set()
    while not ReportJob.objects.get(pk=job.pk).finished and time.monotonic() < deadline:
        time.sleep(0.05)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    result = jobs.result_path(job)
    assert result is not None
    assert result.read_bytes().startswith(b"<!doctype html>")


@pytest.mark.django_db(transaction=True)
def test_a_failure_is_a_clear_chinese_message_and_the_traceback_is_logged(
    user: Any, fake_documents: FakeDocuments, caplog: pytest.LogCaptureFixture
) -> None:
    fake_documents.error = RuntimeError("font file missing")
    job = _queued(user)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("生成失败：程序内部错误，已记入日志")
    assert f"任务编号 {job.pk}" in job.error
    assert "font file missing" not in job.error
    assert "font file missing" in caplog.text
    assert job.result_name == "" and jobs.result_path(job) is None


@pytest.mark.django_db(transaction=True)
def test_a_refusal_of_the_generator_is_shown_as_it_is(
    user: Any, fake_documents: FakeDocuments
) -> None:
    fake_documents.error = PeriodError("结束日期 2024-01-01 早于开始日期 2024-02-01")
    job = _queued(user)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.error == "生成失败：结束日期 2024-01-01 早于开始日期 2024-02-01"


@pytest.mark.django_db(transaction=True)
def test_the_job_runs_in_the_language_it_was_asked_in(
    user: Any, fake_documents: FakeDocuments
) -> None:
    # Progress and error messages are written in the asking page's language, not whatever
    # the worker thread last used.
    job = _queued(user, language="en")
    jobs.run(job.pk)
    assert fake_documents.calls[0]["language"] == "en"


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_once(user: Any, fake_documents: FakeDocuments) -> None:
    job = _queued(user)
    jobs.run(job.pk)
    jobs.run(job.pk)
    assert len(fake_documents.calls) == 1


def test_one_user_may_have_only_a_few_jobs_waiting(
    user: Any, fake_documents: FakeDocuments, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "_enqueue", lambda job_id: None)
    for _ in range(jobs.MAX_PENDING_PER_USER):
        jobs.submit(user, _request())
    with pytest.raises(jobs.JobRefused, match="已有 3 份报告正在生成"):
        jobs.submit(user, _request())
    other = get_user_model().objects.create_user("colleague")
    assert jobs.submit(other, _request()).status == JobStatus.QUEUED
    # Finished jobs do not count.
    ReportJob.objects.filter(user=user).update(status=JobStatus.DONE)
    assert jobs.submit(user, _request()).status == JobStatus.QUEUED


def test_jobs_left_by_an_ended_process_are_reported_as_interrupted(user: Any) -> None:
    mine = ReportJob.objects.create(user=user, kind="monthly", fmt="pdf", title="t",
                                    worker=jobs.PROCESS_TOKEN)  # fmt: skip
    left = ReportJob.objects.create(
        user=user, kind="monthly", fmt="pdf", title="t", status=JobStatus.RUNNING, worker="1-old"
    )
    done = ReportJob.objects.create(
        user=user, kind="monthly", fmt="pdf", title="t", status=JobStatus.DONE, worker="1-old"
    )
    assert jobs.interrupt_orphans(ReportJob.objects.all()) == 1
    for job in (mine, left, done):
        job.refresh_from_db()
    assert mine.status == JobStatus.QUEUED
    assert left.status == JobStatus.FAILED
    assert left.error == "生成中断：服务已重启，请重新生成"
    assert done.status == JobStatus.DONE


def test_progress_is_clamped_and_not_written_too_often(user: Any) -> None:
    job = ReportJob.objects.create(
        user=user, kind="monthly", fmt="pdf", title="t", status=JobStatus.RUNNING
    )
    progress = jobs._Progress(job.pk)
    progress(250, "写入")
    job.refresh_from_db()
    assert (job.progress, job.message) == (99, "写入")
    progress(-5, "写入")  # same message within the interval: not written
    job.refresh_from_db()
    assert job.progress == 99
    progress(40, "下一步")
    job.refresh_from_db()
    assert (job.progress, job.message) == (40, "下一步")


def test_old_result_files_are_deleted_and_their_jobs_say_so(user: Any, report_dir: Path) -> None:
    old_name, new_name = jobs.store_result(b"old", "pdf"), jobs.store_result(b"new", "docx")
    stray = report_dir / "0123456789abcdef0123456789abcdef.pdf"  # its job was deleted
    stray.write_bytes(b"x")
    day_ago = time.time() - jobs.MAX_AGE_SECONDS - 60
    for name in (old_name, stray.name):
        os.utime(report_dir / name, (day_ago, day_ago))
    finished = timezone.now() - datetime.timedelta(seconds=jobs.MAX_AGE_SECONDS + 60)
    old = ReportJob.objects.create(
        user=user, kind="press", fmt="pdf", title="t", status=JobStatus.DONE,
        result_name=old_name, finished_at=finished,
    )  # fmt: skip
    new = ReportJob.objects.create(
        user=user, kind="press", fmt="docx", title="t", status=JobStatus.DONE,
        result_name=new_name, finished_at=timezone.now(),
    )  # fmt: skip
    assert jobs.purge_stale() == 2
    old.refresh_from_db()
    new.refresh_from_db()
    assert sorted(p.name for p in report_dir.iterdir()) == [new_name]
    assert old.result_name == "" and not old.downloadable
    assert old.message == "文件已过期删除，请重新生成"
    assert jobs.result_path(new) == report_dir / new_name


def test_submitting_cleans_up_old_files(
    user: Any, report_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "_enqueue", lambda job_id: None)
    name = jobs.store_result(b"old", "pdf")
    day_ago = time.time() - jobs.MAX_AGE_SECONDS - 60
    os.utime(report_dir / name, (day_ago, day_ago))
    jobs.submit(user, _request())
    assert list(report_dir.iterdir()) == []


def test_a_result_name_never_leaves_the_report_folder(user: Any, report_dir: Path) -> None:
    outside = report_dir.parent / "secret.pdf"
    outside.write_bytes(b"secret")
    job = ReportJob.objects.create(
        user=user, kind="press", fmt="pdf", title="t", status=JobStatus.DONE,
        result_name="../secret.pdf",
    )  # fmt: skip
    assert jobs.result_path(job) is None
