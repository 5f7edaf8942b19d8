"""One user per role, a published demand of the enterprise, and a proposal helper.

Not the shared world (:mod:`tepai.testing.world`): a to-do list counts every open item in the
database, and these tests expect exactly the items they add (some an empty list).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from tepai.accounts.roles import Role
from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand, DemandStatus
from tepai.engagements.models import Proposal
from tepai.enterprises.models import Enterprise
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_commissioner, make_enterprise


def make_demand(enterprise: Enterprise, title: str, **fields: Any) -> Demand:
    values: dict[str, Any] = {"problem": "印染废水色度高", "status": DemandStatus.PUBLISHED}
    values.update(fields)
    return Demand.objects.create(enterprise=enterprise, title=title, **values)


def propose(demand: Demand, commissioner: Commissioner, days_ago: int = 0) -> Proposal:
    proposal = Proposal.objects.create(demand=demand, commissioner=commissioner)
    if days_ago:
        created = proposal.created_at - datetime.timedelta(days=days_ago)
        Proposal.objects.filter(pk=proposal.pk).update(created_at=created)
        proposal.refresh_from_db()
    return proposal


@dataclass
class World:
    admin: Any
    auditor: Any
    commissioner: Any
    other_commissioner: Any
    enterprise: Any
    other_enterprise: Any
    me: Commissioner
    mine: Enterprise
    theirs: Enterprise
    demand: Demand


@pytest.fixture
def world(db: None) -> World:
    me = make_commissioner(name="周印染", research_fields=["印染"])
    mine = make_enterprise("阿克苏印染有限公司")
    theirs = make_enterprise("温宿红枣合作社")
    return World(
        admin=make_user(Role.ADMIN, username="clerk"),
        auditor=make_user(Role.AUDITOR, username="auditor"),
        commissioner=make_user(Role.COMMISSIONER, username="zhou", commissioner=me),
        other_commissioner=make_user(Role.COMMISSIONER, username="lin"),
        enterprise=make_user(Role.ENTERPRISE, username="yinran", enterprise=mine),
        other_enterprise=make_user(Role.ENTERPRISE, username="hongzao", enterprise=theirs),
        me=me,
        mine=mine,
        theirs=theirs,
        demand=make_demand(mine, "印染废水脱色"),
    )
