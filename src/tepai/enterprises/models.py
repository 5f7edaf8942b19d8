"""Enterprises (企业) in the host region that post demands and receive services."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tepai.core.choices import IndustryCluster
from tepai.core.models import RegistryModel, unique_code_constraint
from tepai.core.validators import credit_code_validator, phone_validator
from tepai.search.pinyin import KeepsNameKeys


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Enterprise(KeepsNameKeys, RegistryModel):
    """A company (or public body such as a hospital) served by the programme."""

    name = models.CharField(_("企业名称"), max_length=200, unique=True)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        default="",
        validators=[credit_code_validator],
    )
    county = models.CharField(_("所在县市"), max_length=64, blank=True, default="")
    cluster = models.CharField(
        _("产业集群"), max_length=20, choices=IndustryCluster.choices, default=IndustryCluster.OTHER
    )
    size = models.CharField(
        _("企业规模"), max_length=8, choices=EnterpriseSize.choices, blank=True, default=""
    )
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True, default="")
    contact_phone = models.CharField(
        _("联系电话"), max_length=32, blank=True, default="", validators=[phone_validator]
    )
    contact_email = models.EmailField(_("电子邮箱"), blank=True, default="")
    description = models.TextField(_("企业简介"), blank=True, default="")

    # Derived from the name on every save and by the bulk import (refresh_search_keys): found
    # by pinyin or its initials, listed in pinyin order (issue 11).
    name_pinyin = models.CharField(
        _("名称拼音"), max_length=1200, blank=True, default="", editable=False
    )
    name_initials = models.CharField(
        _("名称拼音首字母"), max_length=200, blank=True, default="", editable=False
    )
    name_sort = models.CharField(
        _("名称排序键"), max_length=1400, blank=True, default="", editable=False, db_index=True
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name_sort", "name"]
        permissions = [("view_personal_data", _("可查看企业联系人电话和邮箱"))]
        constraints = [
            unique_code_constraint("enterprise"),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="enterprise_unique_credit_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name
