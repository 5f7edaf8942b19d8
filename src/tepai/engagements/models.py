"""Engagements (供需对接): proposals that pair a demand with a commissioner, and service ratings.

A proposal (推荐对接) is the platform suggesting that a commissioner take on a demand, either
recommended by an administrator from the matching page or produced by the global assignment
of a published demand list. Both the commissioner and the enterprise answer it; when both
accept, the signing is recorded as a project (see :mod:`tepai.engagements.services`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tepai.core.models import TimestampedModel


class ProposalSource(models.TextChoices):
    MANUAL = "manual", _("管理员推荐")
    ASSIGNMENT = "assignment", _("需求发布分配")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("待回复")
    COMMISSIONER_ACCEPTED = "commissioner_accepted", _("特派员已接受")
    ENTERPRISE_ACCEPTED = "enterprise_accepted", _("企业已接受")
    ACCEPTED = "accepted", _("已确认签约")
    DECLINED = "declined", _("已拒绝")
    WITHDRAWN = "withdrawn", _("已撤回")


# Statuses in which a proposal still waits for an answer; at most one per pair.
OPEN_STATUSES = (
    ProposalStatus.PENDING,
    ProposalStatus.COMMISSIONER_ACCEPTED,
    ProposalStatus.ENTERPRISE_ACCEPTED,
)


class Response(models.TextChoices):
    ACCEPTED = "accepted", _("接受")
    DECLINED = "declined", _("拒绝")


class DeclineReason(models.TextChoices):
    MISMATCH = "mismatch", _("专业不对口")
    SCHEDULE = "schedule", _("时间冲突")
    HAS_PARTNER = "has_partner", _("已有合作方")
    BUDGET = "budget", _("预算不匹配")
    OTHER = "other", _("其他")


class Proposal(TimestampedModel):
    """A suggested pairing of a technology demand with a commissioner, and both answers."""

    demand = models.ForeignKey(
        "demands.Demand",
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("技术需求"),
    )
    commissioner = models.ForeignKey(
        "commissioners.Commissioner",
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("特派员"),
    )
    score = models.FloatField(_("匹配得分"), default=0.0)
    explanation = models.TextField(_("推荐理由"), blank=True, default="")
    matched_terms = models.JSONField(_("匹配要点"), default=list, blank=True)
    source = models.CharField(
        _("来源"), max_length=16, choices=ProposalSource.choices, default=ProposalSource.MANUAL
    )
    demand_list = models.ForeignKey(
        "demands.DemandList",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("需求发布批次"),
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    commissioner_response = models.CharField(
        _("特派员答复"), max_length=16, choices=Response.choices, blank=True, default=""
    )
    commissioner_responded_at = models.DateTimeField(_("特派员答复时间"), null=True, blank=True)
    enterprise_response = models.CharField(
        _("企业答复"), max_length=16, choices=Response.choices, blank=True, default=""
    )
    enterprise_responded_at = models.DateTimeField(_("企业答复时间"), null=True, blank=True)
    decline_reason = models.CharField(
        _("拒绝原因"), max_length=16, choices=DeclineReason.choices, blank=True, default=""
    )
    decline_text = models.CharField(_("拒绝说明"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("推荐人"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("签约项目"),
    )

    class Meta:
        verbose_name = _("推荐对接")
        verbose_name_plural = _("推荐对接")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "commissioner"],
                condition=Q(status__in=[str(status) for status in OPEN_STATUSES]),
                name="proposal_one_open_per_pair",
                violation_error_message=_("该特派员对此需求已有待答复的推荐"),
            ),
            models.CheckConstraint(
                condition=Q(status="declined") | Q(decline_reason=""),
                name="proposal_reason_only_when_declined",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="proposal_status_idx")]

    def __str__(self) -> str:
        return f"{self.demand} ↔ {self.commissioner}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# Not a TimestampedModel: a rating keeps only when it was given (评价时间), no 更新时间
# column; the base would add a column, or have its one field overridden and share nothing.
class ServiceRating(models.Model):
    """An enterprise's rating (1–5) of the service it received, once per project."""

    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rating",
        verbose_name=_("项目"),
    )
    demand = models.ForeignKey(
        "demands.Demand",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name=_("技术需求"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("企业"),
    )
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.TextField(_("评价"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评价人"),
    )
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="servicerating_score_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(demand__isnull=False),
                name="servicerating_rates_something",
            ),
            # A demand closed without a project is rated once too.
            models.UniqueConstraint(
                fields=["demand"],
                condition=Q(project__isnull=True),
                name="servicerating_one_per_demand_without_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project or self.demand}：{self.score}"
