"""The contract step (合同确认): a contract agreed on the platform becomes an official record.

When both parties accept a proposal, :func:`tepai.engagements.services.respond` records a
*draft* contract (:attr:`ContractState.DRAFT`) named after the demand, without amount. The
enterprise (its own drafts) or an administrator completes it with the signed contract's
details — name, amount, signing date, parties, term and a scan — and an administrator
confirms it. Only then do the KPIs count it (:data:`tepai.projects.models.COUNTED`) and its
demand moves from 对接中 to 已签约: while the draft is open the demand stays 对接中, since
nothing official has been signed yet as far as the programme's figures are concerned.

The web pages and the REST API call these functions, so they share one set of rules and of
Chinese messages. Every change is made in a transaction on the locked row and audited (the
field changes by the audit app's model signals, the confirmation as a status change).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tepai.accounts.roles import Role, role_of
from tepai.audit.actions import TRANSITION
from tepai.audit.log import record
from tepai.demands import workflow
from tepai.demands.models import DemandStatus
from tepai.projects.models import ContractState, Project

__all__ = [
    "AMOUNT_MAX",
    "EARLIEST_SIGNING",
    "EDITABLE_FIELDS",
    "ContractError",
    "awaiting_confirmation",
    "can_complete",
    "can_confirm",
    "complete",
    "confirm",
]

# 万元. The column holds up to 10^10; a technology contract of the programme is at most a few
# thousand. One million 万元 (100 亿元) refuses a slipped decimal point, never a real contract.
AMOUNT_MAX = Decimal("1000000")
# No contract of the programme (started 2010s) is older; earlier dates are typing errors.
EARLIEST_SIGNING = datetime.date(2000, 1, 1)
# What completing a draft may change.
EDITABLE_FIELDS = (
    "title",
    "amount",
    "signed_on",
    "client_party",
    "contractor_party",
    "starts_on",
    "ends_on",
    "description",
)


class ContractError(workflow.WorkflowError):
    """A contract step is not possible, or a detail is missing or wrong; the message says why.

    ``field`` names the field at fault (for the form and the API's 422).
    """

    status = 422
    code = "validation_error"

    def __init__(self, message: str, field: str = "state") -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(workflow.NotPermitted):
    """The user may not complete or confirm this contract."""


def _enterprise_of(user: Any) -> int | None:
    return getattr(getattr(user, "account", None), "enterprise_id", None)


def can_complete(user: Any, project: Project) -> bool:
    """Return True if ``user`` may complete ``project`` now: a draft, theirs or as admin."""
    if not project.is_draft:
        return False
    role = role_of(user)
    if role is Role.ADMIN:
        return True
    return (
        role is Role.ENTERPRISE
        and project.enterprise_id is not None
        and _enterprise_of(user) == project.enterprise_id
    )


def can_confirm(user: Any, project: Project) -> bool:
    """Return True if ``user`` may confirm ``project`` now (administrators, drafts only)."""
    return project.is_draft and role_of(user) is Role.ADMIN


def awaiting_confirmation(user: Any) -> QuerySet[Project]:
    """Return the draft contracts ``user`` may act on, oldest first.

    Administrators: every draft (they complete and confirm). An enterprise user: the drafts of
    their enterprise (they complete them). Everyone else: none.
    """
    drafts = Project.objects.drafts().select_related("enterprise", "demand")
    role = role_of(user)
    if role is Role.ADMIN:
        return drafts.order_by("created_at", "pk")
    if role is Role.ENTERPRISE and _enterprise_of(user) is not None:
        return drafts.filter(enterprise_id=_enterprise_of(user)).order_by("created_at", "pk")
    return Project.objects.none()


def _check_details(project: Project, *, for_confirmation: bool) -> None:
    """Raise ContractError naming the first field that is wrong (or missing, to confirm)."""
    if not (project.title or "").strip():
        raise ContractError(_("合同名称：不能为空"), "title")
    if len(project.title) > 300:
        raise ContractError(_("合同名称：不能超过 300 个字"), "title")
    amount = project.amount
    if amount is None:
        if for_confirmation:
            raise ContractError(_("合同金额：确认前请填写合同金额（万元）"), "amount")
    elif amount < 0:
        raise ContractError(_("合同金额：不能为负数"), "amount")
    elif amount > AMOUNT_MAX:
        raise ContractError(
            _("合同金额：不能超过 %(max)s 万元，请核对单位（万元）") % {"max": AMOUNT_MAX}, "amount"
        )
    elif amount != amount.quantize(Decimal("0.01")):
        raise ContractError(_("合同金额：最多保留两位小数"), "amount")
    today = timezone.localdate()
    if project.signed_on is None:
        raise ContractError(_("签约日期：不能为空"), "signed_on")
    if project.signed_on > today:
        raise ContractError(
            _("签约日期：不能晚于今天（%(today)s）") % {"today": today.isoformat()}, "signed_on"
        )
    if project.signed_on < EARLIEST_SIGNING:
        raise ContractError(
            _("签约日期：不能早于 %(date)s") % {"date": EARLIEST_SIGNING.isoformat()}, "signed_on"
        )
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        raise ContractError(_("履行截止日期：不能早于履行开始日期"), "ends_on")
    if for_confirmation and not project.client_party.strip():
        raise ContractError(_("委托方（甲方）：确认前请填写合同的委托方"), "client_party")
    if for_confirmation and not project.contractor_party.strip():
        raise ContractError(_("受托方（乙方）：确认前请填写合同的受托方"), "contractor_party")
    clash = Project.objects.filter(title=project.title, signed_on=project.signed_on)
    if clash.exclude(pk=project.pk).exists():
        raise ContractError(_("合同名称：同一签约日期已有同名的项目合同"), "title")


def _locked_draft(project: Project) -> Project:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if not locked.is_draft:
        raise ContractError(
            _("合同“%(title)s”已确认，不能再通过合同确认步骤修改") % {"title": locked.title}
        )
    return locked


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ContractError(_("合同金额：须为数字（万元）"), "amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ContractError(_("合同金额：须为数字（万元）"), "amount") from None
    if not amount.is_finite():
        raise ContractError(_("合同金额：须为数字（万元）"), "amount")
    return amount


@transaction.atomic
def complete(
    project: Project,
    by: Any,
    details: dict[str, Any],
    *,
    attachment: File | None = None,
    request: HttpRequest | None = None,
) -> Project:
    """Save the signed contract's ``details`` (keys of :data:`EDITABLE_FIELDS`) on a draft.

    ``attachment``: a scan already checked by :func:`tepai.projects.scans.normalise_scan`.
    Raises NotAllowed (not their draft, or not an administrator), ContractError (not a draft
    any more, or a detail is wrong), and then changes nothing.
    """
    project = _locked_draft(project)
    if by is not None and not can_complete(by, project):
        raise NotAllowed(_("只有合同所属企业或管理员可以完善待确认的合同"))
    unknown = set(details) - set(EDITABLE_FIELDS)
    if unknown:
        raise ContractError(
            _("合同信息：不能修改%(fields)s") % {"fields": "、".join(sorted(unknown))}
        )
    for name, value in details.items():
        if name == "amount":
            value = _decimal(value)
        elif name in ("title", "client_party", "contractor_party", "description"):
            value = (value or "").strip()
        setattr(project, name, value)
    _check_details(project, for_confirmation=False)
    if attachment is not None:
        replaced = project.attachment.name if project.attachment else ""
        project.attachment = attachment
        if replaced:
            # Only once the new scan is committed: a rolled-back step keeps the old one.
            storage = project.attachment.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    project.save()
    return project


@transaction.atomic
def confirm(project: Project, by: Any, *, request: HttpRequest | None = None) -> Project:
    """Confirm a completed draft (administrators): the KPIs count it from now on.

    The contract needs its name, amount, signing date and both parties. Its demand, if still
    对接中, moves to 已签约 through the demand workflow. Raises NotAllowed or ContractError.
    """
    if by is not None and role_of(by) is not Role.ADMIN:
        raise NotAllowed(_("只有管理员可以确认合同"))
    project = _locked_draft(project)
    _check_details(project, for_confirmation=True)
    project.state = ContractState.CONFIRMED
    project.confirmed_at = timezone.now()
    project.confirmed_by = by if getattr(by, "pk", None) else None
    project.save()
    demand = project.demand
    if demand is not None:
        demand = type(demand).objects.select_for_update().get(pk=demand.pk)
        if demand.status == DemandStatus.MATCHING:
            workflow.follow_engagement(
                demand,
                DemandStatus.SIGNED,
                by,
                note=_("合同“%(title)s”经管理员确认") % {"title": project.title},
            )
    record(
        TRANSITION,
        request=request,
        target=project,
        detail={
            "event": "contract_confirm",
            "from": ContractState.DRAFT.value,
            "to": ContractState.CONFIRMED.value,
            "amount": str(project.amount),
            "signed_on": project.signed_on.isoformat(),
        },
    )
    return project
