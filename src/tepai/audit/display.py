"""How audit entries are shown to auditors: labelled before/after rows, personal data masked.

The log itself keeps the values as they were; masking happens here, on the server, so phones
and e-mails never reach the auditor's browser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from tepai.audit.masking import mask_text
from tepai.audit.models import AuditEntry


def format_value(value: Any) -> str:
    """Return a logged JSON value as masked display text ("—" for nothing)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list) and all(not isinstance(item, dict | list) for item in value):
        text = "、".join(str(item) for item in value)
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return mask_text(text)


def model_for(label: str) -> type[models.Model] | None:
    """Return the model named by ``label`` ("demands.demand"), or None."""
    try:
        return apps.get_model(label) if "." in label else None
    except LookupError:
        return None


def model_name(label: str) -> str:
    """Return the verbose name of the model ``label`` names, or the label itself."""
    model = model_for(label)
    return str(model._meta.verbose_name) if model is not None else label


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


@dataclass(frozen=True)
class DiffRow:
    """One field of an entry: its label, value before and after, and whether it changed."""

    field: str
    before: str
    after: str
    changed: bool


def diff_rows(entry: AuditEntry) -> list[DiffRow]:
    """Return the before/after rows of ``entry`` in field order, masked for display."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    model = model_for(entry.model_label)
    names = list(before) + [name for name in after if name not in before]
    return [
        DiffRow(
            field=_field_label(model, name),
            before=format_value(before.get(name)) if name in before else "",
            after=format_value(after.get(name)) if name in after else "",
            changed=name in before and name in after and before[name] != after[name],
        )
        for name in names
    ]


def detail_rows(entry: AuditEntry) -> list[tuple[str, str]]:
    """Return (key, masked value) pairs of the entry's detail."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    return [(str(key), format_value(value)) for key, value in detail.items()]
