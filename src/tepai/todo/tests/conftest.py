"""The to-do tests' world: the shared seeded programme, whose users have nothing waiting.

:func:`world` builds :mod:`tepai.testing.world` (nothing in it waits for anyone: no proposal,
no demand under review or past its deadline, no draft contract, no service record to confirm)
and adds a user for its second commissioner, so each test finds exactly the items it adds.
``world.demand`` is the enterprise's published demand.
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
from tepai.testing import world as shared
from tepai.testing.accounts import make_user


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
    base: shared.World  # the shared programme, for the records not named below
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
    base = shared.build_world()
    users = base.users
    return World(
        base=base,
        admin=users["admin"],
        auditor=users["auditor"],
        commissioner=users["commissioner"],
        other_commissioner=make_user(
            Role.COMMISSIONER, username="lisi", commissioner=base.colleague
        ),
        enterprise=users["enterprise"],
        other_enterprise=users["other_enterprise"],
        me=base.me,
        mine=base.mine,
        theirs=base.theirs,
        demand=base.demands["published"],
    )
