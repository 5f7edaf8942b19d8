"""Demand lists: compose, publish, assign globally (feasible and not), confirm into proposals."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tepai.audit.models import AuditEntry
from tepai.commissioners.models import WorkItem, WorkItemKind
from tepai.demands.models import DemandList, DemandStatus
from tepai.engagements import services
from tepai.engagements.assignment import confirm_pairs, parse_pairs, run_assignment
from tepai.engagements.models import Proposal, ProposalSource
from tepai.engagements.services import EngagementError
from tepai.engagements.tests.conftest import World, make_demand
from tepai.testing.factories import make_commissioner

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand_list(world: World) -> DemandList:
    cotton = make_commissioner(name="棉纺专家", research_fields=["棉纺织", "纺纱工艺"])
    WorkItem.objects.create(
        commissioner=cotton, kind=WorkItemKind.PROJECT, title="高支棉纱纺纱工艺优化"
    )
    spinning = make_demand(
        world.enterprise, title="棉纱断头率高", problem="纺纱工艺落后，高支棉纱断头率高"
    )
    pending = make_demand(world.enterprise, DemandStatus.PENDING_REVIEW, title="未审核的需求")
    listing = DemandList.objects.create(name="2024年工业领域重大科技攻关需求")
    listing.demands.add(world.demand, spinning, pending)
    return listing


def _admin(world: World) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def test_assignment_pairs_each_reviewed_demand_with_its_best_commissioner(
    world: World, demand_list: DemandList
) -> None:
    run = run_assignment(demand_list, max_load=1, per_demand_min=1, per_demand_max=1)
    assert run.feasible, run.reasons
    pairs = {(p.demand.title, p.commissioner.name) for p in run.pairings}
    assert pairs == {("印染车间数字化改造", "周印染"), ("棉纱断头率高", "棉纺专家")}
    for pairing in run.pairings:
        assert pairing.explanation.startswith(f"推荐{pairing.commissioner.name}：")
        assert pairing.score > 0
    assert run.objective == pytest.approx(sum(p.score for p in run.pairings))


def test_infeasible_constraints_come_back_as_reasons(world: World, demand_list: DemandList) -> None:
    run = run_assignment(demand_list, max_load=1, per_demand_min=4, per_demand_max=4)
    assert not run.feasible and not run.pairings
    assert any("至少需要 4 名专家" in reason for reason in run.reasons)
    assert any("《印染车间数字化改造》" in reason for reason in run.reasons)


def test_open_proposals_count_and_are_not_offered_again(
    world: World, demand_list: DemandList
) -> None:
    services.propose(world.demand, world.commissioner, world.admin, score=0.9)
    run = run_assignment(demand_list, max_load=1, per_demand_min=1, per_demand_max=1)
    assert run.feasible, run.reasons
    assert [p.demand.title for p in run.pairings] == ["棉纱断头率高"]
    assert run.already_open == {world.demand.pk: 1}


def test_confirming_creates_assignment_proposals_all_or_nothing(
    world: World, demand_list: DemandList
) -> None:
    run = run_assignment(demand_list, max_load=1, per_demand_min=1, per_demand_max=1)
    keys = [p.key for p in run.pairings]
    with pytest.raises(EngagementError, match="不是本批次中待对接的需求"):
        confirm_pairs(demand_list, [*parse_pairs(keys), (999_999, world.commissioner.pk)], None)
    assert not Proposal.objects.exists()
    created = confirm_pairs(demand_list, parse_pairs(keys), world.admin)
    assert len(created) == 2
    for proposal in created:
        assert proposal.source == ProposalSource.ASSIGNMENT
        assert proposal.demand_list == demand_list
        assert proposal.demand.status == DemandStatus.MATCHING
        assert proposal.explanation
    assert AuditEntry.objects.filter(action="assignment", object_id=str(demand_list.pk)).exists()
    with pytest.raises(EngagementError, match="格式不正确"):
        parse_pairs(["12-3"])


def test_the_pages_compose_publish_assign_and_confirm(world: World) -> None:
    client = _admin(world)
    response = client.post(
        reverse("engagements:lists"), {"name": "秋季需求发布", "demands": [world.demand.pk]}
    )
    listing = DemandList.objects.get(name="秋季需求发布")
    assert response.status_code == 302
    assert list(listing.demands.all()) == [world.demand]
    assign = reverse("engagements:list-assign", args=[listing.pk])
    assert client.get(assign).status_code == 302  # not published yet
    client.post(reverse("engagements:list-publish", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.published_on is not None
    query = {"max_load": "1", "per_demand_min": "1", "per_demand_max": "1"}
    page = client.get(assign, query).content.decode()
    assert "周印染" in page and "确认并创建推荐对接" in page
    infeasible = client.get(assign, {**query, "per_demand_min": "3", "per_demand_max": "3"})
    assert "无法满足全部约束" in infeasible.content.decode()
    assert "至少需要 3 名专家" in infeasible.content.decode()
    # Drop the solver's pair, add one by hand.
    response = client.post(
        reverse("engagements:list-confirm", args=[listing.pk]),
        {"add_demand_0": world.demand.pk, "add_person_0": world.other_commissioner.pk, **query},
        follow=True,
    )
    assert "已创建 1 条推荐对接" in response.content.decode()
    proposal = Proposal.objects.get()
    assert proposal.commissioner == world.other_commissioner
    assert proposal.source == ProposalSource.ASSIGNMENT


def test_composing_offers_only_reviewed_demands(world: World) -> None:
    pending = make_demand(world.enterprise, DemandStatus.PENDING_REVIEW, title="未审核")
    response = _admin(world).post(
        reverse("engagements:lists"), {"name": "不应创建", "demands": [pending.pk]}
    )
    assert response.status_code == 200
    assert not DemandList.objects.filter(name="不应创建").exists()
