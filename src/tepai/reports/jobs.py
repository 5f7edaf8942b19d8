"""Writing documents in the background: a job record, a small worker pool and the result files.

A Word or PDF 简报 takes seconds (charts, fonts), longer than a page should. The 报告 page
therefore only records a :class:`~tepai.reports.models.ReportJob` and returns; a worker thread
of the same process writes the document, reporting its progress on the record, and the page
polls it. ``tepai serve`` is one process (waitress threads), so an in-process pool needs no
broker; at most ``TEPAI_REPORT_WORKERS`` (default 2) documents are written at once, the rest
wait their turn, and each user may have only :data:`MAX_PENDING_PER_USER` waiting.

The worker never opens a transaction around the generation: it reads in autocommit mode, and
each progress update is its own one-row write, so a long document never holds SQLite's write
lock against the users saving records meanwhile.

Result files live in ``TEPAI_REPORT_DIR`` (default ``$TEPAI_HOME/report-files``), owner-only,
under random names, outside ``MEDIA_ROOT`` (so backups do not copy them); they are deleted a
day after they were written (:func:`purge_stale`, run whenever a job is submitted).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import (
    DatabaseError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tepai.events.models import Event
from tepai.programs.models import Batch
from tepai.reports.models import JobStatus, ReportFormat, ReportJob
from tepai.reports.periods import Period, PeriodError

__all__ = [
    "MAX_AGE_SECONDS",
    "MAX_PENDING_PER_USER",
    "JobRefused",
    "JobRequest",
    "document_kinds",
    "generate_document",
    "interrupt_orphans",
    "purge_stale",
    "result_path",
    "run",
    "store_result",
    "submit",
]

logger = logging.getLogger(__name__)

# Result files are removed this long after they were written (the user downloads at once;
# a day leaves time to come back to it).
MAX_AGE_SECONDS = 24 * 3600
# Unfinished jobs one user may have: enough to ask for Word and PDF of two documents, too few
# to fill the queue for everybody else.
MAX_PENDING_PER_USER = 3
# Progress is written at most this often (seconds), so a generator that reports every chart
# does not turn into hundreds of writes.
PROGRESS_INTERVAL = 0.5

# This process's name on the jobs it takes: a job still queued or running under another
# name was left behind by a process that ended (a restart) and will never finish.
PROCESS_TOKEN = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


class JobRefused(Exception):
    """The job cannot be queued (too many waiting); the message is for the user."""


@dataclass(frozen=True)
class JobRequest:
    """What to write: a document kind, for a period and scope, in one format."""

    kind: str
    fmt: str
    title: str
    period: Period | None = None
    batch: Batch | None = None
    event: Event | None = None


# ----- the document generator (tepai.reports.documents) --------------------------------------
def document_kinds() -> list[tuple[str, str, str]]:
    """Return the kinds the generator writes: (key, label, what it needs).

    What it needs is "period" (a period, optionally one batch), "batch" (one batch, its whole
    service period) or "event" (one event).
    """
    from tepai.reports.documents import api

    return [(kind.key, kind.display_label, kind.needs) for kind in api.KINDS]


def generate_document(
    kind: str,
    *,
    period: Period | None,
    batch: Batch | None,
    event: Event | None,
    fmt: str,
    progress: Callable[[int, str], None],
) -> bytes:
    """Return the document ``kind`` in ``fmt`` (docx, pdf, html) written by the generator."""
    from tepai.reports.documents import api

    return api.generate(
        kind,
        period=period,
        batch=batch,
        event=event,
        fmt=fmt,  # type: ignore[arg-type]  # checked by the form and by generate()
        progress=progress,
    )


def _user_errors() -> tuple[type[Exception], ...]:
    """Return the exceptions whose message is meant for the user (a refusal, not a fault)."""
    from tepai.reports.documents.api import DocumentError

    return (PeriodError, DocumentError)


# ----- queueing ------------------------------------------------------------------------------
def submit(user: Any, request: JobRequest) -> ReportJob:
    """Record a job for ``user`` and hand it to the workers once the transaction commits.

    Raise :class:`JobRefused` when the user already has :data:`MAX_PENDING_PER_USER`
    unfinished jobs.
    """
    purge_stale()
    interrupt_orphans(ReportJob.objects.filter(user=user))
    pending = ReportJob.objects.filter(
        user=user, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)
    ).count()
    if pending >= MAX_PENDING_PER_USER:
        raise JobRefused(
            _("您已有 %(count)d 份报告正在生成，请等其完成后再提交。") % {"count": pending}
        )
    job = ReportJob.objects.create(
        user=user,
        kind=request.kind,
        fmt=request.fmt,
        title=request.title[:200],
        period_start=request.period.start if request.period else None,
        period_end=request.period.end if request.period else None,
        batch=request.batch,
        event=request.event,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        worker=PROCESS_TOKEN,
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    global _pool
    with _pool_lock:
        if _pool is None:
            workers = int(getattr(settings, "TEPAI_REPORT_WORKERS", 2))
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tepai-report")
        pool = _pool
    pool.submit(_run_in_worker, job_id)


def _run_in_worker(job_id: int) -> None:
    # A pool thread would keep its database connection between jobs, idle for hours (and
    # holding the database against a restore or a test database's removal): each job opens
    # its own and closes it when done; documents are few, a connection is cheap beside one.
    close_old_connections()
    try:
        run(job_id)
    except Exception:  # the database failed under the worker: say so rather than hang
        logger.exception("report job %s could not be run", job_id)
        try:
            _fail_by_id(job_id)
        except Exception:
            logger.exception("report job %s could not be marked failed", job_id)
    finally:
        connections.close_all()


def queue_position(job: ReportJob) -> int:
    """Return how many jobs were submitted before ``job`` and still wait to start."""
    return ReportJob.objects.filter(
        status=JobStatus.QUEUED, worker=job.worker, created_at__lt=job.created_at
    ).count()


# ----- running one job -----------------------------------------------------------------------
class _Progress:
    """The ``progress(percent, message)`` callback: writes the job's progress, not too often."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.percent = 0
        self.message = ""
        self.written_at = 0.0

    def __call__(self, percent: int, message: str = "") -> None:
        # 100 is written with the result; until then the bar never claims to be done.
        percent = max(1, min(99, int(percent)))
        now = time.monotonic()
        if percent == self.percent and message == self.message:
            return
        if message == self.message and now - self.written_at < PROGRESS_INTERVAL:
            return
        self.percent, self.message, self.written_at = percent, str(message), now
        try:
            ReportJob.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                progress=percent, message=self.message[:200]
            )
        except DatabaseError:
            # Progress is for the eye: a write that could not be made (the database busy
            # beyond its timeout) must not fail the document; the next one will show.
            logger.warning("report job %s: progress not recorded", self.job_id, exc_info=True)


def _persist(write: Callable[[], int], *, attempts: int = 20) -> int:
    """Run the one-row write ``write``; retry it while SQLite says a table is locked.

    Waiting for a busy database is SQLite's ``busy_timeout``; a *locked* table (a shared
    cache, as in the test database) fails at once instead, and a finished document must not
    be lost for it.
    """
    for attempt in range(attempts):
        try:
            return write()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def run(job_id: int) -> None:
    """Write the document of job ``job_id`` if it is still queued, recording the outcome.

    Any error of the generator fails the job with a message for the user (the traceback goes
    to the log); it never escapes into the worker.
    """
    claimed = _persist(
        lambda: ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING,
            started_at=timezone.now(),
            progress=1,
            message=_("开始生成"),
            worker=PROCESS_TOKEN,
        )
    )
    if not claimed:
        return  # already taken, finished or deleted
    job = ReportJob.objects.select_related("batch", "event").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            data = _generate(job)
            name = store_result(data, job.fmt)
        except Exception as error:  # every failure becomes the job's message
            _fail(job, error)
            return
        done = _("已完成")
        _persist(
            lambda: ReportJob.objects.filter(pk=job_id).update(
                status=JobStatus.DONE,
                progress=100,
                message=done,
                result_name=name,
                result_size=len(data),
                finished_at=timezone.now(),
            )
        )


def _generate(job: ReportJob) -> bytes:
    # Generation only reads. Inside a transaction on SQLite (IMMEDIATE mode) it would hold the
    # write lock for the whole document, and every user saving a record would wait for it.
    assert not connection.in_atomic_block, "documents are written outside a transaction"
    period = None
    if job.period_start and job.period_end:
        period = Period(job.period_start, job.period_end)
    data = generate_document(
        job.kind,
        period=period,
        batch=job.batch,
        event=job.event,
        fmt=job.fmt,
        progress=_Progress(job.pk),
    )
    if not isinstance(data, bytes) or not data:
        raise RuntimeError(f"the generator returned {type(data).__name__} of no content")
    return data


def _fail(job: ReportJob, error: Exception) -> None:
    if isinstance(error, _user_errors()) and str(error):
        # The generator's own refusals (no such period, nothing to report on) speak to the
        # user; they are not faults of the program.
        reason = str(error)
        logger.warning("report job %s refused: %s", job.pk, reason)
    else:
        logger.exception("report job %s failed", job.pk, exc_info=error)
        reason = _("程序内部错误，已记入日志（任务编号 %(id)s），请联系系统管理员。") % {
            "id": job.pk
        }
    message = _("生成失败：%(reason)s") % {"reason": reason}
    _persist(
        lambda: ReportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            message=message[:200],
            error=message,
            finished_at=timezone.now(),
        )
    )


def _fail_by_id(job_id: int) -> None:
    job = ReportJob.objects.filter(pk=job_id).first()
    if job is not None and not job.finished:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _fail(job, RuntimeError("the worker could not run the job"))


# ----- result files --------------------------------------------------------------------------
def report_dir() -> Path:
    """Return the directory result files are kept in (created, owner-only, on first use)."""
    configured = getattr(settings, "TEPAI_REPORT_DIR", None)
    directory = Path(configured or Path(settings.TEPAI_HOME) / "report-files")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def store_result(data: bytes, fmt: str) -> str:
    """Write a finished document under a new random name (owner-only); return the name."""
    if fmt not in ReportFormat.values:
        raise ValueError(f"unknown format {fmt!r}")
    name = f"{secrets.token_hex(16)}.{fmt}"
    path = report_dir() / name
    with path.open("xb") as target:
        path.chmod(0o600)
        target.write(data)
    return name


def result_path(job: ReportJob) -> Path | None:
    """Return the file of a finished job, or None when there is none (any more)."""
    if not job.downloadable:
        return None
    path = report_dir() / Path(job.result_name).name
    return path if path.is_file() else None


def purge_stale(now: float | None = None, *, max_age: float = MAX_AGE_SECONDS) -> int:
    """Delete result files older than ``max_age`` seconds; return how many were deleted.

    Their jobs keep their record (who asked for what, when) without a file to download.
    """
    limit = (now if now is not None else time.time()) - max_age
    removed = 0
    for path in report_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    cutoff = datetime.fromtimestamp(limit, tz=UTC)
    ReportJob.objects.filter(finished_at__lt=cutoff).exclude(result_name="").update(
        result_name="", message=_("文件已过期删除，请重新生成")
    )
    return removed


def interrupt_orphans(jobs: Any) -> int:
    """Fail the unfinished jobs among ``jobs`` that an ended process left behind.

    Return how many there were. A restart drops the worker's queue; without this the page
    would show such a job as 生成中 forever.
    """
    failed: int = (
        jobs.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
        .exclude(worker=PROCESS_TOKEN)
        .update(
            status=JobStatus.FAILED,
            message=_("生成中断：服务已重启，请重新生成"),
            error=_("生成中断：服务已重启，请重新生成"),
            finished_at=timezone.now(),
        )
    )
    return failed
