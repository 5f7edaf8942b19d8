"""Create/edit forms for the institutions registry (admin site, registry pages, API)."""

from django import forms

from tepai.institutions.models import Institution


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["code", "name", "type", "province", "description"]
