"""Create/edit forms for the programs registry (admin site, registry pages, API)."""

from django import forms

from tepai.programs.models import Batch, InnovationCentre, Team


class BatchForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = [
            "code",
            "name",
            "dispatch_date",
            "end_date",
            "sending_organisation",
            "host_region",
            "description",
        ]


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["code", "name", "batch", "cluster", "description"]


class InnovationCentreForm(forms.ModelForm):
    class Meta:
        model = InnovationCentre
        fields = ["code", "name", "cluster", "location", "lead_institution", "batch", "description"]
