"""Create/edit forms for the activities registry (used by the admin and, later, the web UI)."""

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
            "notes",
        ]
