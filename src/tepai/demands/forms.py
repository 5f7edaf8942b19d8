"""Create/edit forms for the demands registry (admin site, registry pages, API)."""

from django import forms

from tepai.demands.models import Demand, DemandList


class DemandForm(forms.ModelForm):
    class Meta:
        model = Demand
        fields = [
            "code",
            "enterprise",
            "title",
            "problem",
            "current_solution",
            "target",
            "required_skills",
            "cluster",
            "budget",
            "deadline",
            "collaboration_mode",
        ]


class DemandListForm(forms.ModelForm):
    class Meta:
        model = DemandList
        fields = ["code", "name", "published_on", "publisher", "event", "description", "demands"]
