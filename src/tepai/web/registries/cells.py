"""How a record's field reads on a page: labels for choices, links for relations, masks.

Phones and e-mails are masked here, on the server, unless
:func:`tepai.accounts.permissions.can_view_personal_data` allows the user to see the record's.
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

from tepai.accounts.permissions import can_view_personal_data, visible
from tepai.core.admin_helpers import mask_email
from tepai.core.importing.exporting import format_decimal, mask_phone_cell
from tepai.web.registries.base import Registry


@dataclass(frozen=True)
class Item:
    """One piece of a cell: text, and the page it links to (if any)."""

    text: str
    url: str | None = None


def detail_url(record: Model) -> str | None:
    """Return the web detail page of ``record``, or None when its kind has no pages."""
    from tepai.web.registries.catalogue import registry_for_model

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


def mask(field_name: str, value: str) -> str:
    """Return a phone or e-mail with its middle hidden (138****1234, w***@example.com)."""
    if not value:
        return value
    return mask_email(value) if "@" in value or "email" in field_name else mask_phone_cell(value)


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
    """Return the items a page shows for field ``name`` of ``record`` (empty: nothing)."""
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
    if (
        registry is not None
        and name in registry.personal_fields
        and not can_view_personal_data(user, record)
    ):
        text = mask(name, text)
    return [Item(text)] if text else []


def field_label(record_or_model: Any, name: str) -> str:
    """Return the verbose name of field ``name``."""
    field = record_or_model._meta.get_field(name)
    label = getattr(field, "verbose_name", None) or field.related_model._meta.verbose_name_plural
    return str(label)
