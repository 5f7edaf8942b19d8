"""Web versions of the registries' ModelForms: scoped choices, list fields, date pickers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from tepai.accounts.permissions import can_view_personal_data, visible
from tepai.core.cleaning import split_multi
from tepai.core.personal_data import hidden_fields, personal_fields
from tepai.core.registries import Registry


class TextListField(forms.CharField):
    """A list stored as JSON (研究方向, 所需技能), typed as words separated by 、 or commas."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        if not kwargs.get("help_text"):
            kwargs["help_text"] = _("多项用顿号（、）、逗号或换行分隔")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "、".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return split_multi(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return list(initial or []) != self.to_python(data)


def form_class(registry: Registry, user: Any, record: Model | None) -> type[forms.ModelForm]:
    """Return the registry's ModelForm adapted to ``user`` editing ``record`` (None: new).

    Choices of related records are limited to those the user may see; personal fields (phone,
    e-mail, birth date) are left out for users who may not see them (the record keeps its
    values); JSON lists are edited as 、-separated text; dates get the browser's date picker.
    """
    existing = record if record is not None and record.pk is not None else None
    hidden = hidden_fields(user, registry.model)  # 出生日期精度 for all but administrators
    if not can_view_personal_data(user, existing):
        hidden |= set(personal_fields(registry.model))

    class WebForm(registry.form):  # type: ignore[name-defined,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name in hidden:
                self.fields.pop(name, None)
            for name, field in list(self.fields.items()):
                self.fields[name] = _adapt(field, user)

    WebForm.__name__ = f"Web{registry.form.__name__}"
    return WebForm


def _adapt(field: forms.Field, user: Any) -> forms.Field:
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        # select_related(): choice labels such as a team's "第二批·纺织团" name a related record.
        field.queryset = visible(user, field.queryset).select_related()
    if isinstance(field, forms.JSONField):
        return TextListField(
            required=field.required,
            label=field.label,
            help_text=field.help_text,
            initial=field.initial,
        )
    if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
        field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if isinstance(field.widget, forms.Textarea):
        field.widget.attrs["rows"] = 4
    if isinstance(field, forms.ModelMultipleChoiceField):
        field.widget.attrs.setdefault("size", "8")
    return field
