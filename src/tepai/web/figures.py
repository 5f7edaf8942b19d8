"""Figures that link to the records they count.

A :class:`Figure` is a number on the dashboard with the URL of the registry list that shows
exactly the records behind it. Counting figures are computed with
:func:`tepai.web.registries.query.list_query`, the function the list itself runs; KPI figures
come from :func:`tepai.reports.kpi.kpi_report`, whose record ids the lists filter by
(``?kpi=<batch id|all>:<metric>``, optionally ``&period=2024-05``).
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest
from django.db import connections
from django.db.models import Count, Model, QuerySet
from django.http import QueryDict
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tepai.activities.models import Activity
from tepai.programs.models import Batch
from tepai.projects.models import Project
from tepai.reports.kpi import KPI_DEFINITIONS, KpiReport, kpi_report
from tepai.web.registries.base import Registry
from tepai.web.registries.catalogue import REGISTRIES
from tepai.web.registries.query import list_query, parse_id, parse_period

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


@functools.lru_cache(maxsize=256)
def _list_path(slug: str, prefix: str, urlconf: Any) -> str:
    return reverse(f"web:{slug}-list", urlconf)


def list_url(slug: str, params: Params | None = None) -> str:
    """Return the URL of registry ``slug``'s list filtered by ``params``."""
    # The dashboard links a few hundred figures; reverse() costs ~40 µs each.
    url = _list_path(slug, get_script_prefix(), get_urlconf())
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

    One query for all groups: the base list's records per value of the filter's lookup, which
    is what the list filtered by ``param=value`` shows (a record with several values counts in
    each of its groups).
    """
    registry = REGISTRIES[slug]
    spec = registry.filter(param)
    if spec is None:
        raise ValueError(f"{slug} has no filter {param}")
    shown = records(user, slug, base)
    if shown.query.distinct:
        # A scope such as "projects I work on" joins rows; group the distinct records instead.
        shown = registry.model._default_manager.filter(pk__in=shown.values("pk"))
    several = not _single_valued(registry.model, spec.lookup)
    # No condition on the lookup itself: across many-to-many paths it would turn the outer
    # joins into inner ones, which SQLite (without statistics) may start from the far end
    # and loop over the whole batch for every member (seconds instead of milliseconds).
    rows = (
        shown.order_by()
        .values(spec.lookup)
        # COUNT(*) where rows are records: PostgreSQL can then count from an index alone.
        .annotate(records=Count("pk", distinct=True) if several else Count("*"))
    )
    counts = {str(row[spec.lookup]): row["records"] for row in rows if row[spec.lookup] is not None}
    figures = []
    for value, label in groups:
        params = {**(base or {}), param: str(value)}
        figures.append(Figure(label, counts.get(str(value), 0), list_url(slug, params)))
    return figures


def _single_valued(model: type[Model], path: str) -> bool:
    """Return True if ``path`` follows only fields and foreign keys (one value per record)."""
    current: Any = model
    for part in path.split("__"):
        field = current._meta.get_field(part)
        if field.many_to_many or field.one_to_many or (field.is_relation and not field.concrete):
            return False
        if not field.is_relation:
            return True
        current = field.related_model
    return True


@dataclass(frozen=True)
class Tally:
    """How many records of the list ``slug?base`` have each combination of some filters' values.

    One grouped query stands for any number of figures of that list narrowed by those filters:
    a list filtered by ``param=a&param=b`` shows the records whose value is a or b, so its count
    is the sum of the groups holding a or b. Hence only filters with one value per record.
    """

    slug: str
    base: Params
    params: tuple[str, ...]
    counts: dict[tuple[str | None, ...], int]

    def figure(self, label: str, **wanted: str | Sequence[str]) -> Figure:
        """Return the figure of the list ``slug?base`` further filtered by ``wanted``."""
        chosen = {
            self.params.index(param): {values} if isinstance(values, str) else set(values)
            for param, values in wanted.items()
        }
        value = sum(
            count
            for key, count in self.counts.items()
            if all(key[index] in values for index, values in chosen.items())
        )
        params = {**self.base, **{param: values for param, values in wanted.items()}}
        return Figure(label, value, list_url(self.slug, params))


def tally(user: Any, slug: str, params: Sequence[str], base: Params | None = None) -> Tally:
    """Count the records ``user``'s list ``slug?base`` shows per values of filters ``params``."""
    registry = REGISTRIES[slug]
    lookups = []
    for param in params:
        spec = registry.filter(param)
        if spec is None or not _single_valued(registry.model, spec.lookup):
            raise ValueError(f"{slug} has no single-valued filter {param}")
        lookups.append(spec.lookup)
    # COUNT(*) as the list's own count (list_query never repeats a record); PostgreSQL counts
    # it from an index alone where COUNT(id) would read every row.
    shown = records(user, slug, base)
    if shown.query.distinct:  # as in grouped_figures
        shown = registry.model._default_manager.filter(pk__in=shown.values("pk"))
    rows = shown.order_by().values_list(*lookups).annotate(n=Count("*"))
    counts = {tuple(None if v is None else str(v) for v in row[:-1]): row[-1] for row in rows}
    return Tally(slug, dict(base or {}), tuple(params), counts)


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
        # parse_id bounds the id: a number past 64 bits overflowed the driver (a 500).
        return Batch.objects.get(pk=parse_id(scope, _("统计指标"))), metric
    except (BadRequest, Batch.DoesNotExist):
        raise BadRequest(_("统计指标“%(value)s”中的批次不存在") % {"value": token}) from None


def period_of(date: datetime.date, granularity: str) -> str:
    """Return the period ``date`` falls in: "2024" by year, "2024-05" by month."""
    return f"{date:%Y}" if granularity == "year" else f"{date:%Y-%m}"


def _driver_rows(queryset: QuerySet) -> list[tuple[Any, ...]]:
    """Return the rows of a ``values_list`` query as the database driver gives them.

    Without Django's per-value converters: SQLite hands dates over as ISO text, which Django
    would parse one by one (a third of the time for the tens of thousands of records a
    programme's KPIs cover); :func:`kpi_periods` needs each distinct date only once.
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def kpi_periods(report: KpiReport, granularity: str) -> dict[str, dict[str, KpiSlice]]:
    """Return every KPI of ``report`` split by year or month: metric → period → slice.

    Projects fall in the period they were signed, work records in the period of their date,
    and an enterprise counts as benefited in each period with a service record naming it.
    Three queries, whatever the number of records. They read the batch's records and pick the
    counted ones here rather than send the ids back (a long IN list is slow and SQLite caps the
    number of parameters of a statement); unordered, since only the grouping here matters.
    """
    figures = report.figures
    scope = {} if report.batch is None else {"batch": report.batch}
    # A programme has tens of thousands of records but only some hundred distinct dates.
    periods: dict[object, str] = {}

    def period(date: datetime.date | str) -> str:
        found = periods.get(date)
        if found is None:
            day = date if isinstance(date, datetime.date) else datetime.date.fromisoformat(date)
            found = periods[date] = period_of(day, granularity)
        return found

    projects = Project.objects.filter(**scope).order_by().values_list("pk", "signed_on")
    signed = {pk: period(date) for pk, date in _driver_rows(projects)}
    activities = {
        pk: (period(date), quantity)
        for pk, date, quantity in _driver_rows(
            Activity.objects.filter(**scope).order_by().values_list("pk", "date", "quantity")
        )
    }
    service_ids = set(figures["enterprises_benefited"].records["activities"])
    through = Activity.enterprises.through.objects.order_by()
    if report.batch is not None:
        through = through.filter(activity__batch=report.batch)
    served = [
        (activity_id, enterprise_id)
        for activity_id, enterprise_id in through.values_list("activity_id", "enterprise_id")
        if activity_id in service_ids
    ]
    result: dict[str, dict[str, KpiSlice]] = {}
    for metric, (slug, _key) in KPI_TARGETS.items():
        ids_by_period: dict[str, list[int]] = defaultdict(list)
        value_by_period: dict[str, int] = defaultdict(int)
        if slug == "projects":
            for pk in figures[metric].records["projects"]:
                ids_by_period[signed[pk]].append(pk)
            value_by_period = {key: len(ids) for key, ids in ids_by_period.items()}
        elif slug == "activities":
            for pk in figures[metric].records["activities"]:
                when, quantity = activities[pk]
                ids_by_period[when].append(pk)
                value_by_period[when] += quantity
        else:
            enterprises: dict[str, set[int]] = defaultdict(set)
            for activity_id, enterprise_id in served:
                enterprises[activities[activity_id][0]].add(enterprise_id)
            ids_by_period = {key: list(ids) for key, ids in enterprises.items()}
            value_by_period = {key: len(ids) for key, ids in enterprises.items()}
        result[metric] = {
            key: KpiSlice(sorted(ids_by_period[key]), value_by_period[key])
            for key in sorted(ids_by_period)
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
    return queryset.filter(pk__in=found.ids), f"{scope} · {definition.display_label}"
