"""Events (活动): launch ceremonies, unveilings, signings, roadshows and trainings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tepai.core.models import RegistryModel, unique_code_constraint


class EventKind(models.TextChoices):
    LAUNCH = "launch", _("出征仪式")
    UNVEILING = "unveiling", _("揭牌")
    SIGNING = "signing", _("签约")
    ROADSHOW = "roadshow", _("路演")
    TRAINING = "training", _("培训")
    OTHER = "other", _("其他")


class Event(RegistryModel):
    """A dated programme event that signings, roadshow outcomes and demand lists refer to."""

    name = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=16, choices=EventKind.choices)
    date = models.DateField(_("日期"))
    location = models.CharField(_("地点"), max_length=200, blank=True, default="")
    batch = models.ForeignKey(
        "programs.Batch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("批次"),
    )
    description = models.TextField(_("说明"), blank=True, default="")

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-date", "name"]
        constraints = [
            unique_code_constraint("event"),
            models.UniqueConstraint(fields=["name", "date"], name="event_unique_name_date"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.date:%Y-%m-%d}）"
