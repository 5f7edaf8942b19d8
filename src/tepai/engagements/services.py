"""The engagement workflow: proposing, answering, signing, reviewing demands and rating.

Every function here is transactional and checks the state it acts on, so the web pages and
the REST API share one set of rules and one set of (Chinese) error messages. A demand's own
status changes go through :mod:`tepai.demands.workflow`, which these steps call. ``by`` is the
acting user: when given, the function also checks that this user may act (administrators
may record an answer on a party's behalf); ``None`` means a trusted internal caller.

A proposal's life::

    待回复 ──特派员接受──▶ 特派员已接受 ──企业接受──▶ 已确认签约 (draft contract created)
       │   └─企业接受──▶ 企业已接受 ──特派员接受──┘
       └──任一方拒绝──▶ 已拒绝      管理员撤回 ──▶ 已撤回

The demand follows: 已发布 → 对接中 on the first proposal, and back to 已发布 when its last
open proposal is declined or withdrawn. Acceptance by both records a *draft* contract
(issue 11): the demand stays 对接中 until an administrator confirms the completed contract
(:mod:`tepai.projects.contracts`), which moves it to 已签约 and makes the KPIs count it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import TextChoices
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tepai.accounts.roles import Role, role_of
from tepai.audit.log import record
from tepai.commissioners.models import Commissioner
from tepai.demands import workflow
from tepai.demands.models import CollaborationMode, Demand, DemandList, DemandStatus
from tepai.engagements.models import (
    OPEN_STATUSES,
    DeclineReason,
    Proposal,
    ProposalSource,
    ProposalStatus,
    Response,
    ServiceRating,
)
from tepai.projects.models import ContractState, Project, ProjectKind, ProjectStatus

__all__ = [
    "EngagementError",
    "NotAllowed",
    "Party",
    "check_proposable",
    "explain_pair",
    "party_of",
    "propose",
    "rate",
    "respond",
    "review",
    "submit_demand",
    "withdraw",
]


# One error vocabulary for the demand and engagement workflow (see tepai.demands.workflow).
EngagementError = workflow.WorkflowError
NotAllowed = workflow.NotPermitted


class Party(TextChoices):
    COMMISSIONER = "commissioner", gettext_lazy("特派员")
    ENTERPRISE = "enterprise", gettext_lazy("企业")


# Demands a proposal can be made for: reviewed and not yet (fully) engaged.
PROPOSABLE = (DemandStatus.PUBLISHED, DemandStatus.MATCHING)

# The contract a signed engagement becomes, by the demand's collaboration mode. Talent
# training is delivered as a service; joint tackling and joint R&D are development work.
CONTRACT_KIND: dict[str, str] = {
    CollaborationMode.JOINT_TACKLING: ProjectKind.DEVELOPMENT_CONTRACT,
    CollaborationMode.JOINT_RD: ProjectKind.DEVELOPMENT_CONTRACT,
    CollaborationMode.SERVICE: ProjectKind.SERVICE_CONTRACT,
    CollaborationMode.TRAINING: ProjectKind.SERVICE_CONTRACT,
    CollaborationMode.TRANSFER: ProjectKind.TRANSFER_CONTRACT,
    CollaborationMode.OTHER: ProjectKind.OTHER,
    "": ProjectKind.SERVICE_CONTRACT,
}


def _account_ids(user: Any) -> tuple[int | None, int | None]:
    account = getattr(user, "account", None)
    return getattr(account, "commissioner_id", None), getattr(account, "enterprise_id", None)


def party_of(user: Any, proposal: Proposal) -> Party | None:
    """Return the side ``user`` answers ``proposal`` for, or None if they are neither party."""
    commissioner_id, enterprise_id = _account_ids(user)
    role = role_of(user)
    if role is Role.COMMISSIONER and commissioner_id == proposal.commissioner_id:
        return Party.COMMISSIONER
    if role is Role.ENTERPRISE and enterprise_id == proposal.demand.enterprise_id:
        return Party.ENTERPRISE
    return None


def _require_admin(by: Any, what: str) -> None:
    if by is not None and role_of(by) is not Role.ADMIN:
        raise NotAllowed(_("只有管理员可以%(what)s") % {"what": what})


def _status_label(status: str) -> str:
    return str(DemandStatus(status).label)


# ----- proposing ----------------------------------------------------------------------------


def explain_pair(
    demand: Demand, commissioner: Commissioner, engine: Any = None
) -> tuple[float, str, list[str]]:
    """Return the engine's score, explanation text and matched terms for one pair.

    ``engine``: one from :func:`tepai.recommender.live.shared_engine` to reuse over many
    pairs (default: the shared engine, refreshed). Raises EngagementError when the engine
    bars the pair (declared conflict of interest, or the commissioner works for the
    enterprise); see :func:`tepai.recommender.service.explain_pair`.
    """
    # Imported here: the matching engine loads on first use, not with the URL configuration.
    from tepai.recommender import service

    try:
        return service.explain_pair(demand, commissioner, engine)
    except service.ConflictOfInterest as error:
        raise EngagementError(str(error)) from error


def check_proposable(demand: Demand, commissioner: Commissioner) -> None:
    """Raise EngagementError unless ``commissioner`` may be proposed for ``demand`` now."""
    if demand.status not in PROPOSABLE:
        raise EngagementError(
            _("需求“%(title)s”当前为“%(status)s”，只有已发布或对接中的需求可以推荐对接")
            % {"title": demand.title, "status": _status_label(demand.status)}
        )
    if Proposal.objects.filter(
        demand=demand, commissioner=commissioner, status__in=OPEN_STATUSES
    ).exists():
        raise EngagementError(
            _("特派员“%(name)s”对需求“%(title)s”已有待答复的推荐")
            % {"name": commissioner.name, "title": demand.title}
        )


@transaction.atomic
def propose(
    demand: Demand,
    commissioner: Commissioner,
    by: Any,
    *,
    score: float | None = None,
    explanation: str | None = None,
    matched_terms: Sequence[str] | None = None,
    source: str = ProposalSource.MANUAL,
    demand_list: DemandList | None = None,
    request: HttpRequest | None = None,
) -> Proposal:
    """Propose ``commissioner`` for ``demand`` (推荐对接) and move the demand to 对接中.

    Without ``score`` the pair is scored and explained by the shared matching engine.
    Raises EngagementError when the demand is not 已发布/对接中, the pair already has an
    open proposal, or the commissioner has a conflict of interest with the enterprise.
    """
    _require_admin(by, _("推荐对接"))
    demand = (
        Demand.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=demand.pk)
    )
    check_proposable(demand, commissioner)
    if score is None:
        score, found_text, found_terms = explain_pair(demand, commissioner)
        explanation = found_text if explanation is None else explanation
        matched_terms = found_terms if matched_terms is None else matched_terms
    proposal = Proposal.objects.create(
        demand=demand,
        commissioner=commissioner,
        score=score,
        explanation=explanation or "",
        matched_terms=list(matched_terms or []),
        source=source,
        demand_list=demand_list,
        created_by=by if getattr(by, "pk", None) else None,
    )
    if demand.status == DemandStatus.PUBLISHED:
        workflow.follow_engagement(
            demand,
            DemandStatus.MATCHING,
            by,
            note=_("推荐特派员%(name)s对接") % {"name": commissioner.name},
        )
    record(
        "proposal",
        request=request,
        target=proposal,
        detail={
            "event": "propose",
            "demand": demand.pk,
            "commissioner": commissioner.pk,
            "score": score,
            "source": source,
        },
    )
    return proposal


# ----- answering ----------------------------------------------------------------------------


def _check_party(by: Any, proposal: Proposal, party: Party) -> None:
    if by is None or role_of(by) is Role.ADMIN:
        return
    if party_of(by, proposal) is not party:
        raise NotAllowed(_("您不能以%(party)s身份答复这条推荐") % {"party": party.label})


def _release_demand(demand: Demand, by: Any) -> None:
    """Return a demand to 已发布 when nothing is left open or signed for it."""
    if demand.status != DemandStatus.MATCHING:
        return
    busy = demand.proposals.filter(status__in=[*OPEN_STATUSES, ProposalStatus.ACCEPTED]).exists()
    if not busy:
        workflow.follow_engagement(
            demand, DemandStatus.PUBLISHED, by, note=_("推荐均未达成，需求重新开放对接")
        )


def _batch_of(commissioner: Commissioner) -> Any:
    return commissioner.batches.order_by("-dispatch_date").first()


def _sign(proposal: Proposal, by: Any) -> Project:
    """Record the agreement: a new draft contract, or the demand's existing one for a team member.

    The draft carries what the platform knows (the demand's title, the parties' names, today
    as a provisional signing date) and no amount; the KPIs ignore it until it is completed
    and confirmed (:mod:`tepai.projects.contracts`), and so the demand stays 对接中.
    """
    demand = proposal.demand
    earlier = (
        Proposal.objects.filter(
            demand=demand, status=ProposalStatus.ACCEPTED, project__isnull=False
        )
        .select_related("project")
        .first()
    )
    if earlier is not None and earlier.project is not None:
        project = earlier.project
    else:
        today = timezone.localdate()
        title = demand.title
        if Project.objects.filter(title=title, signed_on=today).exists():
            title = f"{demand.title}（{demand.enterprise.name}）"
        if Project.objects.filter(title=title, signed_on=today).exists():
            title = f"{demand.title}（{_('推荐')}#{proposal.pk}）"
        project = Project.objects.create(
            title=title[:300],
            kind=CONTRACT_KIND.get(demand.collaboration_mode, ProjectKind.OTHER),
            enterprise=demand.enterprise,
            demand=demand,
            signed_on=today,
            status=ProjectStatus.SIGNED,
            state=ContractState.DRAFT,
            client_party=demand.enterprise.name[:200],
            contractor_party=_contractor_of(proposal.commissioner)[:200],
            batch=_batch_of(proposal.commissioner),
            description=_("经平台推荐对接签约（推荐编号 %(pk)s）") % {"pk": proposal.pk},
        )
    project.commissioners.add(proposal.commissioner)
    return project


def _contractor_of(commissioner: Commissioner) -> str:
    """Return the likely 受托方: the commissioner's institution, else the commissioner."""
    institution = getattr(commissioner, "institution", None)
    return institution.name if institution is not None else commissioner.name


@transaction.atomic
def respond(
    proposal: Proposal,
    party: Party | str,
    accept: bool,
    reason: str | None = None,
    text: str = "",
    *,
    by: Any = None,
    request: HttpRequest | None = None,
) -> Proposal:
    """Record ``party``'s answer to ``proposal`` and return it, updated.

    Declining needs a ``reason`` from :class:`DeclineReason` (and ``text`` for 其他); it
    closes the proposal and frees the demand if nothing else is open. Accepting by the
    second party records the signing (see :func:`_sign`).
    """
    if party not in Party.values:
        raise EngagementError(_("答复方：须为特派员或企业"))
    party = Party(party)
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("demand__enterprise", "commissioner")
        .get(pk=proposal.pk)
    )
    _check_party(by, proposal, party)
    if not proposal.is_open:
        raise EngagementError(
            _("这条推荐%(status)s，不能再答复") % {"status": proposal.get_status_display()}
        )
    mine = "commissioner" if party is Party.COMMISSIONER else "enterprise"
    other = "enterprise" if party is Party.COMMISSIONER else "commissioner"
    if getattr(proposal, f"{mine}_response"):
        raise EngagementError(_("%(party)s已答复过这条推荐") % {"party": party.label})
    demand = Demand.objects.select_for_update().get(pk=proposal.demand_id)
    proposal.demand = demand
    now = timezone.now()
    if accept:
        if demand.status not in (DemandStatus.MATCHING, DemandStatus.SIGNED):
            raise EngagementError(
                _("需求“%(title)s”当前为“%(status)s”，不能接受推荐")
                % {"title": demand.title, "status": _status_label(demand.status)}
            )
        setattr(proposal, f"{mine}_response", Response.ACCEPTED)
        setattr(proposal, f"{mine}_responded_at", now)
        if getattr(proposal, f"{other}_response") == Response.ACCEPTED:
            proposal.project = _sign(proposal, by)
            proposal.status = ProposalStatus.ACCEPTED
        else:
            proposal.status = (
                ProposalStatus.COMMISSIONER_ACCEPTED
                if party is Party.COMMISSIONER
                else ProposalStatus.ENTERPRISE_ACCEPTED
            )
        proposal.save()
    else:
        if reason not in DeclineReason.values:
            raise EngagementError(_("拒绝原因：请从列表中选择一项"))
        text = (text or "").strip()
        if reason == DeclineReason.OTHER and not text:
            raise EngagementError(_("拒绝说明：选择“其他”时请写明原因"))
        setattr(proposal, f"{mine}_response", Response.DECLINED)
        setattr(proposal, f"{mine}_responded_at", now)
        proposal.decline_reason = reason
        proposal.decline_text = text[:500]
        proposal.status = ProposalStatus.DECLINED
        proposal.save()
        _release_demand(demand, by)
    record(
        "proposal",
        request=request,
        target=proposal,
        detail={
            "event": "respond",
            "party": str(party),
            "accept": accept,
            "reason": reason or "",
            "status": proposal.status,
            "project": proposal.project_id,
        },
    )
    return proposal


@transaction.atomic
def withdraw(proposal: Proposal, by: Any, *, request: HttpRequest | None = None) -> Proposal:
    """Withdraw an open proposal (administrators) and free its demand if nothing else is open."""
    _require_admin(by, _("撤回推荐"))
    proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if not proposal.is_open:
        raise EngagementError(
            _("这条推荐%(status)s，不能撤回") % {"status": proposal.get_status_display()}
        )
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save()
    _release_demand(Demand.objects.select_for_update().get(pk=proposal.demand_id), by)
    record("proposal", request=request, target=proposal, detail={"event": "withdraw"})
    return proposal


# ----- demands: submission and review -------------------------------------------------------


@transaction.atomic
def submit_demand(demand: Demand, by: Any) -> Demand:
    """Save a new or sent-back demand and put it in the review queue (待审核).

    The workflow decides (see :func:`tepai.demands.workflow.change_status`); a refusal
    leaves the demand unsaved.
    """
    if demand.pk is None:
        demand.status = DemandStatus.DRAFT
    # Asked before saving, so a refused submission leaves the stored text as it was.
    workflow.check_move(demand, DemandStatus.PENDING_REVIEW, by)
    demand.save()
    return workflow.change_status(demand, DemandStatus.PENDING_REVIEW, by)


@transaction.atomic
def review(demand: Demand, publish: bool, by: Any, note: str = "") -> Demand:
    """Publish a demand waiting for review, or send it back to the enterprise with a note."""
    # Reviewing is the programme office's job: an enterprise may take its own demand back to
    # draft through the workflow, but that is not a review.
    _require_admin(by, _("审核需求"))
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if demand.status != DemandStatus.PENDING_REVIEW:
        raise EngagementError(
            _("需求“%(title)s”当前为“%(status)s”，不在待审核队列中")
            % {"title": demand.title, "status": _status_label(demand.status)}
        )
    target = DemandStatus.PUBLISHED if publish else DemandStatus.DRAFT
    return workflow.change_status(demand, target, by, note)


# ----- rating -------------------------------------------------------------------------------


def is_completed(project: Project) -> bool:
    """Return True once a project's service is over: accepted (已验收) or its demand completed."""
    if project.status == ProjectStatus.ACCEPTED:
        return True
    return project.demand is not None and project.demand.status == DemandStatus.COMPLETED


@transaction.atomic
def rate(
    project: Project,
    by: Any,
    score: int,
    comment: str = "",
) -> ServiceRating:
    """Record the enterprise's rating (1–5) of a completed project; once per project."""
    enterprise_id = project.enterprise_id
    role = role_of(by)
    if (
        by is not None
        and role is not Role.ADMIN
        and (role is not Role.ENTERPRISE or _account_ids(by)[1] != enterprise_id)
    ):
        raise NotAllowed(_("只有项目所属企业可以评价服务"))
    if enterprise_id is None:
        raise EngagementError(_("项目“%(title)s”没有关联企业，无法评价") % {"title": project})
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise EngagementError(_("评分：须为1到5的整数"))
    if not is_completed(project):
        raise EngagementError(
            _("项目“%(title)s”尚未完成（验收），完成后才能评价") % {"title": project.title}
        )
    if ServiceRating.objects.filter(project=project).exists():
        raise EngagementError(_("项目“%(title)s”已经评价过") % {"title": project.title})
    rating = ServiceRating.objects.create(
        project=project,
        demand=project.demand,
        enterprise_id=enterprise_id,
        score=score,
        comment=(comment or "").strip(),
        created_by=by if getattr(by, "pk", None) else None,
    )
    # The new rating itself is recorded by the audit app's model signals.
    return rating
