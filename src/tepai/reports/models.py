"""Report jobs: one request to write a document (工作简报, 月报 …), its progress and its file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ReportFormat(models.TextChoices):
    DOCX = "docx", _("Word（.docx）")
    PDF = "pdf", _("PDF")
    HTML = "html", _("网页预览")


class ReportJob(models.Model):
    """One document a user asked for on the 报告 page, written by a background worker.

    The worker (:mod:`tepai.reports.jobs`) fills in the progress and, when done, the name of
    the result file under ``TEPAI_REPORT_DIR``; files are removed a day later
    (:func:`tepai.reports.jobs.purge_stale`) and the record then says so. Only its owner sees a
    job.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_jobs",
        verbose_name=_("用户"),
    )
    kind = models.CharField(_("报告类型"), max_length=32)
    fmt = models.CharField(_("格式"), max_length=8, choices=ReportFormat.choices)
    period_start = models.DateField(_("开始日期"), null=True, blank=True)
    period_end = models.DateField(_("结束日期"), null=True, blank=True)
    batch = models.ForeignKey(
        "programs.Batch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("批次"),
    )
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("活动"),
    )
    # What the page shows as the document's title (报告类型 · 时间段 · 范围), fixed at request
    # time so that renaming a batch later does not change an old job's description.
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("进度说明"), max_length=200, blank=True, default="")
    error = models.TextField(_("错误信息"), blank=True, default="")
    # The result's file name inside TEPAI_REPORT_DIR (random, never chosen by the user);
    # empty until done and again after the file was cleaned up.
    result_name = models.CharField(_("结果文件"), max_length=64, blank=True, default="")
    result_size = models.PositiveIntegerField(_("文件大小（字节）"), null=True, blank=True)
    # The process that took the job: a job left queued or running by a process that has
    # since ended (a restart) is reported as interrupted instead of spinning forever.
    worker = models.CharField(_("工作进程"), max_length=64, blank=True, default="")
    # The page's language when the job was asked for: its progress and error messages are
    # written in it (the document itself is Chinese in every language).
    language = models.CharField(_("界面语言"), max_length=16, blank=True, default="")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报告生成任务")
        verbose_name_plural = _("报告生成任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="reportjob_user_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def downloadable(self) -> bool:
        return self.status == JobStatus.DONE and bool(self.result_name)
