"""How audit entries are shown to auditors: labelled before/after rows, personal data masked.

Personal data is masked when an entry is written (:func:`tepai.audit.log.write_entry`);
entries written before that are masked again here, on the server, so phones and e-mails never
reach the auditor's browser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tepai.audit.models import AuditEntry
from tepai.core.personal_data import mask_text


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


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field_label(field: Any, name: str) -> str:
    if field is None:
        return name
    if getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    related = getattr(field, "related_model", None)  # a reverse relation has no verbose name
    return str(related._meta.verbose_name_plural) if related is not None else name


# The names of related records an entry's values point to: (model, primary key) → name.
RelatedNames = dict[tuple[type[models.Model], int], str]


def _related_model(field: Any) -> type[models.Model] | None:
    """Return the model a foreign key or many-to-many ``field`` points to (None otherwise)."""
    if field is None or not getattr(field, "is_relation", False) or not field.concrete:
        return None
    return field.related_model  # type: ignore[no-any-return]


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def related_names(entries: list[AuditEntry]) -> RelatedNames:
    """Return the names of the records the entries' foreign keys point to, one query per model.

    Entries keep the ids (``enterprise: 7``); an auditor needs the names ("对应企业 7" says
    nothing). Records deleted since are simply absent.
    """
    wanted: dict[type[models.Model], set[int]] = {}
    for entry in entries:
        model = model_for(entry.model_label)
        for values in (entry.before, entry.after):
            if not isinstance(values, dict):
                continue
            for name, value in values.items():
                related = _related_model(_field(model, name))
                if related is not None:
                    wanted.setdefault(related, set()).update(_ids(value))
    names: RelatedNames = {}
    for related, ids in wanted.items():
        for record in related._base_manager.filter(pk__in=ids):
            names[related, record.pk] = str(record)
    return names


def _related_value(related: type[models.Model], value: Any, names: RelatedNames) -> str:
    """Return ids as "name（#id）", "#id（已删除）" for records that no longer exist."""
    shown = []
    for pk in _ids(value):
        name = names.get((related, pk))
        shown.append(
            f"{name}（#{pk}）" if name is not None else _("#%(id)s（已删除）") % {"id": pk}
        )
    return mask_text("、".join(shown)) if shown else format_value(value)


def _field_value(field: Any, value: Any, names: RelatedNames | None = None) -> str:
    """Return ``value`` as display text: choice codes by their label ("草稿"), related
    records by their name."""
    related = _related_model(field)
    if related is not None and names is not None and _ids(value):
        return _related_value(related, value, names)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return _local_time(value)
    choices = getattr(field, "flatchoices", None) if field is not None else None
    if choices and value is not None and not isinstance(value, list | dict):
        labels = {str(code): label for code, label in choices}
        if str(value) in labels:
            return mask_text(str(labels[str(value)]))
    return format_value(value)


def _local_time(value: str) -> str:
    """Return a logged ISO time ("2026-12-07T17:41:04.95+00:00") as the entry times are shown:
    local time to the second ("2026-12-08 01:41:04")."""
    moment = parse_datetime(value)
    if moment is None:
        return format_value(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class DiffRow:
    """One field of an entry: its label, value before and after, and whether it changed."""

    field: str
    before: str
    after: str
    changed: bool


def diff_rows(entry: AuditEntry, names: RelatedNames | None = None) -> list[DiffRow]:
    """Return the before/after rows of ``entry`` in field order, masked for display.

    ``names`` (from :func:`related_names` over a page of entries) shows related records by
    name; without it they are looked up for this entry alone.
    """
    if names is None:
        names = related_names([entry])
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    model = model_for(entry.model_label)
    fields = list(before) + [name for name in after if name not in before]
    rows = []
    for name in fields:
        field = _field(model, name)
        rows.append(
            DiffRow(
                field=_field_label(field, name),
                before=_field_value(field, before.get(name), names) if name in before else "",
                after=_field_value(field, after.get(name), names) if name in after else "",
                # An update logs only the fields that changed; masked values of two different
                # phones can look alike (138****1234), so their equality proves nothing.
                changed=name in before and name in after,
            )
        )
    return rows


# Labels of the detail keys that tepai's own events write.
DETAIL_LABELS: dict[str, Promise] = {
    "registry": gettext_lazy("数据类别"),
    "file": gettext_lazy("文件"),
    "format": gettext_lazy("格式"),
    "rows": gettext_lazy("行数"),
    "created": gettext_lazy("新增"),
    "updated": gettext_lazy("更新"),
    "batch": gettext_lazy("批次"),
    "personal_data_unmasked": gettext_lazy("含完整联系方式"),
    "note": gettext_lazy("说明"),
    "username": gettext_lazy("用户名"),
    "failed_logins": gettext_lazy("连续失败次数"),
    "locked_until": gettext_lazy("锁定至"),
    "older_than_days": gettext_lazy("清理多少天以前"),
    "removed": gettext_lazy("清理条数"),
}


def detail_rows(entry: AuditEntry) -> list[tuple[str, str]]:
    """Return (label, masked value) pairs of the entry's detail."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    return [
        (str(DETAIL_LABELS.get(str(key), key)), format_value(value))
        for key, value in detail.items()
    ]
