"""Create/edit forms for the projects registry (used by the admin and, later, the web UI)."""

from django import forms
from django.utils.translation import gettext as _

from tepai.projects.models import Project


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "title",
            "kind",
            "level",
            "led_by_commissioner",
            "commissioners",
            "enterprise",
            "demand",
            "amount",
            "signed_on",
            "signing_event",
            "status",
            "batch",
            "description",
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("kind") == "research" and not cleaned.get("level"):
            self.add_error("level", _("科研项目必须填写项目级别"))
        return cleaned
