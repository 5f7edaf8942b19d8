"""The one demand workflow: who may move a demand to which status, and what has to follow.

The web pages (submitting, the review queue), the REST API (``POST /api/demands/{id}/
transition``) and the engagement services (proposing, signing, releasing) all change a
demand's status here, so they accept and refuse exactly the same moves with the same Chinese
messages. Issue 9 (finding 8): the API had its own rules and let an enterprise close a signed
demand, an administrator mark a demand signed with no contract, or send one back with no note.

The graph of possible moves is :data:`tepai.demands.models.ALLOWED_TRANSITIONS`; on top of it:

- an enterprise moves only its own demands, and only before they are engaged: submit a draft
  (草稿 → 待审核), take it back (待审核 → 草稿), or close it (草稿/待审核/已发布 → 已关闭);
- the programme office makes every other move, except those that follow the engagement
  itself: 对接中 starts with the first proposal, returns to 已发布 when the last open proposal
  ends, and 已签约 needs a confirmed project (contract) for the demand — a draft contract from
  a mutually accepted proposal keeps the demand 对接中 until an administrator confirms it;
- sending a demand back (待审核 → 草稿) needs a note saying what to change; closing an
  engaged demand (对接中/已签约) needs a note saying why, and its open proposals are withdrawn
  with that note as the reason;
- commissioners and auditors change no demand's status.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tepai.accounts.roles import Role, role_of
from tepai.audit.log import record
from tepai.demands.models import ALLOWED_TRANSITIONS, Demand, DemandStatus

__all__ = [
    "ENTERPRISE_MOVES",
    "NotPermitted",
    "NoteRequired",
    "WorkflowError",
    "change_status",
    "check_move",
    "follow_engagement",
]


class WorkflowError(Exception):
    """A step of the demand/engagement workflow is not possible now; the message says why.

    ``status`` (the HTTP answer), ``code`` and ``field`` tell an API client what kind of
    refusal it is, without the API repeating the workflow's decisions.
    """

    status = 409
    code = "invalid_transition"
    field = "status"


class NotPermitted(WorkflowError):
    """The acting user may not take this step (wrong role or not their record)."""

    status = 403
    code = "permission_denied"


class NoteRequired(WorkflowError):
    """The step needs a note (the reason) and none was given."""

    status = 422
    code = "validation_error"
    field = "note"


S = DemandStatus

# What an enterprise may do with its own demand, by its current status.
ENTERPRISE_MOVES: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PENDING_REVIEW, S.CLOSED}),
    S.PENDING_REVIEW: frozenset({S.DRAFT, S.CLOSED}),
    S.PUBLISHED: frozenset({S.CLOSED}),
}
_ENTERPRISE_TARGETS = frozenset().union(*ENTERPRISE_MOVES.values())

# Moves that follow the engagement (proposals, signing) rather than a person's decision.
_ENGAGEMENT_MOVES = frozenset(
    {(S.PUBLISHED, S.MATCHING), (S.MATCHING, S.PUBLISHED), (S.MATCHING, S.SIGNED)}
)
# Closing these ends an engagement in progress, so the parties are owed a reason.
_ENGAGED = frozenset({S.MATCHING, S.SIGNED})


def _label(status: str) -> str:
    return str(S(status).label)


def _has_contract(demand: Demand) -> bool:
    # Imported here: projects depend on demands, not the other way round.
    from tepai.projects.models import Project

    # A confirmed contract (issue 11): a draft agreed on the platform is not signed yet.
    return Project.objects.counted().filter(demand=demand).exists()


def check_move(demand: Demand, target: str, user: Any, note: str = "") -> None:
    """Raise the WorkflowError that refuses ``user`` moving ``demand`` to ``target``, if any.

    ``user`` None is a trusted internal caller and is judged as the programme office.
    """
    if target not in S.values:
        raise WorkflowError(_("状态：不是有效的需求状态"))
    role = Role.ADMIN if user is None else role_of(user)
    current = demand.status
    if role is Role.ENTERPRISE:
        account = getattr(user, "account", None)
        if getattr(account, "enterprise_id", None) != demand.enterprise_id:
            raise NotPermitted(_("只能变更本企业的需求"))
        if target not in _ENTERPRISE_TARGETS:
            raise NotPermitted(_("企业用户无权把需求改为“%(status)s”") % {"status": _label(target)})
    elif role is not Role.ADMIN:
        raise NotPermitted(_("无权变更需求状态"))
    if target not in ALLOWED_TRANSITIONS[current]:
        if target == S.PENDING_REVIEW:
            raise WorkflowError(
                _("需求“%(title)s”当前为“%(status)s”，只有草稿（含退回修改的）可以提交审核")
                % {"title": demand.title, "status": _label(current)}
            )
        raise WorkflowError(
            _("需求状态不能从“%(current)s”变为“%(target)s”")
            % {"current": _label(current), "target": _label(target)}
        )
    if role is Role.ENTERPRISE and target not in ENTERPRISE_MOVES.get(current, ()):
        raise WorkflowError(
            _("需求已是“%(status)s”状态，企业不能再变更；如需终止请联系管理员")
            % {"status": _label(current)}
        )
    if (current, target) == (S.PUBLISHED, S.MATCHING):
        raise WorkflowError(_("需求在推荐第一位特派员对接时自动进入“对接中”，不能直接设置"))
    if (current, target) == (S.MATCHING, S.PUBLISHED):
        raise WorkflowError(
            _("对接中的需求在推荐全部结束（拒绝或撤回）后自动重新开放；请先撤回待答复的推荐")
        )
    if target == S.SIGNED and not _has_contract(demand):
        raise WorkflowError(
            _("需求“%(title)s”还没有已确认的项目合同：请先确认其待确认合同，或登记该需求的项目合同")
            % {"title": demand.title}
        )
    if (current, target) == (S.PENDING_REVIEW, S.DRAFT) and not note and role is Role.ADMIN:
        raise NoteRequired(_("退回说明：退回修改时请写明需要修改的地方"))
    if target == S.CLOSED and current in _ENGAGED and not note:
        raise NoteRequired(_("关闭说明：关闭对接中或已签约的需求时请写明原因（将告知对接各方）"))


@transaction.atomic
def change_status(
    demand: Demand,
    target: str,
    by: Any,
    note: str = "",
    *,
    request: HttpRequest | None = None,
) -> Demand:
    """Move ``demand`` to ``target`` on ``by``'s decision and return it.

    Raises NotPermitted (wrong role or not their demand), NoteRequired (a send-back or the
    closing of an engaged demand without a note) or WorkflowError (a move the workflow bars),
    and then changes nothing. Closing withdraws the demand's open proposals.
    """
    # Judge the stored status, locked against a concurrent change; the caller's instance is
    # updated in place (only its status is saved).
    demand.status = (
        Demand.objects.select_for_update().values_list("status", flat=True).get(pk=demand.pk)
    )
    note = (note or "").strip()
    check_move(demand, target, by, note)
    if target == S.CLOSED:
        _withdraw_open_proposals(demand, note, request)
    default_notes: dict[str, str] = {S.PENDING_REVIEW: _("提交审核"), S.PUBLISHED: _("审核通过")}
    demand.transition_to(
        target,
        by=by if getattr(by, "pk", None) else None,
        note=note or default_notes.get(target, ""),
    )
    return demand


def follow_engagement(demand: Demand, target: str, by: Any = None, note: str = "") -> None:
    """Move ``demand`` as its engagement requires (called by the engagement services only).

    对接中 on the first proposal, back to 已发布 when no proposal is left open, 已签约 once a
    project records the contract. Raises WorkflowError for any other move.
    """
    if (demand.status, target) not in _ENGAGEMENT_MOVES:
        raise WorkflowError(
            _("需求状态不能从“%(current)s”变为“%(target)s”")
            % {"current": _label(demand.status), "target": _label(target)}
        )
    if target == S.SIGNED and not _has_contract(demand):
        raise WorkflowError(
            _("需求“%(title)s”还没有已确认的项目合同，不能标记为已签约") % {"title": demand}
        )
    demand.transition_to(target, by=by if getattr(by, "pk", None) else None, note=note)


def _withdraw_open_proposals(demand: Demand, reason: str, request: HttpRequest | None) -> None:
    # Imported here: engagements depend on demands, not the other way round.
    from tepai.engagements.models import OPEN_STATUSES, Proposal, ProposalStatus

    reason = reason or _("需求已关闭")
    for proposal in Proposal.objects.select_for_update().filter(
        demand=demand, status__in=OPEN_STATUSES
    ):
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.save(update_fields=["status", "updated_at"])
        record(
            "proposal",
            request=request,
            target=proposal,
            detail={"event": "withdraw", "reason": reason, "demand_closed": demand.pk},
        )
