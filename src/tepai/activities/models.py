"""Work records (工作记录): the day-to-day activities that the programme KPIs count."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tepai.core.models import RegistryModel, unique_code_constraint


class ActivityKind(models.TextChoices):
    """Kinds of work, each with what its quantity measures."""

    TRAINING = "training", _("培训帮带")  # local people trained
    VISIT = "visit", _("入疆服务")  # person-times of visits
    VARIETY = "variety", _("品种引进")  # varieties introduced
    INVESTMENT = "investment", _("招商考察")  # investment delegations
    LANDING = "landing", _("项目落地")  # projects landed
    DONATION = "donation", _("捐赠")
    ENTERPRISE_SERVICE = "service", _("企业服务")  # enterprises served
    OTHER = "other", _("其他")


class ActivityConfirmation(models.TextChoices):
    """Whether the enterprise served has confirmed a work record a commissioner logged."""

    # Entered by the programme office or imported: the office's own record.
    NOT_NEEDED = "not_needed", _("无需确认")
    PENDING = "pending", _("待企业确认")
    CONFIRMED = "confirmed", _("已确认")
    DISPUTED = "disputed", _("企业有异议")


class Activity(RegistryModel):
    """One recorded piece of work by commissioners, with the quantity the KPIs sum."""

    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=ActivityKind.choices)
    commissioners = models.ManyToManyField(
        "commissioners.Commissioner",
        related_name="activities",
        blank=True,
        verbose_name=_("特派员"),
    )
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", related_name="activities", blank=True, verbose_name=_("企业")
    )
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    is_trial = models.BooleanField(_("试验示范"), default=False)
    batch = models.ForeignKey(
        "programs.Batch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("批次"),
    )
    # Where the work was done (a county, a township, an enterprise's site): reports and typical
    # cases name the place, and the enterprise alone does not say it (a training held in town).
    place = models.CharField(_("地点"), max_length=100, blank=True, default="")
    notes = models.TextField(_("说明"), blank=True, default="")
    # A photo taken on site, uploaded from the commissioner's phone; stored under
    # TEPAI_HOME/media as a JPEG or PNG re-encoded by tepai.engagements.photos.
    photo = models.FileField(_("现场照片"), upload_to="activities/%Y/%m/", blank=True, default="")
    # A commissioner's record of serving an enterprise waits for that enterprise to confirm it
    # (tepai.activities.confirmation); the KPIs count it either way, the office sees which.
    confirmation = models.CharField(
        _("企业确认"),
        max_length=16,
        choices=ActivityConfirmation.choices,
        default=ActivityConfirmation.NOT_NEEDED,
    )
    confirmation_note = models.CharField(_("确认意见"), max_length=500, blank=True, default="")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作记录")
        verbose_name_plural = _("工作记录")
        ordering = ["-date", "id"]
        # The list's order, so a page of a large programme needs no sort; the KPIs select
        # by kind within a batch (without this SQLite walks the date index instead). The
        # dashboard's KPIs per day read every record of a batch's service period: holding
        # the columns they sum, the third index spares a read of each record's row (28 → 16
        # ms for a batch's 8,000 records on SQLite; PostgreSQL can scan it index-only).
        indexes = [
            models.Index(fields=["-date", "id"], name="activity_latest_first"),
            models.Index(fields=["kind", "batch"], name="activity_kind_batch"),
            models.Index(fields=["date", "kind", "quantity", "batch"], name="activity_kpi_days"),
            # The 待办 badge counts records waiting for an answer on every page; almost all
            # records need none, so only those waiting are indexed.
            models.Index(
                fields=["confirmation"],
                name="activity_awaiting_answer",
                condition=Q(
                    confirmation__in=[ActivityConfirmation.PENDING, ActivityConfirmation.DISPUTED]
                ),
            ),
        ]
        constraints = [
            unique_code_constraint("activity"),
            models.CheckConstraint(
                condition=Q(is_trial=False) | Q(kind="variety"), name="activity_trial_only_variety"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
