"""Short constructors for the filters of :mod:`tepai.web.registries.catalogue`."""

from __future__ import annotations

from django.db.models import Model

from tepai.web.registries.base import Filter, Label


def model_field(model: type[Model], path: str) -> object:
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
    field = model_field(model, lookup)
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
