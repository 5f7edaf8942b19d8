"""Typical cases (典型案例): narratives of what the programme achieved."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tepai.core.models import RegistryModel, unique_code_constraint


class Case(RegistryModel):
    """A write-up of a success story, linked to the projects and activities it tells about."""

    title = models.CharField(_("标题"), max_length=200, unique=True)
    body = models.TextField(_("正文"))
    projects = models.ManyToManyField(
        "projects.Project", related_name="cases", blank=True, verbose_name=_("关联项目")
    )
    activities = models.ManyToManyField(
        "activities.Activity", related_name="cases", blank=True, verbose_name=_("关联工作记录")
    )
    batch = models.ForeignKey(
        "programs.Batch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("批次"),
    )

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["title"]
        constraints = [unique_code_constraint("case")]

    def __str__(self) -> str:
        return self.title
