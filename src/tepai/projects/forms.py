"""Create/edit forms for the projects registry (admin site, registry pages, API)."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tepai.projects.contracts import EDITABLE_FIELDS
from tepai.projects.models import Project
from tepai.projects.scans import normalise_scan


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

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("kind") == "research" and not cleaned.get("level"):
            self.add_error("level", _("科研项目必须填写项目级别"))
        return cleaned


class ContractForm(forms.ModelForm):
    """The signed contract's details, completing a draft (see tepai.projects.contracts).

    The amounts, dates and the uniqueness of name and date are judged by the contract
    service, which the API uses too; this form checks the input's shape and the scan.
    """

    class Meta:
        model = Project
        # What completing a draft may change (the contract service's list) and the scan, a file
        # the service takes on its own; on the page the scan comes before the free text.
        fields = [
            *(name for name in EDITABLE_FIELDS if name != "description"),
            "attachment",
            "description",
        ]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "amount": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            "attachment": forms.FileInput(
                attrs={"accept": "application/pdf,.pdf,image/jpeg,image/png,image/gif,image/webp"}
            ),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].label = _("合同名称")
        self.fields["title"].help_text = _("按签署的合同文本填写，不必沿用需求标题")
        self.fields["amount"].label = _("合同金额（万元）")
        for name in ("amount", "client_party", "contractor_party"):
            self.fields[name].required = True
        self.fields["attachment"].help_text = _("PDF 或图片（JPG、PNG），不超过 20 MB")

    def clean_attachment(self) -> Any:
        scan = self.cleaned_data.get("attachment")
        if isinstance(scan, UploadedFile):
            return normalise_scan(scan)
        return scan

    def _post_clean(self) -> None:
        # Uniqueness and the model's checks are the contract service's to judge, with the
        # locked row (and its messages naming the field); only copy the values here.
        forms.models.construct_instance(self, self.instance, self._meta.fields)
