"""Input schemas derived from the registries' ModelForms, and saving through those forms.

The API validates writes with the same forms as the web pages and the admin, so both accept
and refuse exactly the same data with the same Chinese messages. The pydantic schema in
front only fixes the JSON types (and documents the fields in the OpenAPI schema); everything
about values — choices, lengths, phone numbers, uniqueness, constraints — is the form's job.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from django import forms
from django.db import models, transaction
from django.forms.models import model_to_dict
from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from tepai.api.errors import InvalidInput, summary
from tepai.api.schemas import DB_INT_MAX, DB_INT_MIN, RecordIdInt


class InputSchema(Schema):
    # Unknown fields are refused rather than silently dropped: a misspelt field name would
    # otherwise look like a successful update that changed nothing.
    model_config = ConfigDict(extra="forbid")


def _choices(field: forms.ChoiceField) -> list[tuple[str, str]]:
    # The field's setter normalizes its choices to pairs; django-stubs types the getter as
    # anything the setter accepts.
    choices = cast("Iterable[tuple[Any, Any]]", field.choices)
    return [(str(value), str(label)) for value, label in choices]


def _limit(value: int | Callable[[], int] | None) -> int | None:
    # A form's integer limit may be a callable, read when needed (as Django's validators do).
    return value() if callable(value) else value


def _annotation(field: forms.Field) -> Any:
    # Integers are bounded to what the database holds (and to the form's own limits, when it
    # has them), so a huge number is refused as invalid input, never sent to the database.
    if isinstance(field, forms.ModelMultipleChoiceField):
        return list[RecordIdInt]
    if isinstance(field, forms.ModelChoiceField):
        return RecordIdInt
    if isinstance(field, forms.ChoiceField):
        values = tuple(value for value, _ in _choices(field))
        return Literal[values]
    if isinstance(field, forms.BooleanField):
        return bool
    # DecimalField subclasses IntegerField, so it is tested first.
    if isinstance(field, forms.DecimalField):
        return Decimal
    if isinstance(field, forms.IntegerField):
        min_value, max_value = _limit(field.min_value), _limit(field.max_value)
        low = DB_INT_MIN if min_value is None else max(DB_INT_MIN, min_value)
        high = DB_INT_MAX if max_value is None else min(DB_INT_MAX, max_value)
        return Annotated[int, Field(ge=low, le=high)]
    if isinstance(field, forms.DateField):
        return datetime.date
    if isinstance(field, forms.JSONField):
        # The registries' JSON fields are keyword lists (研究方向, 所需技能).
        return list[str]
    return str


def _description(field: forms.Field, model_field: models.Field | None) -> str:
    parts = [str(field.label or "")]
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        target = field.queryset.model._meta.verbose_name
        many = isinstance(field, forms.ModelMultipleChoiceField)
        parts[0] += f"（{target}的记录 ID{'列表' if many else ''}）"
    if field.help_text:
        parts.append(str(field.help_text))
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        options = "、".join(f"{v}={label}" for v, label in _choices(field) if v)
        parts.append(f"可选值：{options}")
    default = model_field.default if model_field is not None else None
    if (
        model_field is not None
        and default not in ("", None)
        and not callable(default)
        and model_field.has_default()
    ):
        parts.append(f"省略时为 {default}")
    return "；".join(part for part in parts if part)


def input_schema(
    form_class: type[forms.ModelForm],
    name: str,
    *,
    partial: bool = False,
    optional: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> type[Schema]:
    """Return a schema with the form's fields, typed for JSON and described in Chinese.

    ``partial`` (for PATCH) makes every field optional; otherwise a field is required when the
    form requires it and the model gives it no default, unless listed in ``optional``.
    """
    model = form_class._meta.model
    optional, exclude = set(optional), set(exclude)
    fields: dict[str, Any] = {}
    for field_name, field in form_class.base_fields.items():
        if field_name in exclude:
            continue
        model_field = _model_field(model, field_name)
        annotation = _annotation(field)
        has_default = model_field is not None and model_field.has_default()
        required = field.required and not (partial or has_default or field_name in optional)
        description = _description(field, model_field)
        if required:
            fields[field_name] = (annotation, Field(description=description))
        else:
            fields[field_name] = (annotation | None, Field(None, description=description))
    schema = create_model(name, __base__=InputSchema, **fields)
    schema.__doc__ = f"{'修改' if partial else '新建'}{model._meta.verbose_name}"
    return schema


def _model_field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        field = model._meta.get_field(name)
    except Exception:
        return None
    return field if isinstance(field, models.Field) else None


def current_values(record: models.Model, form_class: type[forms.ModelForm]) -> dict[str, Any]:
    """Return ``record``'s values for the form's fields, as form data (ids for relations)."""
    names = list(form_class.base_fields)
    values = model_to_dict(record, fields=names)
    for name, value in values.items():
        if isinstance(value, list) and value and isinstance(value[0], models.Model):
            values[name] = [item.pk for item in value]
    return values


def with_defaults(model: type[models.Model], data: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``data`` with the model's defaults filled in for fields left out (or null)."""
    filled = dict(data)
    for name, value in data.items():
        field = _model_field(model, name)
        if value is None and field is not None and field.has_default():
            filled[name] = field.get_default()
    return filled


@transaction.atomic
def save_with_form(
    form_class: type[forms.ModelForm],
    data: Mapping[str, Any],
    instance: models.Model | None = None,
) -> models.Model:
    """Validate ``data`` with the form and save; raise InvalidInput naming each bad field.

    For an existing ``instance`` the data is a partial update over its current values.
    """
    full = dict(current_values(instance, form_class)) if instance is not None else {}
    full.update(data)
    form = form_class(data=full, instance=instance)
    if not form.is_valid():
        fields = {
            name: [str(message) for message in errors] for name, errors in form.errors.items()
        }
        labels = {name: str(field.label) for name, field in form.fields.items()}
        raise InvalidInput(summary(fields, labels), fields=fields)
    record: models.Model = form.save(commit=False)
    for field in record._meta.concrete_fields:
        # A form's JSONField turns an empty list into None; keep the model's empty default.
        if isinstance(field, models.JSONField) and getattr(record, field.attname) is None:
            setattr(record, field.attname, field.get_default())
    record.save()
    form.save_m2m()
    return record
