"""Who sees which waiting work, counted and listed by tepai.todo.service."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tepai.accounts.roles import role_of
from tepai.demands.models import Demand, DemandStatus
from tepai.engagements import services
from tepai.engagements.models import ProposalStatus
from tepai.engagements.services import Party, respond
from tepai.projects.models import ContractState, Project
from tepai.todo.providers import ANSWER_DAYS, PROVIDERS
from tepai.todo.service import counts_for, groups_for

from .conftest import World, make_demand, propose

pytestmark = pytest.mark.django_db


def kinds(user: Any) -> dict[str, list[str]]:
    return {group.kind: [item.key for item in group.items] for group in groups_for(user)}


def test_it_lists_a_pending_proposal_for_both_parties_until_each_answers(world: World) -> None:
    proposal = propose(world.demand, world.me)
    key = f"proposal-answer:{proposal.pk}"
    assert kinds(world.commissioner) == {"proposal-answer": [key]}
    assert kinds(world.enterprise) == {"proposal-answer": [key]}
    # Nobody else is asked.
    assert kinds(world.other_commissioner) == {}
    assert kinds(world.other_enterprise) == {}
    assert kinds(world.auditor) == {}

    proposal.commissioner_response = "accepted"
    proposal.status = ProposalStatus.COMMISSIONER_ACCEPTED
    proposal.save()
    assert kinds(world.commissioner) == {}
    assert kinds(world.enterprise) == {"proposal-answer": [key]}


def test_the_item_answers_in_one_click_from_the_workspace(world: World) -> None:
    proposal = propose(world.demand, world.me)
    (group,) = groups_for(world.commissioner)
    (item,) = group.items
    assert item.proposal == proposal
    assert item.url == f"/me/#proposal-{proposal.pk}"
    assert not item.overdue


def test_admins_see_the_review_queue_oldest_first(world: World) -> None:
    first = make_demand(world.mine, "第一条", status=DemandStatus.PENDING_REVIEW)
    second = make_demand(world.theirs, "第二条", status=DemandStatus.PENDING_REVIEW)
    Demand.objects.filter(pk=first.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert kinds(world.admin)["demand-review"] == [
        f"demand-review:{first.pk}",
        f"demand-review:{second.pk}",
    ]
    assert "demand-review" not in kinds(world.enterprise)


def test_overdue_demands_admins_all_enterprises_their_own(world: World) -> None:
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    late_mine = make_demand(world.mine, "逾期的", deadline=yesterday)
    late_theirs = make_demand(
        world.theirs, "逾期对接中", deadline=yesterday, status=DemandStatus.MATCHING
    )
    make_demand(world.mine, "今天截止", deadline=today)
    make_demand(world.mine, "已签约", deadline=yesterday, status=DemandStatus.SIGNED)
    make_demand(world.mine, "待审核", deadline=yesterday, status=DemandStatus.PENDING_REVIEW)
    assert set(kinds(world.admin)["demand-overdue"]) == {
        f"demand-overdue:{late_mine.pk}",
        f"demand-overdue:{late_theirs.pk}",
    }
    assert kinds(world.enterprise)["demand-overdue"] == [f"demand-overdue:{late_mine.pk}"]
    assert kinds(world.other_enterprise)["demand-overdue"] == [f"demand-overdue:{late_theirs.pk}"]
    assert "demand-overdue" not in kinds(world.commissioner)
    assert late_mine.is_overdue and not Demand.objects.get(title="今天截止").is_overdue


def test_proposals_waiting_too_long_are_overdue(world: World) -> None:
    fresh = propose(world.demand, world.me, days_ago=ANSWER_DAYS)
    late = propose(make_demand(world.mine, "另一条"), world.me, days_ago=ANSWER_DAYS + 1)
    assert kinds(world.admin)["proposal-overdue"] == [f"proposal-overdue:{late.pk}"]
    (group,) = groups_for(world.commissioner)
    overdue = {item.key: item.overdue for item in group.items}
    assert overdue == {f"proposal-answer:{late.pk}": True, f"proposal-answer:{fresh.pk}": False}


def test_a_limit_lists_the_first_items_and_counts_all(world: World) -> None:
    for number in range(4):
        make_demand(world.mine, f"待审{number}", status=DemandStatus.PENDING_REVIEW)
    (group,) = groups_for(world.admin, limit=2)
    assert (group.count, len(group.items), group.hidden) == (4, 2, 2)


@pytest.mark.parametrize("role", ["admin", "commissioner", "enterprise", "auditor"])
def test_the_badge_costs_a_few_queries_once_per_request(world: World, role: str) -> None:
    user = getattr(world, role)
    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        first = counts_for(request)
        again = counts_for(request)
    assert first == again
    # A COUNT per provider of the role and one for unread reminders, however many records
    # wait.
    providers = [p for p in PROVIDERS if role_of(user) in p.roles]
    assert len(queries) <= len(providers) + 1


def test_a_draft_contract_waits_for_the_admin_and_its_enterprise_only(world: World) -> None:
    proposal = services.propose(world.demand, world.me, world.admin, score=0.8)
    respond(proposal, Party.COMMISSIONER, True, by=world.commissioner)
    draft = respond(proposal, Party.ENTERPRISE, True, by=world.enterprise).project
    assert draft is not None
    key = f"contract-confirm:{draft.pk}"
    assert kinds(world.admin)["contract-confirm"] == [key]
    assert kinds(world.enterprise)["contract-confirm"] == [key]
    for other in (world.other_enterprise, world.commissioner, world.auditor):
        assert "contract-confirm" not in kinds(other)
    Project.objects.filter(pk=draft.pk).update(state=ContractState.CONFIRMED)
    assert "contract-confirm" not in kinds(world.admin)
