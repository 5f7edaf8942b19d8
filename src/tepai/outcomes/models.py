"""Research outcomes (科技成果) shown at roadshows, and enterprises' cooperation intents."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tepai.core.choices import IndustryCluster
from tepai.core.models import RegistryModel, unique_code_constraint


class Outcome(RegistryModel):
    """A transferable research result owned by commissioners and their institution."""

    title = models.CharField(_("成果名称"), max_length=200, unique=True)
    description = models.TextField(_("成果简介"))
    owners = models.ManyToManyField(
        "commissioners.Commissioner", related_name="outcomes", blank=True, verbose_name=_("完成人")
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("所属单位"),
    )
    trl = models.PositiveSmallIntegerField(
        _("技术成熟度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("技术就绪水平 TRL 1–9"),
    )
    intellectual_property = models.CharField(_("知识产权"), max_length=300, blank=True, default="")
    roadshow_event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("路演活动"),
    )
    cluster = models.CharField(
        _("产业集群"), max_length=20, choices=IndustryCluster.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")
        ordering = ["title"]
        constraints = [
            unique_code_constraint("outcome"),
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9), name="outcome_trl_1_9"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class IntentStatus(models.TextChoices):
    INTENT = "intent", _("意向")
    SIGNED = "signed", _("签约")
    TRANSFERRED = "transferred", _("转化")


class CooperationIntent(models.Model):
    """An enterprise's interest in an outcome, from intention through signing to transfer."""

    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, related_name="intents", verbose_name=_("成果")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="intents",
        verbose_name=_("企业"),
    )
    date = models.DateField(_("日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=IntentStatus.choices, default=IntentStatus.INTENT
    )
    note = models.TextField(_("说明"), blank=True, default="")

    class Meta:
        verbose_name = _("合作意向")
        verbose_name_plural = _("合作意向")
        ordering = ["-date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "enterprise"], name="intent_natural_key")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.outcome}"
