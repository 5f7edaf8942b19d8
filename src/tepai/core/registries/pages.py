"""What a registry's list and detail pages are made of: columns, filters, related sections.

A :class:`tepai.core.registries.Registry` lists these; the generic views in
:mod:`tepai.web.views.registry` turn them into pages, and the search, exports and dashboard
figures read the same declarations. The short constructors at the end (``choice``, ``relation``,
``hidden``, ``flag``) keep the declarations one line per filter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q
from django.utils.functional import Promise

Label = str | Promise


@dataclass(frozen=True)
class ListColumn:
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


def _model_field(model: type[Model], path: str) -> object:
    """Return the field at the end of ``path`` ("enterprise__cluster" → Enterprise.cluster)."""
    field = None
    current = model
    for part in path.split("__"):
        field = current._meta.get_field(part)
        related = getattr(field, "related_model", None)
        if related is not None:
            current = related
    return field


def choice(model: type[Model], lookup: str, param: str = "", label: Label = "") -> Filter:
    """Return a filter over the choices of the field at ``lookup`` (its label by default)."""
    field = _model_field(model, lookup)
    return Filter(
        param=param or lookup,
        lookup=lookup,
        label=label or field.verbose_name,  # type: ignore[attr-defined]
        kind="choice",
        choices=tuple((str(value), text) for value, text in field.choices),  # type: ignore[attr-defined]
    )


def relation(param: str, lookup: str, model: type[Model], label: Label) -> Filter:
    """Return a drop-down filter over the records of ``model`` the user may see."""
    return Filter(param=param, lookup=lookup, label=label, kind="relation", model=model)


def hidden(param: str, lookup: str, model: type[Model], label: Label) -> Filter:
    """Return a filter reached only by links (detail pages, dashboard), not offered as a menu."""
    return Filter(param=param, lookup=lookup, label=label, kind="hidden", model=model)


def flag(param: str, lookup: str, label: Label, *, negate: bool = False) -> Filter:
    """Return a yes/no filter; ``negate`` for lookups such as ``x__isnull`` (1 = has an x)."""
    return Filter(param=param, lookup=lookup, label=label, kind="flag", negate=negate)
