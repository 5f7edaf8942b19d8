"""Institutions (单位): universities, institutes, companies and hospitals that people come from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tepai.core.choices import InstitutionType
from tepai.core.models import RegistryModel, unique_code_constraint
from tepai.search.pinyin import KeepsNameKeys


class Institution(KeepsNameKeys, RegistryModel):
    """An organisation a commissioner works for, or that leads a centre or donates."""

    name = models.CharField(_("单位名称"), max_length=200, unique=True)
    type = models.CharField(
        _("单位类型"), max_length=16, choices=InstitutionType.choices, default=InstitutionType.OTHER
    )
    province = models.CharField(_("所在省份"), max_length=32, blank=True, default="")
    description = models.TextField(_("简介"), blank=True, default="")

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
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name_sort", "name"]
        constraints = [unique_code_constraint("institution")]

    def __str__(self) -> str:
        return self.name
