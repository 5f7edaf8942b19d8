"""Create/edit forms for the outcomes registry (admin site, registry pages, API)."""

from django import forms

from tepai.outcomes.models import CooperationIntent, Outcome


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = [
            "code",
            "title",
            "description",
            "owners",
            "institution",
            "trl",
            "intellectual_property",
            "roadshow_event",
            "cluster",
        ]


class CooperationIntentForm(forms.ModelForm):
    class Meta:
        model = CooperationIntent
        fields = ["outcome", "enterprise", "date", "status", "note"]
