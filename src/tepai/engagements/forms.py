"""Forms of the engagement pages: answering proposals, posting demands, logging work, rating."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tepai.activities.models import Activity, ActivityKind
from tepai.commissioners.models import Commissioner
from tepai.demands.forms import DemandForm
from tepai.demands.models import Demand, DemandList, DemandStatus
from tepai.engagements.models import DeclineReason
from tepai.engagements.photos import normalise_photo
from tepai.enterprises.models import Enterprise


class AnswerForm(forms.Form):
    """A party's answer to a proposal: accept, or decline with a reason."""

    accept = forms.TypedChoiceField(
        label=_("答复"),
        choices=[("1", _("接受")), ("0", _("拒绝"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.ChoiceField(
        label=_("拒绝原因"),
        choices=[("", "—"), *DeclineReason.choices],
        required=False,
    )
    text = forms.CharField(label=_("拒绝说明"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("accept") is False:
            if not data.get("reason"):
                self.add_error("reason", _("拒绝时请选择原因"))
            elif data["reason"] == DeclineReason.OTHER and not data.get("text", "").strip():
                self.add_error("text", _("选择“其他”时请写明原因"))
        return data


def split_skills(text: str) -> list[str]:
    """Return the skills in ``text`` split on commas, 顿号, semicolons and line breaks."""
    return [part.strip() for part in re.split(r"[,，、;；\n]+", text) if part.strip()]


class CompanyDemandForm(DemandForm):
    """The enterprise's own demand form: the demands form without code, enterprise or status.

    Skills are typed as one line ("印染工艺、在线测色") instead of a JSON list.
    """

    required_skills = forms.CharField(
        label=_("所需技能"),
        required=False,
        help_text=_("用顿号或逗号分隔，如：印染工艺、在线测色"),
    )

    class Meta(DemandForm.Meta):
        fields = [
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
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "current_solution": forms.Textarea(attrs={"rows": 3}),
            "target": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, enterprise: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.instance.enterprise = enterprise
        if self.instance.pk:
            self.initial["required_skills"] = "、".join(self.instance.required_skills or [])
        elif enterprise.cluster:
            # A new demand is most likely in the enterprise's own industry, not 其他.
            self.initial.setdefault("cluster", enterprise.cluster)

    def clean_required_skills(self) -> list[str]:
        return split_skills(self.cleaned_data.get("required_skills") or "")

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        # The natural key includes the enterprise, which is not a form field, so the form
        # would not check it; a clash must be a field error, not a database error.
        clash = Demand.objects.filter(enterprise=self.enterprise, title=title)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("本企业已有名为“%(title)s”的需求"), params={"title": title})
        return title


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"), choices=[("publish", _("发布")), ("return", _("退回修改"))]
    )
    # Whether a note is needed (sending back) is the workflow's rule (tepai.demands.workflow).
    note = forms.CharField(label=_("审核意见"), max_length=500, required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评分"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActivityLogForm(forms.ModelForm):
    """A commissioner's quick work record, sized for a phone: one enterprise, one photo, and the
    teammates who went along."""

    enterprise = forms.ModelChoiceField(
        label=_("服务企业"),
        queryset=Enterprise.objects.order_by("name_sort", "name"),
        required=False,
    )
    co_participants = forms.ModelMultipleChoiceField(
        label=_("同行特派员"),
        queryset=Commissioner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("同批次一起开展这项工作的特派员；记录也计入他们的工作成效"),
    )

    # What was done, for whom and with whom first; the details after.
    field_order = [
        "date",
        "kind",
        "enterprise",
        "quantity",
        "is_trial",
        "co_participants",
        "place",
        "notes",
        "photo",
    ]

    class Meta:
        model = Activity
        fields = ["date", "kind", "quantity", "is_trial", "place", "notes", "photo"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "quantity": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/*"}),
        }

    def __init__(self, *args: Any, commissioner: Commissioner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Hundreds of enterprises: tepai.js puts a box above the list that narrows it.
        self.fields["enterprise"].widget.attrs["data-searchable"] = _("输入企业名称筛选")
        # "数量" alone left people guessing what to count; each kind counts something else.
        quantity = self.fields["quantity"]
        quantity.label = _("数量（人数、人次、个数或批次）")
        quantity.help_text = _(
            "培训帮带填培训人数；入疆服务填人次；品种引进填品种个数；招商考察填团组批次；"
            "项目落地填项目个数；企业服务等填 1"
        )
        self.fields["place"].widget.attrs["placeholder"] = _("如：阿瓦提县、企业厂区")
        # Teams go out together, and teams are formed within a batch: offering the batch's
        # members keeps the list short (21 people, not the whole registry) and the choice safe.
        teammates = self.fields["co_participants"]
        teammates.queryset = (  # type: ignore[attr-defined]
            Commissioner.objects.filter(batches__in=commissioner.batches.all())
            .exclude(pk=commissioner.pk)
            .distinct()
            .order_by("name_sort", "name")
        )
        if not teammates.queryset.exists():  # type: ignore[attr-defined]
            del self.fields["co_participants"]

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            # Only the re-encoded pixels are stored, never the uploaded bytes or name.
            return normalise_photo(photo)
        return photo

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("is_trial") and data.get("kind") != ActivityKind.VARIETY:
            self.add_error("is_trial", _("只有“品种引进”可以标为试验示范"))
        if data.get("kind") == ActivityKind.ENTERPRISE_SERVICE and not data.get("enterprise"):
            self.add_error("enterprise", _("“企业服务”须选择服务的企业"))
        return data


# ----- demand lists and their assignment ---------------------------------------------------

REVIEWED = (DemandStatus.PUBLISHED, DemandStatus.MATCHING)


class DemandListComposeForm(forms.ModelForm):
    """A demand list composed from reviewed (published or matching) demands."""

    demands = forms.ModelMultipleChoiceField(
        label=_("需求"),
        queryset=Demand.objects.filter(status__in=REVIEWED).select_related("enterprise"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("只能选择已审核发布的需求"),
    )

    class Meta:
        model = DemandList
        fields = ["name", "publisher", "description", "demands"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Members that have moved on (signed, completed) stay listed, so that saving the form
        # does not silently drop them from the list.
        reviewed = Q(status__in=REVIEWED)
        if self.instance.pk:
            reviewed |= Q(pk__in=self.instance.demands.values("pk"))
        field = self.fields["demands"]
        field.queryset = (  # type: ignore[attr-defined]
            Demand.objects.filter(reviewed).select_related("enterprise").order_by("pk")
        )


class AssignmentForm(forms.Form):
    """The constraints of a global assignment run."""

    max_load = forms.IntegerField(
        label=_("每名特派员最多承接"),
        min_value=1,
        max_value=20,
        initial=2,
        help_text=_("含其待答复的推荐"),
    )
    per_demand_min = forms.IntegerField(
        label=_("每项需求至少分配"), min_value=0, max_value=10, initial=1
    )
    per_demand_max = forms.IntegerField(
        label=_("每项需求至多分配"), min_value=1, max_value=10, initial=2
    )
    fair = forms.BooleanField(
        label=_("公平模式"),
        required=False,
        help_text=_("优先提高匹配最差的需求的得分，而非总分"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("per_demand_min"), data.get("per_demand_max")
        if low is not None and high is not None and low > high:
            self.add_error("per_demand_min", _("每项需求至少分配的人数不能大于至多分配的人数"))
        return data
