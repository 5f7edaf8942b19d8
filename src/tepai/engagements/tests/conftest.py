"""Personas and records for the engagement tests: one of each role, plus outsiders.

Not the shared world (:mod:`tepai.testing.world`): matching and assignment rank every
commissioner and published demand in the database, and these tests expect exactly these (the
shared world's 张三 works on 印染 and 棉纺织 and would compete for their demands); the profile
tests also count these commissioners' own fields and work items.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import override_settings

from tepai.accounts.roles import Role
from tepai.commissioners.models import Commissioner, WorkItem, WorkItemKind
from tepai.demands.models import CollaborationMode, Demand, DemandStatus
from tepai.enterprises.models import Enterprise
from tepai.recommender import live
from tepai.testing.factories import make_batch, make_commissioner, make_enterprise
from tepai.testing.world import make_user as make_user  # some tests import it from here


@pytest.fixture(autouse=True)
def _hashing_encoder() -> Iterator[None]:
    live.reset()
    with override_settings(TEPAI_MATCH_ENCODER="hashing"):
        yield
    live.reset()


def make_demand(
    enterprise: Enterprise, status: str = DemandStatus.PUBLISHED, **fields: Any
) -> Demand:
    values: dict[str, Any] = {
        "title": "印染车间数字化改造",
        "problem": "印染工艺依赖老师傅经验，染色一次合格率低",
        "target": "一次染色合格率提高到95%",
        "collaboration_mode": CollaborationMode.SERVICE,
        "status": status,
    }
    values.update(fields)
    return Demand.objects.create(enterprise=enterprise, **values)


@dataclass
class World:
    commissioner: Commissioner
    other_commissioner: Commissioner
    enterprise: Enterprise
    other_enterprise: Enterprise
    demand: Demand
    admin: Any
    auditor: Any
    commissioner_user: Any
    other_commissioner_user: Any
    enterprise_user: Any
    other_enterprise_user: Any
    nobody: Any


@pytest.fixture
def world(db: None) -> World:
    batch = make_batch()
    commissioner = make_commissioner(
        name="周印染", batch=batch, research_fields=["印染工艺", "染色自动化"], phone="13812341234"
    )
    WorkItem.objects.create(
        commissioner=commissioner,
        kind=WorkItemKind.PROJECT,
        title="印染车间在线测色与染色自动化",
        text="数字化印染，提高一次染色合格率",
    )
    other = make_commissioner(name="林果树", research_fields=["林果栽培"])
    enterprise = make_enterprise("阿克苏印染有限公司")
    other_enterprise = make_enterprise("温宿红枣合作社")
    return World(
        commissioner=commissioner,
        other_commissioner=other,
        enterprise=enterprise,
        other_enterprise=other_enterprise,
        demand=make_demand(enterprise),
        admin=make_user("clerk", Role.ADMIN),
        auditor=make_user("auditor", Role.AUDITOR),
        commissioner_user=make_user("zhou", Role.COMMISSIONER, commissioner=commissioner),
        other_commissioner_user=make_user("lin", Role.COMMISSIONER, commissioner=other),
        enterprise_user=make_user("yinran", Role.ENTERPRISE, enterprise=enterprise),
        other_enterprise_user=make_user("hongzao", Role.ENTERPRISE, enterprise=other_enterprise),
        nobody=make_user("nobody", None),
    )
