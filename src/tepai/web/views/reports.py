"""The 报告 page: pick a document, period and scope; follow its generation; preview or download.

Administrators and auditors use it (the programme office writes the documents, auditors may
read everything). A request only records a job (:mod:`tepai.reports.jobs`) and returns; the
job page polls ``status.json`` until the document is written. Each user sees only their own
jobs: another user's job "does not exist" (404).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tepai.accounts.roles import Role
from tepai.events.models import Event
from tepai.programs.models import Batch
from tepai.reports import jobs, periods
from tepai.reports.models import JobStatus, ReportFormat, ReportJob
from tepai.reports.periods import Period, PeriodError
from tepai.web.views.common import audit, require_role

STAFF = (Role.ADMIN, Role.AUDITOR)
RECENT_JOBS = 10
# The kind whose period must be one calendar month (the generator refuses any other).
MONTHLY = "monthly"

PERIOD_CHOICES = (
    ("month", gettext_lazy("月")),
    ("quarter", gettext_lazy("季度")),
    ("year", gettext_lazy("年")),
    ("custom", gettext_lazy("自定义")),
)
# A preview is the generator's own HTML document: shown as it is, with its inline styles and
# embedded charts, but never running a script or reaching anything but tepai itself.
PREVIEW_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "font-src 'self' data:; frame-ancestors 'none'; sandbox"
)
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')


def _kind_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, label, _needs in jobs.document_kinds()]


def _kinds_needing(what: str) -> list[str]:
    """Return the kinds written for one ``what``: "event" (新闻通稿) or "batch" (工作总结)."""
    return [key for key, _label, needs in jobs.document_kinds() if needs == what]


class ReportForm(forms.Form):
    """What to write: kind, period (month, quarter, year or from–to), scope and format."""

    kind = forms.ChoiceField(label=gettext_lazy("报告类型"), choices=_kind_choices)
    batch = forms.ModelChoiceField(
        label=gettext_lazy("批次"),
        queryset=Batch.objects.order_by("-dispatch_date", "-pk"),
        required=False,
        empty_label=gettext_lazy("全部批次"),
        help_text=gettext_lazy("工作总结须选择批次，按其整个服务期统计"),
    )
    event = forms.ModelChoiceField(
        label=gettext_lazy("活动"),
        queryset=Event.objects.order_by("-date", "name"),
        required=False,
        empty_label="—",
        help_text=gettext_lazy("仅新闻通稿：出征仪式、揭牌、签约或路演"),
    )
    period = forms.ChoiceField(label=gettext_lazy("时间段"), choices=PERIOD_CHOICES)
    year = forms.IntegerField(
        label=gettext_lazy("年份"),
        min_value=periods.EARLIEST.year,
        max_value=periods.LATEST.year,
        required=False,
    )
    month = forms.TypedChoiceField(
        label=gettext_lazy("月份"),
        choices=[(m, m) for m in range(1, 13)],
        coerce=int,
        required=False,
    )
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"),
        choices=[(q, q) for q in range(1, 5)],
        coerce=int,
        required=False,
    )
    start = forms.CharField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.CharField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    fmt = forms.ChoiceField(label=gettext_lazy("格式"), choices=ReportFormat.choices)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        labels = dict(_kind_choices())
        # A press release covers its event, a summary its batch's whole service period.
        data["the_period"] = None
        if kind in _kinds_needing("event"):
            if data.get("event") is None:
                self.add_error(
                    "event", _("%(kind)s须选择一项活动") % {"kind": labels.get(kind, kind)}
                )
            return data
        if kind in _kinds_needing("batch"):
            if data.get("batch") is None:
                self.add_error(
                    "batch", _("%(kind)s须选择一个批次") % {"kind": labels.get(kind, kind)}
                )
            return data
        period = data["the_period"] = self._period(data)
        if kind == MONTHLY and period is not None and period.kind != "month":
            self.add_error("period", _("月报须选择一个自然月"))
        return data

    def _period(self, data: dict[str, Any]) -> Period | None:
        choice = data.get("period")
        if choice == "custom":
            return self._custom(data)
        year = data.get("year")
        if year is None:
            if "year" not in self.errors:
                self.add_error("year", _("请填写年份"))
            return None
        try:
            if choice == "month":
                if data.get("month") is None:
                    self.add_error("month", _("请选择月份"))
                    return None
                return Period.month(year, data["month"])
            if choice == "quarter":
                if data.get("quarter") is None:
                    self.add_error("quarter", _("请选择季度"))
                    return None
                return Period.quarter(year, data["quarter"])
            return Period.year(year) if choice == "year" else None
        except PeriodError as error:
            self.add_error("year", str(error))
            return None

    def _custom(self, data: dict[str, Any]) -> Period | None:
        days = {}
        for name, label in (("start", _("开始日期")), ("end", _("结束日期"))):
            try:
                days[name] = periods.parse_date(data.get(name) or "", label)
            except PeriodError as error:
                self.add_error(name, str(error))
        if len(days) < 2:
            return None
        try:
            return Period(days["start"], days["end"])
        except PeriodError as error:  # the end before the start
            self.add_error("end", str(error))
            return None

    def job_request(self) -> jobs.JobRequest:
        """Return the job the valid form asks for."""
        data = self.cleaned_data
        kind, period = data["kind"], data["the_period"]
        batch = data.get("batch")
        event = data.get("event") if kind in _kinds_needing("event") else None
        labels = dict(_kind_choices())
        parts = [labels.get(kind, kind)]
        if event is not None:
            parts.append(str(event))
        else:
            if period is not None:
                parts.append(period.label)
            parts.append(batch.name if batch is not None else _("全部批次"))
        return jobs.JobRequest(
            kind=kind,
            fmt=data["fmt"],
            title=" · ".join(parts),
            period=period,
            batch=batch if event is None else None,
            event=event,
        )


def _initial(request: HttpRequest) -> dict[str, Any]:
    """Return the form's starting values: last month, or what the address asks for."""
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    initial: dict[str, Any] = {
        "period": "month",
        "year": last_month.year,
        "month": last_month.month,
        "quarter": (last_month.month - 1) // 3 + 1,
        "fmt": ReportFormat.DOCX,
    }
    for key in ("kind", "batch", "event", "period", "year", "month", "quarter"):
        if request.GET.get(key):
            initial[key] = request.GET[key]
    return initial


def _my_jobs(request: HttpRequest) -> QuerySet[ReportJob]:
    user = request.user
    assert user.is_authenticated  # its views are login_required
    return ReportJob.objects.filter(user=user)


def _my_job(request: HttpRequest, pk: int) -> ReportJob:
    job = get_object_or_404(_my_jobs(request), pk=pk)
    if not job.finished and jobs.interrupt_orphans(_my_jobs(request).filter(pk=pk)):
        job.refresh_from_db()
    return job


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """Show the form and the user's recent jobs; a valid POST queues a job and opens it."""
    require_role(request, *STAFF)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                job = jobs.submit(request.user, form.job_request())
            except jobs.JobRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                return redirect("web:report-job", pk=job.pk)
    else:
        form = ReportForm(initial=_initial(request))
    recent = list(_my_jobs(request)[:RECENT_JOBS])
    return TemplateResponse(
        request,
        "web/reports/index.html",
        {
            "form": form,
            "jobs": recent,
            "event_kinds": _kinds_needing("event"),
            "batch_kinds": _kinds_needing("batch"),
            "nav_current": "reports",
        },
    )


@login_required
@require_GET
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one job: its progress while it runs, then the download (or the error)."""
    require_role(request, *STAFF)
    job = _my_job(request, pk)
    return TemplateResponse(
        request,
        "web/reports/job.html",
        {"job": job, "state": _state(job), "nav_current": "reports"},
    )


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Return the job's progress as JSON for the page's polling script."""
    require_role(request, *STAFF)
    return JsonResponse(_state(_my_job(request, pk)))


def _state(job: ReportJob) -> dict[str, Any]:
    download = reverse("web:report-job-download", args=[job.pk]) if job.downloadable else None
    waiting = jobs.queue_position(job) if job.status == JobStatus.QUEUED else 0
    message = job.message
    if job.status == JobStatus.QUEUED:
        message = (
            _("排队中，前面还有 %(count)d 份") % {"count": waiting} if waiting else _("即将开始")
        )
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(JobStatus(job.status).label),
        "progress": job.progress,
        "message": message,
        "finished": job.finished,
        "error": job.error,
        "download_url": download,
        "format": job.fmt,
    }


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Send the finished document (a preview is shown in the browser); log the export."""
    require_role(request, *STAFF)
    job = _my_job(request, pk)
    path = jobs.result_path(job)
    if path is None:
        return TemplateResponse(
            request,
            "web/reports/job.html",
            {"job": job, "state": _state(job), "nav_current": "reports", "gone": True},
            status=404,
        )
    audit(
        "export",
        request,
        detail={
            "report": job.kind,
            "title": job.title,
            "format": job.fmt,
            "period": [str(job.period_start or ""), str(job.period_end or "")],
            "batch": job.batch_id,
            "event": job.event_id,
            "job": job.pk,
        },
    )
    from tepai.reports.documents.api import CONTENT_TYPES  # the generator loads on first use

    preview = job.fmt == ReportFormat.HTML
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[job.fmt])
    disposition = content_disposition_header(not preview, download_name(job))
    assert disposition is not None  # given a file name, the header always has a value
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    if preview:
        response["Content-Security-Policy"] = PREVIEW_CSP
    return response


def download_name(job: ReportJob) -> str:
    """Return the file name a document is saved as: its title, e.g. 工作简报·2024年4月·第二批."""
    stem = _UNSAFE_FILENAME.sub("", job.title.replace(" · ", "-")) or f"report-{job.pk}"
    return f"{stem[:120]}.{job.fmt}"
