"""Figures that link to the records they count.

A :class:`Figure` is a number on the dashboard with the URL of the registry list that shows
exactly the records behind it. Counting figures are computed with
:func:`tepai.web.registries.query.list_query`, the function the list itself runs; KPI figures
come from :func:`tepai.reports.kpi.kpi_report`, whose record ids the lists filter by
(``?kpi=<batch id|all>:<metric>``, optionally ``&period=2024-05``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tepai.activities.models import Activity
from tepai.programs.models import Batch
from tepai.projects.models import Project
from tepai.reports.kpi import KPI_DEFINITIONS, KpiReport, kpi_report
from tepai.web.registries.base import Registry
from tepai.web.registries.catalogue import REGISTRIES
from tepai.web.registries.query import list_query, parse_period

Params = Mapping[str, str | int | Sequence[str | int]]

# Which list shows a KPI's records, and under which key kpi_report lists their ids.
KPI_TARGETS: dict[str, tuple[str, str]] = {
    "provincial_projects_led": ("projects", "projects"),
    "service_contracts": ("projects", "projects"),
    "varieties_introduced": ("activities", "activities"),
    "local_staff_trained": ("activities", "activities"),
    "visit_person_times": ("activities", "activities"),
    "enterprises_benefited": ("enterprises", "enterprises"),
    "investment_delegations": ("activities", "activities"),
    "projects_landed": ("activities", "activities"),
}
# KPIs that add up the 数量 of work records; the others count records.
SUMMED_KPIS = frozenset(
    {
        "varieties_introduced",
        "local_staff_trained",
        "visit_person_times",
        "investment_delegations",
        "projects_landed",
    }
)


@dataclass(frozen=True)
class Figure:
    """A number shown on a page and the list of exactly the records it counts.

    ``measure`` says which total of that list equals ``value``: "count" (the number of rows)
    or "quantity" (the sum of the rows' 数量, for work-record KPIs). ``url`` is None when the
    user's list would not show all the records (KPIs for users who see only their own).
    """

    label: str
    value: int
    url: str | None
    measure: str = "count"
    unit: str = ""
    note: str = ""


def list_url(slug: str, params: Params | None = None) -> str:
    """Return the URL of registry ``slug``'s list filtered by ``params``."""
    url = reverse(f"web:{slug}-list")
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def _querydict(params: Params | None) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        query.setlist(key, [str(v) for v in values])
    return query


def records(user: Any, slug: str, params: Params | None = None) -> QuerySet:
    """Return what registry ``slug``'s list shows ``user`` for ``params``."""
    return list_query(REGISTRIES[slug], user, _querydict(params)).queryset


def count_figure(user: Any, label: str, slug: str, params: Params | None = None) -> Figure:
    """Return the number of records the list ``slug?params`` shows, linked to that list."""
    return Figure(label, records(user, slug, params).count(), list_url(slug, params))


def grouped_figures(
    user: Any,
    slug: str,
    param: str,
    groups: Iterable[tuple[object, str]],
    base: Params | None = None,
) -> list[Figure]:
    """Return one figure per group: the records of ``slug?base`` whose filter ``param`` is it.

    One query for all groups: the base list's distinct records per value of the filter's
    lookup, which is what the list filtered by ``param=value`` shows (a record with several
    values counts in each of its groups).
    """
    registry = REGISTRIES[slug]
    spec = registry.filter(param)
    if spec is None:
        raise ValueError(f"{slug} has no filter {param}")
    shown = records(user, slug, base)
    if shown.query.distinct:
        # A scope such as "projects I work on" joins rows; group the distinct records instead.
        shown = registry.model._default_manager.filter(pk__in=shown.values("pk"))
    counts = {
        str(row[spec.lookup]): row["records"]
        for row in shown.order_by().values(spec.lookup).annotate(records=Count("pk", distinct=True))
        if row[spec.lookup] is not None
    }
    figures = []
    for value, label in groups:
        params = {**(base or {}), param: str(value)}
        figures.append(Figure(label, counts.get(str(value), 0), list_url(slug, params)))
    return figures


# ----- KPIs ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class KpiSlice:
    """The records a KPI counts (in one period, or in all) and the KPI's value over them."""

    ids: list[int]
    value: int


def kpi_token(batch: Batch | None, metric: str) -> str:
    """Return the ``?kpi=`` value of ``metric`` for ``batch`` (None: the whole programme)."""
    return f"{batch.pk if batch else 'all'}:{metric}"


def parse_kpi(token: str) -> tuple[Batch | None, str]:
    """Return the batch and metric of a ``?kpi=`` value; raise BadRequest when it is invalid."""
    scope, _sep, metric = token.partition(":")
    if metric not in KPI_TARGETS:
        raise BadRequest(_("统计指标“%(value)s”无效") % {"value": token})
    if scope == "all":
        return None, metric
    try:
        return Batch.objects.get(pk=int(scope)), metric
    except (ValueError, Batch.DoesNotExist):
        raise BadRequest(_("统计指标“%(value)s”中的批次不存在") % {"value": token}) from None


def period_of(date: datetime.date, granularity: str) -> str:
    """Return the period ``date`` falls in: "2024" by year, "2024-05" by month."""
    return f"{date:%Y}" if granularity == "year" else f"{date:%Y-%m}"


def kpi_periods(report: KpiReport, granularity: str) -> dict[str, dict[str, KpiSlice]]:
    """Return every KPI of ``report`` split by year or month: metric → period → slice.

    Projects fall in the period they were signed, work records in the period of their date,
    and an enterprise counts as benefited in each period with a service record naming it.
    Three queries, whatever the number of records. They read the batch's records and pick the
    counted ones here rather than send the ids back (a long IN list is slow and SQLite caps the
    number of parameters of a statement).
    """
    figures = report.figures
    scope = {} if report.batch is None else {"batch": report.batch}
    signed = dict(Project.objects.filter(**scope).values_list("pk", "signed_on"))
    activities = {
        pk: (date, quantity)
        for pk, date, quantity in Activity.objects.filter(**scope).values_list(
            "pk", "date", "quantity"
        )
    }
    service_ids = set(figures["enterprises_benefited"].records["activities"])
    through = Activity.enterprises.through.objects
    if report.batch is not None:
        through = through.filter(activity__batch=report.batch)
    served = [
        (activity_id, enterprise_id)
        for activity_id, enterprise_id in through.values_list("activity_id", "enterprise_id")
        if activity_id in service_ids
    ]
    result: dict[str, dict[str, KpiSlice]] = {}
    for metric, (slug, _key) in KPI_TARGETS.items():
        ids_by_period: dict[str, set[int]] = defaultdict(set)
        value_by_period: dict[str, int] = defaultdict(int)
        if slug == "projects":
            for pk in figures[metric].records["projects"]:
                period = period_of(signed[pk], granularity)
                ids_by_period[period].add(pk)
                value_by_period[period] += 1
        elif slug == "activities":
            for pk in figures[metric].records["activities"]:
                date, quantity = activities[pk]
                period = period_of(date, granularity)
                ids_by_period[period].add(pk)
                value_by_period[period] += quantity
        else:
            for activity_id, enterprise_id in served:
                ids_by_period[period_of(activities[activity_id][0], granularity)].add(enterprise_id)
            value_by_period = {period: len(ids) for period, ids in ids_by_period.items()}
        result[metric] = {
            period: KpiSlice(sorted(ids_by_period[period]), value_by_period[period])
            for period in sorted(ids_by_period)
        }
    return result


def kpi_slice(report: KpiReport, metric: str, period: str | None = None) -> KpiSlice:
    """Return the records ``metric`` counts in ``report``, in ``period`` ("2024", "2024-05")."""
    figure = report.figures[metric]
    if period is None:
        return KpiSlice(list(figure.records[KPI_TARGETS[metric][1]]), figure.value)
    parse_period(period)
    granularity = "year" if len(period) == 4 else "month"
    return kpi_periods(report, granularity)[metric].get(period, KpiSlice([], 0))


def apply_kpi(
    registry: Registry, queryset: QuerySet, token: str, period: str | None
) -> tuple[QuerySet, str]:
    """Return ``queryset`` narrowed to the records KPI ``token`` counts, and its description.

    The records are those kpi_report lists (one IN list of ids: the KPI definitions stay in
    tepai.reports.kpi only).
    """
    batch, metric = parse_kpi(token)
    slug = KPI_TARGETS[metric][0]
    if registry.slug != slug:
        raise BadRequest(
            _("统计指标“%(value)s”统计的不是%(registry)s")
            % {"value": token, "registry": registry.label}
        )
    report = kpi_report(batch)
    found = kpi_slice(report, metric, period)
    definition = next(d for d in KPI_DEFINITIONS if d.key == metric)
    scope = batch.name if batch else _("全部批次")
    return queryset.filter(pk__in=found.ids), f"{scope} · {definition.label}"
