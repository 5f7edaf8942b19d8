"""The dashboard (总览) at ``/``: a batch (or all), a period (or all time), and the figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tepai.programs.models import Batch
from tepai.reports.periods import EARLIEST, LATEST, Period, PeriodError, between, parse_token
from tepai.web.dashboard_cache import dashboard_for
from tepai.web.views.common import require_role


def _chosen_batch(request: HttpRequest) -> Batch | None:
    """Return the batch of ``?batch=<id>``; "all" is the whole programme; default the latest."""
    token = request.GET.get("batch", "")
    if token == "all":
        return None
    if token:
        try:
            return Batch.objects.get(pk=int(token))
        except (ValueError, Batch.DoesNotExist):
            raise Http404 from None
    return Batch.objects.order_by("-dispatch_date", "-pk").first()


def chosen_period(query: QueryDict) -> Period | None:
    """Return the period of ``?from=&to=`` (either end) or else ``?period=`` (None: all time).

    Raises PeriodError, whose message names the field and the reason, for anything else.
    """
    start, end = query.get("from", ""), query.get("to", "")
    if start.strip() or end.strip():
        return between(start, end)
    return parse_token(query.get("period", "")[:80])


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class PeriodPicker:
    """What the period selector offers: calendar periods, the chosen one, and its neighbours."""

    groups: list[tuple[str, list[Option]]]
    chosen: str
    start: str
    end: str
    earlier: Period | None
    later: Period | None


def _picker(period: Period | None, batches: list[Batch]) -> PeriodPicker:
    today = timezone.localdate()
    first = min((b.dispatch_date.year for b in batches), default=today.year)
    last = max(today.year, period.end.year if period and period.end != LATEST else today.year)
    first = min(first, period.start.year if period and period.start != EARLIEST else first)
    years = list(range(last, first - 1, -1))
    groups = [
        (_("年"), [Option(p.token, p.label) for p in map(Period.year, years)]),
        (
            _("季度"),
            [Option(p.token, p.label) for y in years for p in _quarters(y)],
        ),
        (
            _("月"),
            [Option(p.token, p.label) for y in years for p in _months(y)],
        ),
    ]
    earlier = later = None
    if period is not None and period.kind != "custom":
        earlier = _safe(period.previous)
        following = _next(period)
        later = following if following and following.start <= today else None
    return PeriodPicker(
        groups,
        period.token if period else "all",
        period.start.isoformat() if period and period.start != EARLIEST else "",
        period.end.isoformat() if period and period.end != LATEST else "",
        earlier,
        later,
    )


def _quarters(year: int) -> list[Period]:
    return [Period.quarter(year, q) for q in (4, 3, 2, 1)]


def _months(year: int) -> list[Period]:
    return [Period.month(year, m) for m in range(12, 0, -1)]


def _safe(make: object) -> Period | None:
    try:
        return make()  # type: ignore[operator, no-any-return]
    except PeriodError:
        return None


def _next(period: Period) -> Period | None:
    """Return the month, quarter or year after ``period`` (None past the calendar's end)."""
    start = period.end + datetime.timedelta(days=1)
    try:
        if period.kind == "month":
            return Period.month(start.year, start.month)
        if period.kind == "quarter":
            return Period.quarter(start.year, (start.month - 1) // 3 + 1)
        return Period.year(start.year)
    except PeriodError:
        return None


def _period_query(period: Period | None) -> str:
    """Return the query string that selects ``period`` again ("" for all time)."""
    if period is None:
        return ""
    if period.kind != "custom":
        return urlencode({"period": period.token})
    ends = {"from": period.start, "to": period.end}
    return urlencode({k: v.isoformat() for k, v in ends.items() if v not in (EARLIEST, LATEST)})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require_role(request)
    granularity = "year" if request.GET.get("by") == "year" else "month"
    batch = _chosen_batch(request)
    context: dict[str, object] = {
        "nav_current": "dashboard",
        "granularity": granularity,
        "batch": batch,
        "batch_query": urlencode({"batch": batch.pk if batch else "all"}),
    }
    try:
        period = chosen_period(request.GET)
    except PeriodError as error:
        # Say what is wrong with the period and offer the selector again: no figures for a
        # period nobody asked for.
        batches = list(Batch.objects.order_by("dispatch_date", "name"))
        context.update(batches=batches, picker=_picker(None, batches), period_error=str(error))
        return TemplateResponse(request, "web/dashboard.html", context, status=400)
    board = dashboard_for(request.user, batch, granularity, period)
    context.update(
        board=board,
        batches=board.batches,
        period=period,
        period_query=_period_query(period),
        picker=_picker(period, board.batches),
    )
    return TemplateResponse(request, "web/dashboard.html", context)
