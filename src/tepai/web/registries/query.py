"""The records a registry list shows for a request: scope, search, filters and order.

The dashboard computes its figures with the same function, so a figure and the list it links
to are one query and cannot disagree.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import BadRequest, FieldDoesNotExist
from django.db.models import (
    Count,
    ForeignKey,
    ManyToManyField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from tepai.accounts.permissions import visible
from tepai.core.personal_data import may_query
from tepai.core.registries import Filter, Label, Registry, registries_by_slug
from tepai.reports.dating import dated, in_period
from tepai.reports.periods import PeriodError, between
from tepai.web.registries.cells import field_label

# Parameters that are not filters.
RESERVED = frozenset({"q", "sort", "page"})
# The period a dated list is narrowed to (both ends inclusive, YYYY-MM-DD).
DATE_PARAMS = ("from", "to")
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
# The range of the databases' integer keys (a signed 64-bit BIGINT on both): a larger id
# overflows the driver (a 500 on SQLite) instead of simply matching nothing.
ID_MIN, ID_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in force, shown above the list so nobody mistakes a subset for everything."""

    param: str
    label: Label
    value: Label


@dataclass
class ListQuery:
    """The outcome of :func:`list_query`: the records, in order, and what restricted them."""

    queryset: QuerySet
    active: list[ActiveFilter] = field(default_factory=list)
    sort: str = ""
    q: str = ""


def _bad(message: str) -> BadRequest:
    return BadRequest(message)


def parse_id(value: str, label: Label) -> int:
    """Return ``value`` as a record id, or raise BadRequest naming the field and the reason."""
    text = value.strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise _bad(
            _("筛选条件“%(label)s”的值“%(value)s”无效：应为记录编号（整数）")
            % {"label": label, "value": value[:40]}
        )
    # Past 20 digits the number is out of range whatever it is; int() of thousands of digits
    # would cost time (and is refused by Python past 4,300).
    if len(text.lstrip("+-")) > 20 or not ID_MIN <= int(text) <= ID_MAX:
        raise _bad(
            _("筛选条件“%(label)s”的值“%(value)s”超出范围：记录编号最大为 %(max)s")
            % {"label": label, "value": value[:40], "max": ID_MAX}
        )
    return int(text)


def _int_values(values: list[str], label: Label) -> list[int]:
    return [parse_id(value, label) for value in values]


def _apply_filter(
    registry: Registry, queryset: QuerySet, spec: Filter, values: list[str], user: Any
) -> tuple[QuerySet, Label]:
    """Return ``queryset`` restricted by ``spec`` and the text of the values for the chip."""
    model = registry.model
    if not may_query(user, model, spec.lookup):
        raise _bad(
            _("不能按“%(label)s”筛选：您无权查看所有记录的这项个人信息") % {"label": spec.label}
        )
    if spec.kind == "flag":
        if len(values) != 1 or values[0] not in ("0", "1"):
            raise _bad(_("筛选条件“%(label)s”只能是 1（是）或 0（否）") % {"label": spec.label})
        wanted = (values[0] == "1") != spec.negate
        shown = _("是") if values[0] == "1" else _("否")
        if spec.rule is not None:
            # A yes/no decided by a rule (a demand's 已逾期: its deadline against today).
            condition = spec.rule(model, [])
            return queryset.filter(condition if wanted else ~condition), shown
        return queryset.filter(**{spec.lookup: wanted}), shown
    if spec.kind == "choice":
        labels = {value: text for value, text in spec.choices}
        unknown = [value for value in values if value not in labels]
        if unknown:
            raise _bad(
                _("筛选条件“%(label)s”没有“%(value)s”这一项")
                % {"label": spec.label, "value": unknown[0]}
            )
        shown = "、".join(str(labels[value]) for value in values)
        matched: Any = values
    else:
        ids = _int_values(values, spec.label)
        assert spec.model is not None
        related = spec.model

        def names() -> str:
            named = visible(user, related._default_manager.filter(pk__in=ids))
            return "、".join(str(obj) for obj in named) or "、".join(values)

        # Read only when the chip is shown: the dashboard counts dozens of filtered lists.
        shown = lazy(names, str)()
        matched = ids
        if spec.rule is not None:
            return queryset.filter(spec.rule(model, ids)), shown
    return queryset.filter(matching(model, f"{spec.lookup}__in", matched)), shown


def _field(model: type[Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None  # a lookup ("icontains", "in"), not a field


def matching(model: type[Model], path: str, value: object) -> Q:
    """Return the condition ``path=value`` on ``model`` without joining other tables.

    Only for lookups a missing related record cannot satisfy (``icontains``, ``in``, …; not
    ``isnull``). Each relation step becomes a subquery on keys: a foreign key
    ``fk IN (SELECT id FROM related WHERE …)``, a reverse foreign key
    ``id IN (SELECT fk FROM related WHERE …)`` and a many-to-many
    ``id IN (SELECT mine FROM link table WHERE theirs …)``. So each record comes once, no wide
    rows are joined, and a list can still walk its ordering index: with a join SQLite may
    start from the related table and fetch the big table's rows one at a time, far slower on
    a large list (``enterprise__name`` in the demand search: ~200 ms against ~40 ms).
    """
    head, _sep, rest = path.partition("__")
    field = _field(model, head)
    if field is None or not field.is_relation or not rest:
        return Q(**{path: value})
    related = field.related_model
    if field.many_to_many:
        through, mine, theirs = _link_table(field)
        link = through._meta.get_field(mine)  # a link table's keys are foreign keys
        if isinstance(link, ForeignKey) and link.target_field == model._meta.pk:
            links = through._base_manager.filter(**{f"{theirs}__in": _keys(related, rest, value)})
            return Q(pk__in=links.values(mine))
    elif field.one_to_many:
        if field.field.target_field == model._meta.pk:
            return Q(pk__in=_rows(related, rest, value).values(field.field.attname))
    elif field.concrete and field.target_field == related._meta.pk:
        return Q(**{f"{head}__in": _keys(related, rest, value)})
    # Anything else (a reverse one-to-one, keys other than the primary key): one subquery.
    return Q(pk__in=model._base_manager.filter(**{path: value}).values("pk"))


def _link_table(field: Any) -> tuple[type[Model], str, str]:
    """Return a many-to-many's link model and its keys to this side and to the other side."""
    if isinstance(field, ManyToManyField):
        through = field.remote_field.through
        assert through is not None  # Django sets it (or creates one) as the models load
        return through, field.m2m_field_name(), field.m2m_reverse_field_name()
    # The reverse side of a many-to-many declared on the other model.
    declared = field.field
    return field.through, declared.m2m_reverse_field_name(), declared.m2m_field_name()


def _rows(related: type[Model], rest: str, value: object) -> QuerySet:
    """Return the records of ``related`` matching ``rest=value`` (``rest`` may be a lookup)."""
    if _field(related, rest.split("__")[0]) is None:
        return related._base_manager.filter(**{f"pk__{rest}": value})
    return related._base_manager.filter(matching(related, rest, value))


def _keys(related: type[Model], rest: str, value: object) -> Any:
    """Return the primary keys of the records of ``related`` matching ``rest=value``."""
    if rest == "in":
        return value
    if _field(related, rest.split("__")[0]) is not None:
        condition = matching(related, rest, value)
        # matching() builds its condition from keyword lookups: its children are pairs.
        child = condition.children[0] if len(condition.children) == 1 else None
        if isinstance(child, tuple) and child[0] == "pk__in" and not condition.negated:
            return child[1]  # already a subquery on keys: no need to wrap it in another
    return _rows(related, rest, value).values("pk")


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """Return the first day and the day after the last of "2024" or "2024-05"."""
    match = _PERIOD.match(text)
    if not match:
        raise _bad(_("期间“%(value)s”无效，应为年份（2024）或年月（2024-05）") % {"value": text})
    year = int(match.group(1))
    if not 1 <= year < datetime.MAXYEAR:
        raise _bad(_("期间“%(value)s”的年份无效") % {"value": text})
    if match.group(2) is None:
        return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise _bad(_("期间“%(value)s”的月份无效") % {"value": text})
    start = datetime.date(year, month, 1)
    end = datetime.date(year + month // 12, month % 12 + 1, 1)
    return start, end


def _apply_dates(
    registry: Registry, queryset: QuerySet, params: QueryDict, result: ListQuery
) -> QuerySet:
    """Return ``queryset`` narrowed to ``?from=&to=`` (inclusive; which date: reports.dating)."""
    start, end = params.get("from", ""), params.get("to", "")
    if not start.strip() and not end.strip():
        return queryset
    if not dated(registry.model):
        raise _bad(_("%(registry)s不能按日期筛选") % {"registry": registry.label})
    try:
        period = between(start, end)
    except PeriodError as error:
        raise _bad(str(error)) from None
    assert period is not None
    # One chip per end, so each can be taken away on its own.
    if start.strip():
        result.active.append(ActiveFilter("from", _("开始日期"), period.start.isoformat()))
    if end.strip():
        result.active.append(ActiveFilter("to", _("结束日期"), period.end.isoformat()))
    return in_period(queryset, period)


def search_paths(registry: Registry, user: Any) -> tuple[str, ...]:
    """Return the fields ``q`` searches for ``user``: none that ``user`` sees masked.

    Matching words against a masked phone would confirm its hidden digits one guess at a time.
    """
    return tuple(path for path in registry.search if may_query(user, registry.model, path))


def _search(registry: Registry, queryset: QuerySet, text: str, user: Any) -> QuerySet:
    """Return the records matching every word of ``text`` in any of the search fields."""
    paths = search_paths(registry, user)
    for word in text.split():
        condition = Q()
        for path in paths:
            condition |= matching(registry.model, f"{path}__icontains", word)
        queryset = queryset.filter(condition)
    return queryset


def sort_options(registry: Registry, user: Any = None) -> dict[str, str]:
    """Return the columns ``user`` may sort by: the ``?sort=`` key → the ordering path.

    A column ``user`` sees masked (another person's phone) is not sortable: its order would
    reveal the hidden digits (issue 9, finding 2). Without ``user``, only columns that hold
    no personal data.
    """
    options: dict[str, str] = {}
    for column in registry.columns:
        if column.sort is None:
            continue
        path = column.sort
        if not path and column.counts is not None:
            path = column.field  # the count annotated by list_query
        if not path:
            model_fld = registry.model._meta.get_field(column.field)
            if model_fld.many_to_many or model_fld.one_to_many:
                continue
            path = column.field
        if may_query(user, registry.model, path):
            options[column.field] = path
    return options


def _with_counts(registry: Registry, queryset: QuerySet, user: Any) -> QuerySet:
    """Annotate each counting column: how many records its section's list shows ``user``.

    The count is that list's own query (the target registry's filter lookup within what the
    user may see), correlated to each row, so the number always equals what its link opens.
    """
    counts = {}
    for column in registry.columns:
        if column.counts is None:
            continue
        target = registries_by_slug()[column.counts.slug]
        spec = target.filter(column.counts.param)
        if spec is None or spec.rule is not None:
            raise ValueError(f"{registry.slug}: {column.field} must count a filter's lookup")
        rows = (
            visible(user, target.model._default_manager.filter(**{spec.lookup: OuterRef("pk")}))
            .order_by()
            .values(spec.lookup)
            .annotate(total=Count("pk"))
            .values("total")
        )
        counts[column.field] = Coalesce(Subquery(rows), 0)
    return queryset.annotate(**counts) if counts else queryset


def _order(registry: Registry, queryset: QuerySet, sort: str, user: Any) -> tuple[QuerySet, str]:
    if not sort:
        return queryset.order_by(*(registry.model._meta.ordering or ["pk"]), "pk"), ""
    key = sort.removeprefix("-")
    path = sort_options(registry, user).get(key)
    if path is None:
        column = next((c for c in registry.columns if c.field == key), None)
        if column is not None and column.sort is not None:
            label = column.label or field_label(registry.model, key)
            raise _bad(
                _("不能按“%(label)s”排序：您无权查看所有记录的这项个人信息") % {"label": label}
            )
        raise _bad(_("不能按“%(value)s”排序") % {"value": key})
    descending = sort.startswith("-")
    if descending:
        return queryset.order_by(f"-{path}", "-pk"), sort
    return queryset.order_by(path, "pk"), sort


def list_query(registry: Registry, user: Any, params: QueryDict) -> ListQuery:
    """Return the records of ``registry`` that ``user`` may see, as ``params`` narrow them.

    ``params`` are the list page's query string: ``q`` (words, all must match), ``sort`` (a
    column, ``-`` for descending), each filter's ``param`` (repeatable), ``period`` (a year or
    month of the registry's date) and ``kpi`` (``<batch id|all>:<metric>``, the records a
    dashboard KPI counted). Raises BadRequest with a Chinese reason for a value that is not
    understood, rather than silently showing more records than asked for.
    """
    from tepai.web.figures import apply_kpi  # figures builds on this module

    queryset = visible(user, registry.base_queryset())
    result = ListQuery(queryset)
    for param in params:
        if param in RESERVED or param in ("kpi", "period", *DATE_PARAMS):
            continue
        spec = registry.filter(param)
        if spec is None:
            raise _bad(_("未知的筛选条件“%(param)s”") % {"param": param})
        values = [value for value in params.getlist(param) if value != ""]
        if not values:
            continue
        queryset, shown = _apply_filter(registry, queryset, spec, values, user)
        result.active.append(ActiveFilter(param, spec.label, shown))

    kpi = params.get("kpi", "")
    period = params.get("period", "")
    if kpi:
        queryset, label = apply_kpi(registry, queryset, kpi, period or None)
        result.active.append(ActiveFilter("kpi", _("统计指标"), label))
    if period:
        start, end = parse_period(period)
        if not kpi:
            if not registry.date_field:
                raise _bad(_("%(registry)s不能按期间筛选") % {"registry": registry.label})
            queryset = queryset.filter(
                **{f"{registry.date_field}__gte": start, f"{registry.date_field}__lt": end}
            )
        result.active.append(ActiveFilter("period", _("期间"), period))

    queryset = _apply_dates(registry, queryset, params, result)

    text = params.get("q", "").strip()
    if text:
        queryset = _search(registry, queryset, text, user)
        result.q = text
    queryset = _with_counts(registry, queryset, user)
    result.queryset, result.sort = _order(registry, queryset, params.get("sort", ""), user)
    return result
