"""Create/edit forms for the events registry (admin site, registry pages, API)."""

from django import forms

from tepai.events.models import Event


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["code", "name", "kind", "date", "location", "batch", "description"]
