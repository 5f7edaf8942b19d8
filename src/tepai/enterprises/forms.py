"""Create/edit forms for the enterprises registry (admin site, registry pages, API)."""

from django import forms

from tepai.enterprises.models import Enterprise


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "code",
            "name",
            "credit_code",
            "county",
            "cluster",
            "size",
            "contact_name",
            "contact_phone",
            "contact_email",
            "description",
        ]
