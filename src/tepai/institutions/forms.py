"""Create/edit forms for the institutions registry (used by the admin and, later, the web UI)."""

from django import forms

from tepai.institutions.models import Institution


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = ["code", "name", "type", "province", "description"]
