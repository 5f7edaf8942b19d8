"""Create/edit forms for the cases registry (admin site, registry pages, API)."""

from django import forms

from tepai.cases.models import Case


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["code", "title", "body", "projects", "activities", "batch"]
