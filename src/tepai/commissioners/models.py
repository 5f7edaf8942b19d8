"""Science-and-technology commissioners (科技特派员) and their past work."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from tepai.core.choices import Degree, Gender, TitleLevel
from tepai.core.cleaning import PartialDate, age_on
from tepai.core.models import RegistryModel, unique_code_constraint
from tepai.core.validators import phone_validator
from tepai.search.pinyin import KeepsNameKeys, person_keys


class DatePrecision(models.TextChoices):
    DAY = "day", _("日")
    MONTH = "month", _("月")


class Commissioner(KeepsNameKeys, RegistryModel):
    """A professor, researcher or senior engineer sent to serve enterprises in a partner region.

    Birth dates in real rosters often give only year and month; ``birth_date`` then holds the
    first of the month and ``birth_date_precision`` says so, which the age statistics respect.
    """

    name = models.CharField(_("姓名"), max_length=64)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    birth_date_precision = models.CharField(
        _("出生日期精度"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="commissioners",
        verbose_name=_("工作单位"),
    )
    title = models.CharField(_("职称"), max_length=64)
    title_level = models.CharField(_("职称级别"), max_length=16, choices=TitleLevel.choices)
    degree = models.CharField(_("学位"), max_length=16, choices=Degree.choices)
    research_fields = models.JSONField(_("研究方向"), default=list, blank=True)
    bio = models.TextField(_("个人简介"), blank=True, default="")
    phone = models.CharField(
        _("手机号码"), max_length=32, blank=True, default="", validators=[phone_validator]
    )
    email = models.EmailField(_("电子邮箱"), blank=True, default="")
    batches = models.ManyToManyField(
        "programs.Batch", related_name="commissioners", blank=True, verbose_name=_("批次")
    )
    teams = models.ManyToManyField(
        "programs.Team", related_name="members", blank=True, verbose_name=_("所属团队")
    )
    centres = models.ManyToManyField(
        "programs.InnovationCentre", related_name="members", blank=True, verbose_name=_("所属中心")
    )
    max_load = models.PositiveSmallIntegerField(
        _("同时对接上限"),
        null=True,
        blank=True,
        help_text=_("可同时承担的在研项目数；留空表示不限。已满的特派员不再被推荐。"),
    )
    # Derived from the name and research fields on every save and by the bulk import
    # (refresh_search_keys): found by "zs" / "zhangsan", listed in pinyin order (issue 11).
    name_pinyin = models.CharField(
        _("姓名拼音"), max_length=512, blank=True, default="", editable=False
    )
    name_initials = models.CharField(
        _("姓名拼音首字母"), max_length=128, blank=True, default="", editable=False
    )
    name_sort = models.CharField(
        _("姓名排序键"), max_length=512, blank=True, default="", editable=False, db_index=True
    )
    research_text = models.TextField(_("研究方向检索文本"), blank=True, default="", editable=False)

    SEARCH_KEY_FIELDS = (*KeepsNameKeys.SEARCH_KEY_FIELDS, "research_text")
    name_keys = staticmethod(person_keys)

    class Meta:
        verbose_name = _("科技特派员")
        verbose_name_plural = _("科技特派员")
        ordering = ["name_sort", "name", "id"]
        permissions = [("view_personal_data", _("可查看特派员手机号码和邮箱"))]
        constraints = [
            unique_code_constraint("commissioner"),
            models.UniqueConstraint(
                fields=["name", "birth_date", "institution"], name="commissioner_natural_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_search_keys(self) -> None:
        """Derive the pinyin keys and the research-field text from the current values."""
        super().refresh_search_keys()
        fields = self.research_fields if isinstance(self.research_fields, list) else []
        self.research_text = " ".join(str(field) for field in fields)

    @property
    def partial_birth_date(self) -> PartialDate:
        day = self.birth_date.day if self.birth_date_precision == DatePrecision.DAY else None
        return PartialDate(self.birth_date.year, self.birth_date.month, day)

    def age_on(self, on: datetime.date) -> int:
        """Return the commissioner's age in whole years on ``on``."""
        return age_on(self.partial_birth_date, on)

    @property
    def has_senior_title(self) -> bool:
        return self.title_level in (TitleLevel.SENIOR, TitleLevel.VICE_SENIOR)


class WorkItemKind(models.TextChoices):
    PROJECT = "project", _("项目")
    PAPER = "paper", _("论文")
    PATENT = "patent", _("专利")
    OTHER = "other", _("其他")


class WorkItem(models.Model):
    """A past project, paper or patent: evidence of expertise used by the matching engine."""

    commissioner = models.ForeignKey(
        Commissioner, on_delete=models.CASCADE, related_name="work_items", verbose_name=_("特派员")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=WorkItemKind.choices)
    title = models.CharField(_("标题"), max_length=300)
    text = models.TextField(_("内容"), blank=True, default="")
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)

    class Meta:
        verbose_name = _("代表性成果")
        verbose_name_plural = _("代表性成果")
        ordering = ["commissioner", "-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["commissioner", "title"], name="workitem_natural_key")
        ]

    def __str__(self) -> str:
        return self.title


class DeclaredConflict(models.Model):
    """An enterprise a commissioner must not be matched to (利益冲突声明), with the reason.

    Employment and shareholdings are the usual reasons; the matching engine excludes the pair
    from recommendations, teams and assignments instead of merely lowering its score.
    """

    commissioner = models.ForeignKey(
        Commissioner,
        on_delete=models.CASCADE,
        related_name="declared_conflicts",
        verbose_name=_("特派员"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="declared_conflicts",
        verbose_name=_("企业"),
    )
    reason = models.CharField(_("原因"), max_length=200)
    declared_on = models.DateField(_("声明日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")
        ordering = ["commissioner", "enterprise"]
        constraints = [
            models.UniqueConstraint(
                fields=["commissioner", "enterprise"], name="declaredconflict_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commissioner} ↔ {self.enterprise}"
