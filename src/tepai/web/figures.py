"""Figures that link to the records they count.

A :class:`Figure` is a number on the dashboard with the URL of the registry list that shows
exactly the records behind it. Counting figures are computed with
:func:`tepai.web.registries.query.list_query`, the function the list itself runs; KPI figures
count what :func:`tepai.reports.kpi.kpi_report` counts (:mod:`tepai.web.kpi_days`), and their
lists filter by the record ids it gives (``?kpi=<batch id|all>:<metric>[:<period token>]``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest
from django.db import connection, connections
from django.db.models import Count, F, Model, QuerySet, TextField
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast
from django.http import QueryDict
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tepai.core.registries import Registry, registries_by_slug
from tepai.programs.models import Batch
from tepai.reports.kpi import KPI_DEFINITIONS, SUMMED_ACTIVITY_KINDS, kpi_report
from tepai.reports.periods import Period, PeriodError, parse_token
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
SUMMED_KPIS = frozenset(SUMMED_ACTIVITY_KINDS)


@dataclass(frozen=True)
class Figure:
    """A number shown on a page and the list of exactly the records it counts.

    ``measure`` says which total of that list equals ``value``: "count" (the number of rows)
    or "quantity" (the sum of the rows' 数量, for work-record KPIs). ``url`` is None when the
    user's list would not show all the records (KPIs for users who see only their own).
    ``comparisons`` are the same number for other periods (the previous one, a year earlier),
    each with its own list and, as its ``note``, the change from it.
    """

    label: str
    value: int
    url: str | None
    measure: str = "count"
    unit: str = ""
    note: str = ""
    comparisons: tuple[Figure, ...] = ()


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


def driver_rows(queryset: QuerySet) -> list[tuple[Any, ...]]:
    """Return the rows of a ``values_list`` query as the database driver gives them.

    Without Django's per-value converters: for the thousands of rows a dashboard figure may
    read. Select dates with :func:`driver_date` to have each distinct one parsed only once.
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def driver_date(name: str) -> Combinable:
    """Return date column ``name`` as :func:`driver_rows` should read it in bulk.

    On SQLite as its ISO text: the driver would otherwise parse every value with Django's
    converter, in Python (~1 µs each; a big batch's dashboard reads ~12,000 dates, a few
    hundred distinct), so callers parse each distinct text once. Elsewhere the date itself,
    which psycopg makes in C.
    """
    if connection.vendor == "sqlite":
        return Cast(name, TextField())
    return F(name)


def records(user: Any, slug: str, params: Params | None = None) -> QuerySet:
    """Return what registry ``slug``'s list shows ``user`` for ``params``."""
    return list_query(registries_by_slug()[slug], user, _querydict(params)).queryset


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
    registry = registries_by_slug()[slug]
    spec = registry.filter(param)
    if spec is None:
        raise ValueError(f"{slug} has no filter {param}")
    shown = records(user, slug, base)
    if shown.query.distinct:
        # A scope such as "projects I work on" joins rows; group the distinct records instead.
        shown = registry.model._default_manager.filter(pk__in=shown.values("pk"))
    head, _sep, rest = spec.lookup.partition("__")
    first = registry.model._meta.get_field(head)
    if first.many_to_many and first.concrete:
        # Across a many-to-many field: group its link table's rows of the shown records. The
        # records are selected once (a scope or batch rule can be costly) and neither they
        # nor the members are joined whole: half the time of grouping joined records.
        rows = _link_counts(shown, first, rest)
    else:
        several = not _single_valued(registry.model, spec.lookup)
        # No condition on the lookup itself: across many-to-many paths it would turn the outer
        # joins into inner ones, which SQLite (without statistics) may start from the far end
        # and loop over the whole batch for every member (seconds instead of milliseconds).
        rows = (
            shown.order_by()
            .values_list(spec.lookup)
            # COUNT(*) where rows are records: PostgreSQL can then count from an index alone.
            .annotate(records=Count("pk", distinct=True) if several else Count("*"))
        )
    counts = {str(value): records for value, records in rows if value is not None}
    figures = []
    for value, label in groups:
        params = {**(base or {}), param: str(value)}
        figures.append(Figure(label, counts.get(str(value), 0), list_url(slug, params)))
    return figures


def _link_counts(shown: QuerySet, field: Any, rest: str) -> list[tuple[Any, int]]:
    """Return (value, records) of the shown records grouped by many-to-many ``field__rest``.

    ``rest`` may be empty (group by the linked record) or one more many-to-many step from the
    linked model (``commissioners__centres`` of projects: group by the members' centres), the
    two link tables then joined on their shared key without the member table between them.
    """
    through = field.remote_field.through
    mine = through._meta.get_field(field.m2m_field_name()).column
    theirs = through._meta.get_field(field.m2m_reverse_field_name()).column
    records, params = shown.order_by().values("pk").query.sql_with_params()
    quote = connections[shown.db].ops.quote_name
    if not rest:
        sql = (
            f"SELECT l.{quote(theirs)}, COUNT(DISTINCT l.{quote(mine)}) "
            f"FROM {quote(through._meta.db_table)} l "
            f"WHERE l.{quote(mine)} IN ({records}) GROUP BY 1"
        )
    else:
        step = field.related_model._meta.get_field(rest)
        if "__" in rest or not (step.many_to_many and step.concrete):
            raise ValueError(f"cannot group by {field.name}__{rest}")
        second = step.remote_field.through
        key = second._meta.get_field(step.m2m_field_name()).column
        value = second._meta.get_field(step.m2m_reverse_field_name()).column
        sql = (
            f"SELECT s.{quote(value)}, COUNT(DISTINCT l.{quote(mine)}) "
            f"FROM {quote(through._meta.db_table)} l "
            f"JOIN {quote(second._meta.db_table)} s ON s.{quote(key)} = l.{quote(theirs)} "
            f"WHERE l.{quote(mine)} IN ({records}) GROUP BY 1"
        )
    with connections[shown.db].cursor() as cursor:
        cursor.execute(sql, params)
        counted: list[tuple[Any, int]] = cursor.fetchall()
    return counted


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
    registry = registries_by_slug()[slug]
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
def kpi_token(batch: Batch | None, metric: str, period: Period | None = None) -> str:
    """Return the ``?kpi=`` value of ``metric`` for ``batch`` (None: the whole programme).

    With a period the token names it too (``2:service_contracts:2024-Q2``): "enterprises
    benefited in a quarter" is no date filter on the enterprise list, so the list must know
    the period to ask kpi_report for exactly the enterprises it counted.
    """
    token = f"{batch.pk if batch else 'all'}:{metric}"
    return f"{token}:{period.token}" if period is not None else token


def parse_kpi(token: str, period: str | None = None) -> tuple[Batch | None, str, Period | None]:
    """Return the batch, metric and period of a ``?kpi=`` value; raise BadRequest if invalid.

    ``period`` is the list's older ``?period=2024-05`` parameter, used when the token names
    no period.
    """
    scope, _sep, rest = token.partition(":")
    metric, _sep, within = rest.partition(":")
    if metric not in KPI_TARGETS:
        raise BadRequest(_("统计指标“%(value)s”无效") % {"value": token[:80]})
    try:
        chosen = parse_token(within or period or "")
    except PeriodError as error:
        raise BadRequest(
            _("统计指标“%(value)s”的时间段无效：%(reason)s")
            % {"value": token[:80], "reason": str(error)}
        ) from None
    if scope == "all":
        return None, metric, chosen
    try:
        # parse_id bounds the id: a number past 64 bits overflowed the driver (a 500).
        return Batch.objects.get(pk=parse_id(scope, _("统计指标"))), metric, chosen
    except (BadRequest, Batch.DoesNotExist):
        raise BadRequest(_("统计指标“%(value)s”中的批次不存在") % {"value": token[:80]}) from None


def apply_kpi(
    registry: Registry, queryset: QuerySet, token: str, period: str | None
) -> tuple[QuerySet, str]:
    """Return ``queryset`` narrowed to the records KPI ``token`` counts, and its description.

    The records are those kpi_report lists for the token's batch and period (one IN list of
    ids: the KPI definitions stay in tepai.reports.kpi only).
    """
    if period is not None:
        parse_period(period)  # the list's own check of ?period=, with its message
    batch, metric, chosen = parse_kpi(token, period)
    slug, key = KPI_TARGETS[metric]
    if registry.slug != slug:
        raise BadRequest(
            _("统计指标“%(value)s”统计的不是%(registry)s")
            % {"value": token[:80], "registry": registry.label}
        )
    ids = kpi_report(batch, chosen).figures[metric].records[key]
    definition = next(d for d in KPI_DEFINITIONS if d.key == metric)
    scope = batch.name if batch else _("全部批次")
    label = f"{scope} · {definition.display_label}"
    if chosen is not None:
        label += f" · {chosen.label}"
    return queryset.filter(pk__in=ids), label
