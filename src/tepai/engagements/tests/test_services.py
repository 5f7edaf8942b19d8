"""The proposal state machine, signing, demand review and rating, with their permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from tepai.audit.models import AuditEntry
from tepai.demands.models import DemandStatus, DemandTransition
from tepai.engagements import services
from tepai.engagements.models import (
    DeclineReason,
    Proposal,
    ProposalStatus,
    Response,
    ServiceRating,
)
from tepai.engagements.services import EngagementError, NotAllowed, Party
from tepai.engagements.tests.conftest import World, make_demand
from tepai.projects.models import ContractState, Project, ProjectKind, ProjectStatus

pytestmark = pytest.mark.django_db


def _propose(world: World, **kwargs: Any) -> Proposal:
    return services.propose(world.demand, world.commissioner, world.admin, **kwargs)


def test_propose_scores_explains_and_moves_the_demand_to_matching(world: World) -> None:
    proposal = _propose(world)
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.MATCHING
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.score > 0
    assert proposal.explanation.startswith("推荐周印染：")
    assert proposal.matched_terms
    assert proposal.created_by == world.admin
    last = DemandTransition.objects.filter(demand=world.demand).last()
    assert last is not None
    assert (last.from_status, last.to_status, last.by) == ("published", "matching", world.admin)
    assert AuditEntry.objects.filter(action="proposal", object_id=str(proposal.pk)).exists()


def test_propose_refuses_wrong_states_duplicates_and_non_admins(world: World) -> None:
    draft = make_demand(world.enterprise, DemandStatus.PENDING_REVIEW, title="待审核的需求")
    with pytest.raises(EngagementError, match="当前为“待审核”，只有已发布或对接中的需求可以推荐"):
        services.propose(draft, world.commissioner, world.admin, score=0.5)
    _propose(world, score=0.5)
    with pytest.raises(EngagementError, match="已有待答复的推荐"):
        _propose(world, score=0.5)
    with pytest.raises(NotAllowed, match="只有管理员可以推荐对接"):
        services.propose(world.demand, world.other_commissioner, world.commissioner_user, score=1)


def test_the_database_keeps_one_open_proposal_per_pair(world: World) -> None:
    Proposal.objects.create(demand=world.demand, commissioner=world.commissioner)
    Proposal.objects.create(
        demand=world.demand, commissioner=world.commissioner, status=ProposalStatus.DECLINED
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(demand=world.demand, commissioner=world.commissioner)


def test_propose_refuses_the_enterprises_own_staff(world: World) -> None:
    world.commissioner.institution.name = world.enterprise.name
    world.commissioner.institution.save()
    with pytest.raises(EngagementError, match="存在利益冲突"):
        _propose(world)


def test_commissioner_then_enterprise_accepting_records_a_draft_contract(world: World) -> None:
    world.demand.budget = 30
    world.demand.save()
    proposal = _propose(world, score=0.8)
    proposal = services.respond(proposal, Party.COMMISSIONER, True, by=world.commissioner_user)
    assert proposal.status == ProposalStatus.COMMISSIONER_ACCEPTED
    assert proposal.commissioner_response == Response.ACCEPTED
    assert proposal.commissioner_responded_at is not None
    assert proposal.project is None
    proposal = services.respond(proposal, Party.ENTERPRISE, True, by=world.enterprise_user)
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.enterprise_responded_at is not None
    project = proposal.project
    assert project is not None
    assert project.kind == ProjectKind.SERVICE_CONTRACT  # 技术服务 → 技术服务合同
    assert (project.demand, project.enterprise) == (world.demand, world.enterprise)
    assert list(project.commissioners.all()) == [world.commissioner]
    # A draft (issue 11): no amount (the budget is not the contract's), not counted, and the
    # demand waits in 对接中 until an administrator confirms the completed contract.
    assert project.amount is None
    assert project.state == ContractState.DRAFT
    assert (project.client_party, project.contractor_party) == (
        world.enterprise.name,
        world.commissioner.institution.name,
    )
    assert project.status == ProjectStatus.SIGNED
    assert project.batch is not None and project.batch.name == "第二批"
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.MATCHING


def test_enterprise_first_then_commissioner_also_signs(world: World) -> None:
    world.demand.collaboration_mode = "joint_rd"
    world.demand.save()
    proposal = _propose(world, score=0.8)
    proposal = services.respond(proposal, "enterprise", True, by=world.enterprise_user)
    assert proposal.status == ProposalStatus.ENTERPRISE_ACCEPTED
    proposal = services.respond(proposal, "commissioner", True, by=world.commissioner_user)
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.project is not None
    assert proposal.project.kind == ProjectKind.DEVELOPMENT_CONTRACT


def test_a_second_member_joins_the_signed_project(world: World) -> None:
    first = _propose(world, score=0.8)
    second = services.propose(world.demand, world.other_commissioner, world.admin, score=0.3)
    for proposal, user in (
        (first, world.commissioner_user),
        (second, world.other_commissioner_user),
    ):
        services.respond(proposal, Party.COMMISSIONER, True, by=user)
        services.respond(proposal, Party.ENTERPRISE, True, by=world.enterprise_user)
    assert Project.objects.count() == 1
    project = Project.objects.get()
    assert set(project.commissioners.all()) == {world.commissioner, world.other_commissioner}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.project == second.project == project


def test_declining_needs_a_reason_and_frees_the_demand(world: World) -> None:
    proposal = _propose(world, score=0.8)
    with pytest.raises(EngagementError, match="拒绝原因：请从列表中选择一项"):
        services.respond(proposal, Party.ENTERPRISE, False, by=world.enterprise_user)
    with pytest.raises(EngagementError, match="选择“其他”时请写明原因"):
        services.respond(proposal, Party.ENTERPRISE, False, DeclineReason.OTHER, "  ")
    proposal = services.respond(
        proposal, Party.ENTERPRISE, False, DeclineReason.HAS_PARTNER, "已与本地公司合作"
    )
    assert proposal.status == ProposalStatus.DECLINED
    assert (proposal.decline_reason, proposal.decline_text) == ("has_partner", "已与本地公司合作")
    assert proposal.enterprise_response == Response.DECLINED
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.PUBLISHED
    # Closed proposals take no further answer.
    with pytest.raises(EngagementError, match="这条推荐已拒绝，不能再答复"):
        services.respond(proposal, Party.COMMISSIONER, True)


def test_declining_keeps_the_demand_matching_while_another_proposal_is_open(world: World) -> None:
    first = _propose(world, score=0.8)
    services.propose(world.demand, world.other_commissioner, world.admin, score=0.3)
    services.respond(first, Party.COMMISSIONER, False, DeclineReason.SCHEDULE)
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.MATCHING


def test_a_party_answers_once(world: World) -> None:
    proposal = _propose(world, score=0.8)
    services.respond(proposal, Party.COMMISSIONER, True)
    with pytest.raises(EngagementError, match="特派员已答复过这条推荐"):
        services.respond(proposal, Party.COMMISSIONER, False, DeclineReason.SCHEDULE)


def test_nobody_answers_for_someone_else(world: World) -> None:
    proposal = _propose(world, score=0.8)
    with pytest.raises(NotAllowed, match="不能以特派员身份答复"):
        services.respond(proposal, Party.COMMISSIONER, True, by=world.other_commissioner_user)
    with pytest.raises(NotAllowed, match="不能以企业身份答复"):
        services.respond(proposal, Party.ENTERPRISE, True, by=world.other_enterprise_user)
    with pytest.raises(NotAllowed):
        services.respond(proposal, Party.ENTERPRISE, True, by=world.commissioner_user)
    with pytest.raises(NotAllowed):
        services.respond(proposal, Party.COMMISSIONER, True, by=world.auditor)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    # An administrator records an answer given by telephone.
    services.respond(proposal, Party.ENTERPRISE, True, by=world.admin)


def test_accepting_on_a_closed_demand_is_refused(world: World) -> None:
    proposal = _propose(world, score=0.8)
    world.demand.refresh_from_db()
    world.demand.transition_to(DemandStatus.CLOSED)
    with pytest.raises(EngagementError, match="当前为“已关闭”，不能接受推荐"):
        services.respond(proposal, Party.COMMISSIONER, True)


def test_withdrawing(world: World) -> None:
    proposal = _propose(world, score=0.8)
    with pytest.raises(NotAllowed):
        services.withdraw(proposal, world.enterprise_user)
    proposal = services.withdraw(proposal, world.admin)
    assert proposal.status == ProposalStatus.WITHDRAWN
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.PUBLISHED
    with pytest.raises(EngagementError, match="这条推荐已撤回，不能撤回"):
        services.withdraw(proposal, world.admin)
    # A withdrawn pair can be proposed again.
    assert _propose(world, score=0.8).status == ProposalStatus.PENDING


def test_submit_and_review(world: World) -> None:
    demand = make_demand(world.enterprise, DemandStatus.DRAFT, title="棉纺新需求")
    services.submit_demand(demand, world.enterprise_user)
    assert demand.status == DemandStatus.PENDING_REVIEW
    with pytest.raises(EngagementError, match="只有草稿（含退回修改的）可以提交审核"):
        services.submit_demand(demand, world.enterprise_user)
    with pytest.raises(NotAllowed, match="只有管理员可以审核需求"):
        services.review(demand, True, world.enterprise_user)
    with pytest.raises(EngagementError, match="退回说明"):
        services.review(demand, False, world.admin, "")
    demand = services.review(demand, False, world.admin, "请补充目标指标")
    assert demand.status == DemandStatus.DRAFT
    returned = demand.transitions.last()
    assert returned is not None and returned.note == "请补充目标指标"
    services.submit_demand(demand, world.enterprise_user)
    demand = services.review(demand, True, world.admin)
    assert demand.status == DemandStatus.PUBLISHED
    with pytest.raises(EngagementError, match="不在待审核队列中"):
        services.review(demand, True, world.admin)


def test_rating_a_completed_project_once(world: World) -> None:
    proposal = _propose(world, score=0.8)
    services.respond(proposal, Party.COMMISSIONER, True)
    proposal = services.respond(proposal, Party.ENTERPRISE, True)
    project = proposal.project
    assert project is not None
    with pytest.raises(EngagementError, match="尚未完成"):
        services.rate(project, world.enterprise_user, 5)
    project.status = ProjectStatus.ACCEPTED
    project.save()
    with pytest.raises(NotAllowed):
        services.rate(project, world.other_enterprise_user, 5)
    for bad in (0, 6, "5", True):
        with pytest.raises(EngagementError, match="评分：须为1到5的整数"):
            services.rate(project, world.enterprise_user, bad)  # type: ignore[arg-type]
    rating = services.rate(project, world.enterprise_user, 4, " 响应及时 ")
    assert (rating.score, rating.comment, rating.enterprise) == (4, "响应及时", world.enterprise)
    with pytest.raises(EngagementError, match="已经评价过"):
        services.rate(project, world.enterprise_user, 5)


def test_the_database_refuses_ratings_outside_one_to_five(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRating.objects.create(demand=world.demand, enterprise=world.enterprise, score=6)


def test_a_half_accepted_proposal_can_still_be_declined_by_the_other_party(world: World) -> None:
    proposal = _propose(world, score=0.8)
    proposal = services.respond(proposal, Party.COMMISSIONER, True)
    assert proposal.status == ProposalStatus.COMMISSIONER_ACCEPTED
    proposal = services.respond(proposal, Party.ENTERPRISE, False, DeclineReason.BUDGET)
    assert proposal.status == ProposalStatus.DECLINED
    assert (proposal.commissioner_response, proposal.enterprise_response) == (
        Response.ACCEPTED,
        Response.DECLINED,
    )
    assert proposal.project is None
    world.demand.refresh_from_db()
    assert world.demand.status == DemandStatus.PUBLISHED
    assert not Project.objects.exists()
