"""Create/edit forms for the commissioners registry (admin site, registry pages, API)."""

from django import forms

from tepai.commissioners.models import Commissioner, WorkItem


class CommissionerForm(forms.ModelForm):
    class Meta:
        model = Commissioner
        fields = [
            "code",
            "name",
            "gender",
            "birth_date",
            "birth_date_precision",
            "institution",
            "title",
            "title_level",
            "degree",
            "research_fields",
            "bio",
            "phone",
            "email",
            "batches",
            "teams",
            "centres",
            "max_load",
        ]


class WorkItemForm(forms.ModelForm):
    class Meta:
        model = WorkItem
        fields = ["commissioner", "kind", "title", "text", "year"]
