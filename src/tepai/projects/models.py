"""Projects and contracts (项目与合同) that commissioners sign with enterprises."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tepai.core.models import RegistryModel, unique_code_constraint


class ProjectKind(models.TextChoices):
    RESEARCH = "research", _("科研项目")
    SERVICE_CONTRACT = "service", _("技术服务合同")
    DEVELOPMENT_CONTRACT = "development", _("技术开发合同")
    TRANSFER_CONTRACT = "transfer", _("技术转让合同")
    OTHER = "other", _("其他")


# Technology contracts (技术合同) as the KPI "service contracts" counts them.
CONTRACT_KINDS = (
    ProjectKind.SERVICE_CONTRACT,
    ProjectKind.DEVELOPMENT_CONTRACT,
    ProjectKind.TRANSFER_CONTRACT,
)


class ProjectLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省部级")
    PREFECTURAL = "prefectural", _("地厅级")
    OTHER = "other", _("其他")


PROVINCIAL_OR_HIGHER = (ProjectLevel.NATIONAL, ProjectLevel.PROVINCIAL)


class ProjectStatus(models.TextChoices):
    SIGNED = "signed", _("签约")
    IN_PROGRESS = "in_progress", _("执行中")
    ACCEPTED = "accepted", _("已验收")
    TERMINATED = "terminated", _("已终止")


class ContractState(models.TextChoices):
    """Whether a project is an official record yet (issue 11: the contract step)."""

    # Both parties accepted a proposal on the platform; the signed contract's details (name,
    # amount, date, parties, scan) are still to be completed and an administrator to confirm.
    DRAFT = "draft", _("待确认")
    # An official record: confirmed by an administrator, imported, or entered by one.
    CONFIRMED = "confirmed", _("已确认")


# THE rule for "counts in the KPIs": only confirmed projects and contracts. kpi_report, the
# dashboard's kpi_days, the documents and the lists' ?kpi= drill-down (through kpi_report) all
# use this condition (or Project.objects.counted()), and nothing else decides it.
COUNTED = Q(state=ContractState.CONFIRMED)


class ProjectQuerySet(models.QuerySet):
    def counted(self) -> ProjectQuerySet:
        """Return the projects the KPIs count (see :data:`COUNTED`)."""
        return self.filter(COUNTED)

    def drafts(self) -> ProjectQuerySet:
        """Return the contracts waiting to be completed and confirmed."""
        return self.filter(state=ContractState.DRAFT)


class Project(RegistryModel):
    """A research project led or joined by commissioners, or a technology contract signed.

    A contract agreed on the platform starts as a draft (:attr:`ContractState.DRAFT`) that
    the enterprise or an administrator completes and an administrator confirms; see
    :mod:`tepai.projects.contracts`.
    """

    title = models.CharField(_("项目名称"), max_length=300)
    kind = models.CharField(_("类型"), max_length=16, choices=ProjectKind.choices)
    level = models.CharField(
        _("项目级别"), max_length=16, choices=ProjectLevel.choices, blank=True, default=""
    )
    led_by_commissioner = models.BooleanField(_("特派员主持"), default=False)
    commissioners = models.ManyToManyField(
        "commissioners.Commissioner", related_name="projects", verbose_name=_("特派员")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("企业"),
    )
    demand = models.ForeignKey(
        "demands.Demand",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("需求"),
    )
    amount = models.DecimalField(
        _("金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    signed_on = models.DateField(_("签约日期"))
    signing_event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("签约活动"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.SIGNED
    )
    batch = models.ForeignKey(
        "programs.Batch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("批次"),
    )
    description = models.TextField(_("说明"), blank=True, default="")
    # The contract step (issue 11). Every other way a project is written (import, the admin's
    # form, the demo) records an official record, hence the default.
    state = models.CharField(
        _("确认状态"),
        max_length=16,
        choices=ContractState.choices,
        default=ContractState.CONFIRMED,
    )
    client_party = models.CharField(_("委托方（甲方）"), max_length=200, blank=True, default="")
    contractor_party = models.CharField(_("受托方（乙方）"), max_length=200, blank=True, default="")
    starts_on = models.DateField(_("履行开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("履行截止日期"), null=True, blank=True)
    # A scan of the signed contract: a PDF, or an image re-encoded on upload, stored under a
    # generated name in TEPAI_HOME/media and served only through a permission-checked view.
    attachment = models.FileField(
        _("合同扫描件"), upload_to="contracts/%Y/%m/", blank=True, default=""
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目合同")
        verbose_name_plural = _("项目合同")
        ordering = ["-signed_on", "title"]
        # The list's order (it adds the id), so a page of a large programme needs no sort; and
        # the columns the dashboard's KPIs per day count, so they are read from the index
        # alone (21 → 11 ms for a batch's 4,000 projects on SQLite); ``state`` is one of them
        # since only confirmed contracts count.
        indexes = [
            models.Index(fields=["-signed_on", "title", "id"], name="project_latest_first"),
            models.Index(
                fields=[
                    "signed_on",
                    "kind",
                    "level",
                    "led_by_commissioner",
                    "state",
                    "enterprise",
                    "batch",
                ],
                name="project_kpi_days",
            ),
        ]
        constraints = [
            unique_code_constraint("project"),
            models.UniqueConstraint(fields=["title", "signed_on"], name="project_natural_key"),
            # A research project is only meaningful with its level; contracts have none.
            models.CheckConstraint(
                condition=~Q(kind="research") | ~Q(level=""), name="project_research_has_level"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="project_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ContractState.values), name="project_state_valid"
            ),
        ]

    @property
    def is_draft(self) -> bool:
        return self.state == ContractState.DRAFT

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A planned step of a project and when it was reached."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("项目")
    )
    title = models.CharField(_("里程碑"), max_length=200)
    due_on = models.DateField(_("计划日期"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True, default="")

    class Meta:
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        ordering = ["project", "due_on", "id"]

    def __str__(self) -> str:
        return self.title
