"""Field values of a record as JSON, for the before/after columns of the audit log."""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.related import RelatedField

from tepai.core.personal_data import HIDDEN

# Values of fields whose name contains one of these are never written to the log (they show
# as HIDDEN, the mark every hidden value carries).
_SECRET_PARTS = ("password", "secret", "token")


def tracked_fields(model: type[models.Model]) -> list[models.Field]:
    """Return the concrete fields the log records.

    Not auto_now timestamps (they change on every save), nor the search keys a model derives
    from its own fields (``SEARCH_KEY_FIELDS``: pinyin of a renamed person is no news to an
    auditor who sees the new name).
    """
    return list(_tracked_fields(model))


@functools.cache
def _tracked_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    # Models and their fields are fixed once the app registry is ready.
    derived = set(getattr(model, "SEARCH_KEY_FIELDS", ()))
    return tuple(
        field
        for field in model._meta.concrete_fields
        if not getattr(field, "auto_now", False) and field.name not in derived
    )


@functools.cache
def _is_secret(name: str) -> bool:
    return any(part in name for part in _SECRET_PARTS)


def json_value(field: models.Field, value: Any) -> Any:
    """Return ``value`` of ``field`` as JSON, normalised so that equal values compare equal.

    An attribute may still hold what code assigned (``"2024-05-01"``, ``Decimal("80")``)
    while the database returns ``date(2024, 5, 1)`` and ``Decimal("80.00")``.
    """
    if _is_secret(field.name):
        return HIDDEN if value else value
    if value is None:
        return None
    if type(value) is _identity_type(field):
        return value
    if isinstance(field, models.JSONField):
        return _json_copy(value)
    if isinstance(field, models.FileField):
        return str(getattr(value, "name", value) or "")
    target = field.target_field if isinstance(field, RelatedField) else field
    try:
        value = target.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return str(value)
    if isinstance(value, decimal.Decimal):
        places = getattr(target, "decimal_places", None)
        if places is not None and value.is_finite():
            value = value.quantize(decimal.Decimal(1).scaleb(-places))
        return str(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # The database hands back UTC; code may have assigned local time.
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return HIDDEN
    return _json_copy(value)


@functools.cache
def _identity_type(field: models.Field) -> type | None:
    """Return the value type that ``field`` stores and logs unchanged, if there is one.

    ``to_python`` returns a str of a text field, an int of an integer field or key and a bool
    of a boolean field as they are; skipping it for those halves the cost of snapshotting
    an import's 50,000 records. Exact types only, as ``type(value) is …`` checks them.
    """
    target = field.target_field if isinstance(field, RelatedField) else field
    if isinstance(target, models.JSONField | models.FileField):
        return None
    if isinstance(target, models.CharField | models.TextField):
        return str
    if isinstance(target, models.BooleanField):
        return bool
    if isinstance(target, models.IntegerField | models.AutoField | models.BigAutoField):
        return int
    return None


# Exact types only: a subclass (a TextChoices member, an IntEnum) is serialised as its value.
_JSON_SCALARS = (str, int, float, bool)


def _json_copy(value: Any) -> Any:
    """Return what ``json.loads(json.dumps(value, cls=DjangoJSONEncoder))`` returns.

    Plain strings, numbers, lists and string-keyed dicts come back as themselves (copied);
    the round trip is kept for everything else. An import snapshots 200,000 values.
    """
    kind = type(value)
    if value is None or kind in _JSON_SCALARS:
        return value
    if kind is list and all(item is None or type(item) in _JSON_SCALARS for item in value):
        return list(value)
    if kind is dict and all(
        type(key) is str and (item is None or type(item) in _JSON_SCALARS)
        for key, item in value.items()
    ):
        return dict(value)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model, names: Iterable[str] | None = None) -> dict[str, Any]:
    """Return {field name: JSON value} of ``instance`` (only ``names``, if given)."""
    wanted = set(names) if names is not None else None
    values = {}
    for field in _tracked_fields(type(instance)):
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        values[field.name] = json_value(field, getattr(instance, field.attname))
    return values


def row_snapshot(
    model: type[models.Model], row: Mapping[str, Any], names: Iterable[str] | None = None
) -> dict[str, Any]:
    """Return the snapshot of a ``values()`` row of ``model`` keyed by attname."""
    wanted = set(names) if names is not None else None
    values = {}
    for field in tracked_fields(model):
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        if field.attname in row:
            values[field.name] = json_value(field, row[field.attname])
    return values


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the (before, after) values of the fields that differ."""
    changed = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in changed}, {name: after[name] for name in changed}
