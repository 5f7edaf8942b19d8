"""Technology demands (技术需求) posted by enterprises, and the lists they are published in."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tepai.core.choices import IndustryCluster
from tepai.core.models import RegistryModel, unique_code_constraint

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class DemandStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING_REVIEW = "pending", _("待审核")
    PUBLISHED = "published", _("已发布")
    MATCHING = "matching", _("对接中")
    SIGNED = "signed", _("已签约")
    COMPLETED = "completed", _("已完成")
    CLOSED = "closed", _("已关闭")


# The forward path a demand walks, plus the moves back that review and negotiation need.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    DemandStatus.DRAFT: frozenset({DemandStatus.PENDING_REVIEW, DemandStatus.CLOSED}),
    DemandStatus.PENDING_REVIEW: frozenset(
        {DemandStatus.PUBLISHED, DemandStatus.DRAFT, DemandStatus.CLOSED}
    ),
    DemandStatus.PUBLISHED: frozenset({DemandStatus.MATCHING, DemandStatus.CLOSED}),
    DemandStatus.MATCHING: frozenset(
        {DemandStatus.SIGNED, DemandStatus.PUBLISHED, DemandStatus.CLOSED}
    ),
    DemandStatus.SIGNED: frozenset({DemandStatus.COMPLETED, DemandStatus.CLOSED}),
    DemandStatus.COMPLETED: frozenset(),
    DemandStatus.CLOSED: frozenset(),
}


# Statuses an enterprise may still edit or delete its demand in: before review passes it.
EDITABLE_BY_ENTERPRISE = (DemandStatus.DRAFT, DemandStatus.PENDING_REVIEW)
# Reviewed and public: every signed-in role may read a demand in these (not a closed one).
PUBLIC_STATUSES = (
    DemandStatus.PUBLISHED,
    DemandStatus.MATCHING,
    DemandStatus.SIGNED,
    DemandStatus.COMPLETED,
)

# Statuses in which a demand still waits for a partner: past its 截止日期 in one of these, it is
# overdue (issue 11: 2025 deadlines still 已发布 in December 2026 with nothing said).
OPEN_FOR_PARTNERS = (DemandStatus.PUBLISHED, DemandStatus.MATCHING)


def overdue_q(today: datetime.date) -> Q:
    """Return the condition "past its deadline on ``today`` and still 已发布/对接中".

    A demand without a deadline is never overdue; on its deadline day it is not overdue yet.
    """
    return Q(status__in=OPEN_FOR_PARTNERS, deadline__lt=today)


class CollaborationMode(models.TextChoices):
    JOINT_TACKLING = "tackling", _("技术攻关")
    SERVICE = "service", _("技术服务")
    TRANSFER = "transfer", _("技术转让")
    JOINT_RD = "joint_rd", _("联合研发")
    TRAINING = "training", _("人才培养")
    OTHER = "other", _("其他")


class InvalidTransition(Exception):
    """A demand was asked to move to a status its current status does not lead to."""

    def __init__(self, current: str, target: str) -> None:
        self.current = current
        self.target = target
        super().__init__(
            _("需求状态不能从“%(current)s”变为“%(target)s”")
            % {"current": DemandStatus(current).label, "target": DemandStatus(target).label}
        )


class Demand(RegistryModel):
    """A technology challenge an enterprise needs solved (技术需求 / 攻关需求)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("企业"),
    )
    title = models.CharField(_("需求名称"), max_length=200)
    problem = models.TextField(_("问题描述"))
    current_solution = models.TextField(_("现有方案及差距"), blank=True, default="")
    target = models.TextField(_("目标指标"), blank=True, default="")
    required_skills = models.JSONField(_("所需技能"), default=list, blank=True)
    cluster = models.CharField(
        _("产业集群"), max_length=20, choices=IndustryCluster.choices, default=IndustryCluster.OTHER
    )
    budget = models.DecimalField(
        _("预算（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    collaboration_mode = models.CharField(
        _("合作方式"), max_length=16, choices=CollaborationMode.choices, blank=True, default=""
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=DemandStatus.choices, default=DemandStatus.DRAFT
    )

    class Meta:
        verbose_name = _("技术需求")
        verbose_name_plural = _("技术需求")
        ordering = ["-created_at", "id"]
        # For large programmes (50,000 demands): the list's order; the status funnel, counts
        # per industry cluster and the commissioners' scope (published) from an index alone.
        indexes = [
            models.Index(fields=["-created_at", "id"], name="demand_newest_first"),
            # Ending with the id, PostgreSQL too answers a commissioner's "published, or in my
            # projects" counts from the index alone (SQLite has the id in every index).
            models.Index(fields=["status", "cluster", "id"], name="demand_status_cluster"),
            models.Index(fields=["cluster", "status", "id"], name="demand_cluster_status"),
            # An enterprise's own demands by status (else SQLite reads every draft to find them),
            # and its overdue ones by deadline (the 待办 badge on every page; without the
            # deadline SQLite counts them through the index below, reading 15,000 rows).
            models.Index(
                fields=["enterprise", "status", "deadline"], name="demand_enterprise_deadline"
            ),
            # All overdue demands (已发布/对接中 past their deadline), for administrators' 待办
            # badge: counted from the index alone (140 ms → 2 ms on 50,000 demands).
            models.Index(fields=["status", "deadline"], name="demand_status_deadline"),
        ]
        constraints = [
            unique_code_constraint("demand"),
            models.UniqueConstraint(fields=["enterprise", "title"], name="demand_natural_key"),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="demand_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Return True if the deadline has passed (today, local time) while still open."""
        return (
            self.deadline is not None
            and self.status in OPEN_FOR_PARTNERS
            and self.deadline < timezone.localdate()
        )

    def cell_flags(self, name: str) -> list[str]:
        """Return the flags the pages show beside field ``name`` (the overdue deadline)."""
        return [str(_("已逾期"))] if name == "deadline" and self.is_overdue else []

    def can_transition_to(self, target: str) -> bool:
        return target in ALLOWED_TRANSITIONS[self.status]

    @transaction.atomic
    def transition_to(self, target: str, *, by: User | None = None, note: str = "") -> None:
        """Move the demand to ``target`` and log who did it; raise InvalidTransition if barred.

        The record-keeping step only: who may make which move, and what must follow, is
        decided by :mod:`tepai.demands.workflow`, which every page, API call and service uses.
        """
        if not self.can_transition_to(target):
            raise InvalidTransition(self.status, target)
        previous = self.status
        self.status = target
        self.save(update_fields=["status", "updated_at"])
        DemandTransition.objects.create(
            demand=self, from_status=previous, to_status=target, by=by, note=note
        )


class DemandTransition(models.Model):
    """One status change of a demand: the audited history of its life-cycle (append-only)."""

    demand = models.ForeignKey(
        Demand, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("需求")
    )
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=DemandStatus.choices, blank=True, default=""
    )
    to_status = models.CharField(_("新状态"), max_length=16, choices=DemandStatus.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("需求状态变更")
        verbose_name_plural = _("需求状态变更")
        ordering = ["demand", "at", "id"]

    def __str__(self) -> str:
        return f"{self.demand}: {self.from_status or '—'} → {self.to_status}"


class DemandList(RegistryModel):
    """A published list of demands (需求发布批次), e.g. 阿克苏地区2024年工业领域重大科技攻关需求."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    publisher = models.CharField(_("发布单位"), max_length=200, blank=True, default="")
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demand_lists",
        verbose_name=_("发布活动"),
    )
    description = models.TextField(_("说明"), blank=True, default="")
    demands = models.ManyToManyField(
        Demand, related_name="lists", blank=True, verbose_name=_("需求")
    )

    class Meta:
        verbose_name = _("需求发布批次")
        verbose_name_plural = _("需求发布批次")
        ordering = ["-published_on", "name"]
        constraints = [unique_code_constraint("demandlist")]

    def __str__(self) -> str:
        return self.name
