"""The dashboard's KPIs per day: what :func:`tepai.reports.kpi.kpi_report` counts, grouped.

The dashboard shows each KPI for a period, the previous period, the same period a year earlier
and per month (or day) of a chart: calling ``kpi_report`` for each would list every counted
record's id over and over (about 250 ms a call for a batch of 5,000 commissioners). Instead
three grouped queries read, per day, the sums and counts each KPI adds up and the enterprises
served, and every figure is a sum over the days of its period.

The KPI definitions are those of ``kpi_report`` (the same record kinds, attribution to the
batch and dates); a test compares the two for batches, periods and the whole programme, and
each figure's link opens the list of the ids ``kpi_report`` gives for that period.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Q, Sum, When

from tepai.activities.models import Activity, ActivityKind
from tepai.programs.models import Batch
from tepai.projects.models import (
    CONTRACT_KINDS,
    COUNTED,
    PROVINCIAL_OR_HIGHER,
    Project,
    ProjectKind,
)
from tepai.reports.attribution import attributed
from tepai.reports.kpi import SUMMED_ACTIVITY_KINDS
from tepai.reports.periods import Period, within
from tepai.web.figures import driver_date, driver_rows

__all__ = ["ACTIVITY_KPIS", "PROJECT_KPIS", "KpiDays", "kpi_days"]

# The work-record KPIs: the kind of record whose 数量 each adds up (the KPI table's own).
ACTIVITY_KPIS: dict[str, str] = dict(SUMMED_ACTIVITY_KINDS)
# The project KPIs: the projects each counts (as kpi_report), confirmed ones only (COUNTED).
PROJECT_KPIS: dict[str, Q] = {
    "provincial_projects_led": COUNTED
    & Q(kind=ProjectKind.RESEARCH, level__in=PROVINCIAL_OR_HIGHER, led_by_commissioner=True),
    "service_contracts": COUNTED & Q(kind__in=CONTRACT_KINDS),
}
BENEFITED = "enterprises_benefited"


@dataclass
class KpiDays:
    """Each KPI's amount per day over a span of days, and the enterprises served each day.

    Also every project of the scope per day and enterprise cluster, for the chart by cluster.
    """

    span: Period | None
    amounts: dict[str, dict[datetime.date, int]] = field(default_factory=dict)
    served: dict[datetime.date, set[int]] = field(default_factory=dict)
    # The variety records, (day, id) in order: the narrative names the first few.
    varieties: list[tuple[datetime.date, int]] = field(default_factory=list)
    # All the projects signed each day, by their enterprise's industry cluster (None: none).
    projects_by_cluster: dict[str | None, dict[datetime.date, int]] = field(default_factory=dict)

    def projects_in(self, cluster: str, period: Period | None = None) -> int:
        """Return how many projects with an enterprise of ``cluster`` were signed in ``period``."""
        days = self.projects_by_cluster.get(cluster, {})
        return sum(n for day, n in days.items() if period is None or day in period)

    def value(self, metric: str, period: Period | None = None) -> int:
        """Return ``metric`` over ``period`` (None: the whole span), as kpi_report counts it."""
        if metric == BENEFITED:
            enterprises: set[int] = set()
            for day, ids in self.served.items():
                if period is None or day in period:
                    enterprises |= ids
            return len(enterprises)
        days = self.amounts.get(metric, {})
        return sum(n for day, n in days.items() if period is None or day in period)

    def series(self, metric: str, bars: list[Period]) -> list[int]:
        """Return ``metric`` over each of ``bars`` (periods in order, none overlapping)."""
        starts = [bar.start for bar in bars]

        def bar_of(day: datetime.date) -> int | None:
            index = bisect.bisect_right(starts, day) - 1
            return index if index >= 0 and day <= bars[index].end else None

        if metric == BENEFITED:
            sets: list[set[int]] = [set() for _bar in bars]
            for day, ids in self.served.items():
                index = bar_of(day)
                if index is not None:
                    sets[index] |= ids
            return [len(ids) for ids in sets]
        totals = [0] * len(bars)
        for day, n in self.amounts.get(metric, {}).items():
            index = bar_of(day)
            if index is not None:
                totals[index] += n
        return totals

    def values(self, period: Period | None = None) -> dict[str, int]:
        """Return every KPI over ``period``, keyed as kpi_report's figures."""
        return {metric: self.value(metric, period) for metric in (*self.amounts, BENEFITED)}

    def days(self) -> list[datetime.date]:
        """Return the days on which any KPI counted something, in order."""
        found = set(self.served)
        for days in self.amounts.values():
            found.update(day for day, n in days.items() if n)
        return sorted(found)

    def first_varieties(self, period: Period | None, records: int) -> list[int]:
        """Return the ids of the first ``records`` variety records in ``period``, in order."""
        found = [pk for day, pk in self.varieties if period is None or day in period]
        return found[:records]


class _Days:
    """Dates as :func:`~tepai.web.figures.driver_date` reads them, each parsed once."""

    def __init__(self) -> None:
        self.parsed: dict[object, datetime.date] = {}

    def __call__(self, value: datetime.date | str) -> datetime.date:
        found = self.parsed.get(value)
        if found is None:
            found = self.parsed[value] = (
                value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
            )
        return found


# Kinds read record by record: service records for the enterprises they served, variety
# records for the narrative's examples. The other kinds are summed per day by the database.
_ONE_BY_ONE = (ActivityKind.ENTERPRISE_SERVICE, ActivityKind.VARIETY)


def kpi_days(batch: Batch | None, span: Period | None) -> KpiDays:
    """Return the KPIs of ``batch`` (None: the whole programme) per day of ``span`` (None: all).

    Three queries whatever the number of records, and only two of them select the batch's
    records (the costly part, by :func:`~tepai.reports.attribution.attributed`): work records
    by day and kind (service and variety records one by one), projects by day; then the
    enterprises of the span's service records, of which those of the batch's count.
    """
    day = _Days()
    activities = within(attributed(Activity.objects.order_by(), batch), "date", span)
    metric_of = {kind: metric for metric, kind in ACTIVITY_KPIS.items()}
    record = Case(When(kind__in=_ONE_BY_ONE, then=F("pk")), default=None)
    # Every kind, the few others skipped below: a condition on the kind would make SQLite
    # walk the kind index and read each record's row instead of the date index that holds
    # all these columns (activity_kpi_days).
    rows = activities.values_list(driver_date("date"), "kind", record).annotate(
        total=Sum("quantity")
    )
    amounts: dict[str, dict[datetime.date, int]] = {
        metric: defaultdict(int) for metric in (*ACTIVITY_KPIS, *PROJECT_KPIS)
    }
    service_days: dict[int, datetime.date] = {}
    varieties: list[tuple[datetime.date, int]] = []
    for date, kind, pk, total in driver_rows(rows):
        when = day(date)
        if kind == ActivityKind.ENTERPRISE_SERVICE:
            service_days[pk] = when
            continue
        if kind not in metric_of:
            continue
        amounts[metric_of[kind]][when] += total or 0
        if kind == ActivityKind.VARIETY:
            varieties.append((when, pk))
    served: dict[datetime.date, set[int]] = defaultdict(set)
    if service_days:
        # Every service record dated between the batch's first and last, the batch's or not:
        # cheaper than selecting the batch's again, and those of the batch are known from
        # the rows above.
        dated = Period(min(service_days.values()), max(service_days.values()))
        span_service = within(Activity.objects.order_by(), "date", dated).filter(
            kind=ActivityKind.ENTERPRISE_SERVICE
        )
        links = Activity.enterprises.through._base_manager.filter(
            activity_id__in=span_service.values("pk")
        ).values_list("activity_id", "enterprise_id")
        for activity_id, enterprise_id in driver_rows(links.order_by()):
            served_on = service_days.get(activity_id)
            if served_on is not None:
                served[served_on].add(enterprise_id)
    projects = within(attributed(Project.objects.order_by(), batch), "signed_on", span)
    counted = {metric: Count("pk", filter=condition) for metric, condition in PROJECT_KPIS.items()}
    # Every project, not only those the KPIs count (drafts too, as the projects list the chart
    # links to shows them): the same rows give the projects per enterprise cluster (the chart
    # by cluster), saving another pass over the batch's records.
    by_cluster: dict[str | None, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    rows = projects.values_list(driver_date("signed_on"), "enterprise__cluster").annotate(
        **counted, projects=Count("*")
    )
    for signed_on, cluster, *counts, total in driver_rows(rows):
        when = day(signed_on)
        for metric, n in zip(PROJECT_KPIS, counts, strict=True):
            amounts[metric][when] += n
        by_cluster[cluster][when] += total
    varieties.sort()
    return KpiDays(
        span,
        {metric: dict(days) for metric, days in amounts.items()},
        dict(served),
        varieties,
        {cluster: dict(days) for cluster, days in by_cluster.items()},
    )


def covering(periods: Iterable[Period | None]) -> Period | None:
    """Return the shortest span holding every period (None if any of them is all time)."""
    chosen = list(periods)
    if not chosen or any(p is None for p in chosen):
        return None
    return Period(min(p.start for p in chosen if p), max(p.end for p in chosen if p))
