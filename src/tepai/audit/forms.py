"""The auditor's search form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tepai.audit import actions
from tepai.audit.display import model_name
from tepai.audit.models import AuditEntry


class AuditSearchForm(forms.Form):
    """Filters of the audit page; every field is optional and they combine with AND."""

    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    model = forms.ChoiceField(label=_("数据类别"), required=False)
    object = forms.CharField(
        label=_("对象"), required=False, max_length=200, help_text=_("对象ID或名称")
    )
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("全文检索"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        logged = set(AuditEntry.objects.values_list("action", flat=True).distinct())
        codes = [*actions.LABELS, *sorted(logged - set(actions.LABELS))]
        action, model = self.fields["action"], self.fields["model"]
        assert isinstance(action, forms.ChoiceField) and isinstance(model, forms.ChoiceField)
        action.choices = [
            ("", _("全部")),
            *[(code, actions.label(code)) for code in codes],
        ]
        labels = AuditEntry.objects.exclude(model_label="").values_list("model_label", flat=True)
        model.choices = [
            ("", _("全部")),
            *sorted(((label, model_name(label)) for label in set(labels)), key=lambda c: c[1]),
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """Return ``entries`` narrowed by the valid filters (all of them when none)."""
        if not self.is_valid():
            return entries.none()
        data = self.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor_username__icontains=data["actor"].strip())
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["model"]:
            entries = entries.filter(model_label=data["model"])
        if data["object"]:
            text = data["object"].strip()
            entries = entries.filter(Q(object_id=text) | Q(object_repr__icontains=text))
        if data["date_from"]:
            entries = entries.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(at__date__lte=data["date_to"])
        for word in data["q"].split():
            entries = entries.filter(search_text__icontains=word)
        return entries
