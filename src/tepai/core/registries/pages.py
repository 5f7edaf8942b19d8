"""The declarations a registry's web pages are generated from: columns, filters, relations.

One :class:`Registry` per kind of record (特派员, 企业, 需求 …) says which columns its list shows,
what can be searched and filtered, which related records its detail page lists and which form
edits it; the generic views in :mod:`tepai.web.views.registry` do the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise

Label = str | Promise


@dataclass(frozen=True)
class Column:
    """One column of a list: the attribute shown, its header and how it sorts.

    ``field`` names a model field (a foreign key shows the related record, a many-to-many
    field all of them, a choice field its label). ``sort`` is the ordering path; by default a
    concrete field sorts by itself and a many-to-many field does not sort.

    A column that ``counts`` a :class:`Related` section (a batch's members) shows how many
    records that section's list holds for the viewer, linked to that list; ``field`` then
    names the count, which sorts like any number.
    """

    field: str
    label: Label = ""
    sort: str | None = ""
    link: bool = False
    counts: Related | None = None

    @property
    def header(self) -> Label:
        """The column's own label; a count's defaults to what it counts."""
        return self.label or (self.counts.label if self.counts else "")


@dataclass(frozen=True)
class Filter:
    """A list filter ``?param=value`` (repeatable: several values mean "any of them").

    ``lookup`` is the ORM path the values are matched against. ``kind`` is "choice" (the
    field's choices), "relation" (records of ``model``, by id), "flag" (1 = yes, 0 = no) or
    "hidden" (ids of ``model``, only reached by links from the dashboard and detail pages).
    ``negate`` turns a flag's lookup around (e.g. ``roadshow_event__isnull``).
    """

    param: str
    lookup: str
    label: Label
    kind: str = "choice"
    model: type[Model] | None = None
    choices: Sequence[tuple[str, Label]] = ()
    negate: bool = False
    # A relation filter decided by a rule rather than by ``lookup`` (the ids of ``model``
    # → the condition): the batch a record belongs to (tepai.reports.attribution).
    rule: Callable[[type[Model], list[int]], Q] | None = None

    @property
    def shown(self) -> bool:
        return self.kind != "hidden"


@dataclass(frozen=True)
class Related:
    """A section of a detail page: the records of registry ``slug`` whose ``param`` is this one.

    ``param`` must be one of that registry's filters, so "查看全部" opens the same records as a
    list. ``when`` decides per record whether the section applies (e.g. only for roadshows).
    """

    label: Label
    slug: str
    param: str
    when: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Inline:
    """Dependent rows shown in full on a detail page (a project's milestones)."""

    label: Label
    accessor: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Registry:
    """The web pages of one kind of record."""

    slug: str
    model: type[Model]
    form: type[forms.ModelForm]
    columns: tuple[Column, ...]
    search: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    # Name in tepai.core.importing.registry: enables export (and import for administrators).
    importer: str | None = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # The date the dashboard's "by month/year" figures use (?period=2024-05).
    date_field: str | None = None
    # A quantity the list sums (工作记录的数量, which the KPIs add up).
    quantity_field: str | None = None
    # The choice field whose kinds count different things (人, 人次, 批次 …): a list holding
    # several kinds shows a subtotal per kind instead of one meaningless sum.
    quantity_kind: str | None = None
    related: tuple[Related, ...] = ()
    inlines: tuple[Inline, ...] = ()
    # Fields the detail page shows (default: the form's fields).
    detail_fields: tuple[str, ...] = ()
    # Personal fields are declared once, in tepai.core.personal_data.PERSONAL_FIELDS.
    # Called after a record is created through the web form (request user, record).
    after_create: Callable[[Any, Any], None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> Label:
        return self.model._meta.verbose_name_plural

    @property
    def label_singular(self) -> Label:
        return self.model._meta.verbose_name

    def base_queryset(self) -> QuerySet:
        """Return every record with the joins the list and export need."""
        queryset = self.model._default_manager.all()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def filter(self, param: str) -> Filter | None:
        return next((f for f in self.filters if f.param == param), None)
