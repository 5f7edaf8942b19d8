"""Create/edit forms for the activities registry (admin site, registry pages, API)."""

from django import forms

from tepai.activities.models import Activity


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "code",
            "date",
            "kind",
            "commissioners",
            "enterprises",
            "quantity",
            "is_trial",
            "batch",
            "place",
            "notes",
        ]
