"""Batches of commissioners (批次), their teams (特派团) and innovation centres (创新中心)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tepai.core.choices import IndustryCluster
from tepai.core.models import RegistryModel, unique_code_constraint


class Batch(RegistryModel):
    """One dispatch of commissioners from a sending province to a host region.

    Its service period (服务期, dispatch_date … end_date) decides which of its members' work
    counts for it: see :mod:`tepai.reports.attribution`.
    """

    name = models.CharField(_("批次名称"), max_length=100, unique=True)
    # The service period (服务期) runs from dispatch_date to end_date, both included; the
    # records it covers belong to the batch by tepai.reports.attribution.
    dispatch_date = models.DateField(
        _("派出日期"), help_text=_("服务期的第一天：此日起成员的工作记录和项目计入本批次。")
    )
    end_date = models.DateField(
        _("结束日期"),
        null=True,
        blank=True,
        help_text=_("服务期的最后一天；留空表示仍在服务期内。此后成员的工作不再计入本批次。"),
    )
    sending_organisation = models.CharField(_("派出单位"), max_length=200, blank=True, default="")
    host_region = models.CharField(_("受援地区"), max_length=100, blank=True, default="")
    description = models.TextField(_("简介"), blank=True, default="")

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["dispatch_date", "name"]
        constraints = [
            unique_code_constraint("batch"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("dispatch_date")),
                name="batch_end_after_dispatch",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(RegistryModel):
    """A team (特派团) of commissioners within a batch, usually organised by industry."""

    name = models.CharField(_("团队名称"), max_length=100)
    batch = models.ForeignKey(
        Batch, on_delete=models.CASCADE, related_name="teams", verbose_name=_("批次")
    )
    cluster = models.CharField(
        _("产业方向"), max_length=20, choices=IndustryCluster.choices, blank=True, default=""
    )
    description = models.TextField(_("简介"), blank=True, default="")

    class Meta:
        verbose_name = _("特派团")
        verbose_name_plural = _("特派团")
        ordering = ["batch__dispatch_date", "name"]
        constraints = [
            unique_code_constraint("team"),
            models.UniqueConstraint(fields=["batch", "name"], name="team_unique_name_in_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.batch.name}·{self.name}"


class InnovationCentre(RegistryModel):
    """An industry innovation centre (创新中心) that commissioners staff in the host region."""

    name = models.CharField(_("中心名称"), max_length=200, unique=True)
    cluster = models.CharField(
        _("产业方向"), max_length=20, choices=IndustryCluster.choices, blank=True, default=""
    )
    location = models.CharField(_("所在地"), max_length=100, blank=True, default="")
    lead_institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_centres",
        verbose_name=_("牵头单位"),
    )
    batch = models.ForeignKey(
        Batch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="centres",
        verbose_name=_("批次"),
    )
    description = models.TextField(_("简介"), blank=True, default="")

    class Meta:
        verbose_name = _("创新中心")
        verbose_name_plural = _("创新中心")
        ordering = ["name"]
        constraints = [unique_code_constraint("innovationcentre")]

    def __str__(self) -> str:
        return self.name
