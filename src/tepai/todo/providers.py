"""The kinds of waiting work, one provider each, and who sees which.

- 待我答复的推荐 (commissioners, enterprises): open proposals their side has not answered;
  those waiting longer than :data:`ANSWER_DAYS` are marked overdue.
- 待审核的需求 (administrators): demands 待审核, oldest first — the review queue.
- 待确认的合同 (administrators: every draft contract; enterprises: their own drafts, to
  complete): :func:`tepai.projects.contracts.awaiting_confirmation`.
- 逾期需求 (administrators: all; enterprises: their own): past the 截止日期 while still
  已发布/对接中 (:func:`tepai.demands.models.overdue_q`).
- 逾期未答复的推荐 (administrators): open proposals older than :data:`ANSWER_DAYS` days.

- 待确认的服务记录 (enterprises): work records a commissioner logged naming the enterprise,
  to confirm in one click or dispute (:mod:`tepai.activities.confirmation`).
- 企业有异议的工作记录 (administrators): records an enterprise disputed, to settle.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tepai.accounts.roles import Role
from tepai.activities import confirmation
from tepai.activities.models import Activity
from tepai.demands.models import Demand, DemandStatus, overdue_q
from tepai.engagements.models import OPEN_STATUSES, Proposal
from tepai.projects.contracts import awaiting_confirmation
from tepai.projects.models import Project
from tepai.todo.items import Item, Provider, QuickAnswer

# Days a proposal may wait for an answer before it counts as overdue (documented in
# docs/reminders.md): two weeks covers a commissioner away on a field trip.
ANSWER_DAYS = 14

ADMINS = frozenset({Role.ADMIN})


def _account(user: Any) -> Any:
    return getattr(user, "account", None)


def _waited(since: datetime.datetime, today: datetime.date) -> int:
    return (today - timezone.localdate(since)).days


def _answer_overdue(proposal: Proposal, today: datetime.date) -> bool:
    return _waited(proposal.created_at, today) > ANSWER_DAYS


def _waiting_detail(proposal: Proposal, who: str, today: datetime.date) -> str:
    day = timezone.localdate(proposal.created_at).isoformat()
    days = _waited(proposal.created_at, today)
    if days < 1:
        return _("%(who)s · 今天推荐") % {"who": who}
    return _("%(who)s · 推荐于 %(day)s，已等待 %(days)s 天") % {
        "who": who,
        "day": day,
        "days": days,
    }


def _accept(proposal: Proposal) -> QuickAnswer:
    url = reverse("engagements:answer", args=[proposal.pk])
    return QuickAnswer(url, (("accept", "1"),), _("接受"), _("拒绝…"))


# ----- proposals waiting for my answer --------------------------------------------------------
def _commissioner_answers(user: Any, today: datetime.date) -> QuerySet[Proposal]:
    me = getattr(_account(user), "commissioner_id", None)
    return (
        Proposal.objects.filter(commissioner=me, status__in=OPEN_STATUSES, commissioner_response="")
        .select_related("demand__enterprise")
        .order_by("created_at", "pk")
    )


def _commissioner_answer_item(proposal: Proposal, today: datetime.date) -> Item:
    return Item(
        key=f"proposal-answer:{proposal.pk}",
        title=proposal.demand.title,
        detail=_waiting_detail(proposal, proposal.demand.enterprise.name, today),
        url=reverse("engagements:me") + f"#proposal-{proposal.pk}",
        action=_("去答复"),
        overdue=_answer_overdue(proposal, today),
        proposal=proposal,
        quick=_accept(proposal),
    )


def _enterprise_answers(user: Any, today: datetime.date) -> QuerySet[Proposal]:
    mine = getattr(_account(user), "enterprise_id", None)
    return (
        Proposal.objects.filter(
            demand__enterprise=mine, status__in=OPEN_STATUSES, enterprise_response=""
        )
        .select_related("demand", "commissioner")
        .order_by("created_at", "pk")
    )


def _enterprise_answer_item(proposal: Proposal, today: datetime.date) -> Item:
    return Item(
        key=f"proposal-answer:{proposal.pk}",
        title=proposal.demand.title,
        detail=_waiting_detail(proposal, proposal.commissioner.name, today),
        url=reverse("engagements:company") + f"#proposal-{proposal.pk}",
        action=_("去答复"),
        overdue=_answer_overdue(proposal, today),
        proposal=proposal,
        quick=_accept(proposal),
    )


# ----- demands waiting for review -------------------------------------------------------------
def _reviews(user: Any, today: datetime.date) -> QuerySet[Demand]:
    return (
        Demand.objects.filter(status=DemandStatus.PENDING_REVIEW)
        .select_related("enterprise")
        .order_by("updated_at", "pk")
    )


def _review_item(demand: Demand, today: datetime.date) -> Item:
    return Item(
        key=f"demand-review:{demand.pk}",
        title=demand.title,
        detail=_("%(enterprise)s · 提交于 %(day)s")
        % {"enterprise": demand.enterprise.name, "day": timezone.localdate(demand.updated_at)},
        url=reverse("engagements:review"),
        action=_("去审核"),
    )


# ----- contracts waiting for confirmation -----------------------------------------------------
def _contracts_awaiting_confirmation(user: Any, today: datetime.date) -> QuerySet[Project]:
    # Administrators confirm every draft; an enterprise completes its own.
    return awaiting_confirmation(user)


def _contract_item(project: Project, today: datetime.date) -> Item:
    return Item(
        key=f"contract-confirm:{project.pk}",
        title=str(project),
        detail="",
        url=reverse("projects:contract", args=[project.pk]),
        action=_("去处理"),
    )


# ----- work records to confirm ----------------------------------------------------------------
def _records_to_confirm(user: Any, today: datetime.date) -> QuerySet[Activity]:
    return confirmation.awaiting_enterprise(user)


def _record_detail(activity: Activity) -> str:
    people = "、".join(person.name for person in activity.commissioners.all())
    parts = [people, activity.place, _("数量 %(quantity)s") % {"quantity": activity.quantity}]
    return " · ".join(part for part in parts if part)


def _record_to_confirm_item(activity: Activity, today: datetime.date) -> Item:
    url = reverse("engagements:service-confirmation", args=[activity.pk])
    return Item(
        key=f"activity-confirm:{activity.pk}",
        title=str(activity),
        detail=_record_detail(activity),
        url=url,
        action=_("有异议…"),
        quick=QuickAnswer(url, (("action", "confirm"),), _("确认属实"), _("有异议…")),
    )


def _disputed_records(user: Any, today: datetime.date) -> QuerySet[Activity]:
    return confirmation.disputed()


def _disputed_record_item(activity: Activity, today: datetime.date) -> Item:
    enterprises = "、".join(enterprise.name for enterprise in activity.enterprises.all())
    return Item(
        key=f"activity-disputed:{activity.pk}",
        title=str(activity),
        detail=_("%(enterprise)s：%(reason)s")
        % {"enterprise": enterprises, "reason": activity.confirmation_note},
        url=reverse("engagements:service-confirmation", args=[activity.pk]),
        action=_("去处理"),
        overdue=True,
    )


def _disputed_list_url(user: Any) -> str:
    return reverse("web:activities-list") + "?confirmation=disputed"


# ----- overdue demands ------------------------------------------------------------------------
def _overdue_demands(user: Any, today: datetime.date) -> QuerySet[Demand]:
    demands = Demand.objects.filter(overdue_q(today))
    account = _account(user)
    if account is not None and account.role == Role.ENTERPRISE:
        demands = demands.filter(enterprise=account.enterprise_id)
    return demands.select_related("enterprise").order_by("deadline", "pk")


def _overdue_demand_detail(demand: Demand) -> str:
    return _("%(enterprise)s · 截止 %(day)s · %(status)s") % {
        "enterprise": demand.enterprise.name,
        "day": demand.deadline,
        "status": demand.get_status_display(),
    }


def _overdue_demand_items(view: str, action: Promise) -> Callable[[Demand, datetime.date], Item]:
    """Return the item builder for overdue demands linking to ``view`` under ``action``."""

    def item(demand: Demand, today: datetime.date) -> Item:
        return Item(
            key=f"demand-overdue:{demand.pk}",
            title=demand.title,
            detail=_overdue_demand_detail(demand),
            url=reverse(view, args=[demand.pk]),
            action=str(action),
            overdue=True,
        )

    return item


def _overdue_list_url(user: Any) -> str:
    return reverse("web:demands-list") + "?overdue=1&sort=deadline"


# ----- overdue proposals ----------------------------------------------------------------------
def _overdue_proposals(user: Any, today: datetime.date) -> QuerySet[Proposal]:
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    cutoff = start_of_today - datetime.timedelta(days=ANSWER_DAYS)
    return (
        Proposal.objects.filter(status__in=OPEN_STATUSES, created_at__lt=cutoff)
        .select_related("demand", "commissioner")
        .order_by("created_at", "pk")
    )


def _overdue_proposal_item(proposal: Proposal, today: datetime.date) -> Item:
    return Item(
        key=f"proposal-overdue:{proposal.pk}",
        title=_("%(demand)s ↔ %(commissioner)s")
        % {"demand": proposal.demand.title, "commissioner": proposal.commissioner.name},
        detail=_waiting_detail(proposal, proposal.get_status_display(), today),
        url=reverse("engagements:demand-matching", args=[proposal.demand_id]),
        action=_("去跟进"),
        overdue=True,
    )


PROVIDERS: list[Provider] = [
    Provider(
        "proposal-answer",
        gettext_lazy("待我答复的推荐"),
        frozenset({Role.COMMISSIONER}),
        _commissioner_answers,
        _commissioner_answer_item,
    ),
    Provider(
        "proposal-answer",
        gettext_lazy("待我答复的推荐"),
        frozenset({Role.ENTERPRISE}),
        _enterprise_answers,
        _enterprise_answer_item,
    ),
    Provider(
        "demand-review",
        gettext_lazy("待审核的需求"),
        ADMINS,
        _reviews,
        _review_item,
        lambda user: reverse("engagements:review"),
    ),
    Provider(
        "contract-confirm",
        gettext_lazy("待确认的合同"),
        frozenset({Role.ADMIN, Role.ENTERPRISE}),
        _contracts_awaiting_confirmation,
        _contract_item,
    ),
    Provider(
        "activity-confirm",
        gettext_lazy("待确认的服务记录"),
        frozenset({Role.ENTERPRISE}),
        _records_to_confirm,
        _record_to_confirm_item,
    ),
    Provider(
        "activity-disputed",
        gettext_lazy("企业有异议的工作记录"),
        ADMINS,
        _disputed_records,
        _disputed_record_item,
        _disputed_list_url,
    ),
    Provider(
        "demand-overdue",
        gettext_lazy("逾期需求"),
        ADMINS,
        _overdue_demands,
        _overdue_demand_items("web:demands-detail", gettext_lazy("去处理")),
        _overdue_list_url,
    ),
    Provider(
        "demand-overdue",
        gettext_lazy("我的逾期需求"),
        frozenset({Role.ENTERPRISE}),
        _overdue_demands,
        _overdue_demand_items("engagements:company-demand", gettext_lazy("查看")),
    ),
    Provider(
        "proposal-overdue",
        gettext_lazy("逾期未答复的推荐"),
        ADMINS,
        _overdue_proposals,
        _overdue_proposal_item,
    ),
]
