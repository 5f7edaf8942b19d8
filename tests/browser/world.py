"""A small programme for the browser flows: one user per role and records worth matching.

Not the shared world (:mod:`tepai.testing.world`): the flows expect these names (the enterprise
阿克苏华纺印染有限公司) and fields (张三 dyeing, 李四 fruit: a search for 印染 finds only 张三).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from tepai.accounts.roles import Role
from tepai.commissioners.models import Commissioner, WorkItem, WorkItemKind
from tepai.core.choices import IndustryCluster
from tepai.enterprises.models import Enterprise
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_batch, make_commissioner, make_enterprise, make_institution

from .conftest import PASSWORD


@dataclass
class World:
    admin: Any
    auditor: Any
    commissioner: Any
    enterprise: Any
    me: Commissioner
    mine: Enterprise


def build_world() -> World:
    """Return a batch with a textile-dyeing expert, a fruit expert and a textile enterprise."""
    batch = make_batch("第二批", datetime.date(2024, 4, 24), host_region="新疆阿克苏地区")
    institution = make_institution("浙江理工大学", province="浙江")
    me = make_commissioner(
        batch=batch,
        institution=institution,
        name="张三",
        title="教授",
        phone="13800001234",
        research_fields=["印染", "废水处理", "染色工艺"],
        bio="长期从事纺织印染废水深度处理和活性染料染色工艺研究，服务多家棉纺印染企业。",
    )
    WorkItem.objects.create(
        commissioner=me,
        kind=WorkItemKind.PROJECT,
        title="印染废水脱色与回用关键技术",
        text="开发了印染废水高效脱色和中水回用工艺，色度去除率超过95%。",
        year=2022,
    )
    fruit = make_commissioner(
        batch=batch,
        institution=make_institution("新疆农业大学", province="新疆"),
        name="李四",
        research_fields=["果品保鲜", "冷链物流"],
        bio="研究红枣、苹果等果品的采后保鲜与冷链物流。",
    )
    WorkItem.objects.create(
        commissioner=fruit, kind=WorkItemKind.PAPER, title="红枣采后保鲜技术", year=2021
    )
    mine = make_enterprise(
        "阿克苏华纺印染有限公司",
        cluster=IndustryCluster.COTTON_TEXTILE,
        contact_name="王经理",
        contact_phone="13700001111",
    )
    return World(
        admin=make_user(Role.ADMIN, username="admin", password=PASSWORD),
        auditor=make_user(Role.AUDITOR, username="auditor", password=PASSWORD),
        commissioner=make_user(
            Role.COMMISSIONER, username="zhangsan", password=PASSWORD, commissioner=me
        ),
        enterprise=make_user(
            Role.ENTERPRISE, username="huafang", password=PASSWORD, enterprise=mine
        ),
        me=me,
        mine=mine,
    )
