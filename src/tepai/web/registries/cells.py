"""How a record's field reads on a page: labels for choices, links for relations, masks.

Personal data (phones, e-mails, birth dates, 出生日期精度) is masked here, on the server, by
the one rule of :mod:`tepai.core.personal_data`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tepai.accounts.permissions import visible
from tepai.core.importing.exporting import format_decimal
from tepai.core.personal_data import shown_text
from tepai.core.registries import Registry, registry_for_model


@dataclass(frozen=True)
class Item:
    """One piece of a cell: text, and the page it links to (if any)."""

    text: str
    url: str | None = None
    # A flag beside the value rather than a value (e.g. 已逾期 after a demand's deadline).
    badge: bool = False


def detail_url(record: Model) -> str | None:
    """Return the web detail page of ``record``, or None when its kind has no pages."""
    registry = registry_for_model(type(record))
    if registry is None or record.pk is None:
        return None
    return reverse(f"web:{registry.slug}-detail", args=[record.pk])


def _link(user: Any, record: Model) -> str | None:
    """Return ``record``'s page if ``user``'s role may read its registry at all (no query).

    Without this a related demand list or project would be a link that answers 403/404.
    """
    if visible(user, type(record)._default_manager.all()).query.is_empty():
        return None
    return detail_url(record)


def plain(value: object) -> str:
    """Return a stored value as text: dates ISO, yes/no in words, amounts without zeros."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value)
    return str(value)


def cell(record: Model, name: str, user: Any, registry: Registry | None = None) -> list[Item]:
    """Return the items a page shows for field ``name`` of ``record`` (empty: nothing).

    Personal data is masked for ``user`` whatever ``registry`` is given (inline rows too).
    """
    field = record._meta.get_field(name)
    if field.many_to_many or field.one_to_many:
        related = getattr(record, name).all()
        return [Item(str(obj), _link(user, obj)) for obj in related]
    if field.many_to_one or field.one_to_one:
        obj = getattr(record, name)
        return [] if obj is None else [Item(str(obj), _link(user, obj))]
    value = getattr(record, name)
    if getattr(field, "choices", None) and value not in (None, ""):
        text = str(getattr(record, f"get_{name}_display")())
    else:
        text = plain(value)
    text = shown_text(user, record, name, text)
    # A model may flag a value (Demand: its deadline passed while still open, issue 11).
    flags = getattr(record, "cell_flags", None)
    badges = [Item(str(flag), badge=True) for flag in flags(name)] if flags else []
    return ([Item(text)] if text else []) + badges


def field_label(record_or_model: Any, name: str) -> str:
    """Return the verbose name of field ``name``."""
    field = record_or_model._meta.get_field(name)
    label = getattr(field, "verbose_name", None) or field.related_model._meta.verbose_name_plural
    return str(label)
