"""A small programme for API tests: one record of each kind per owner, and a user per role.

The commissioner user is ``world.me`` and the enterprise user ``world.mine``; every registry
has records of theirs and records of others, so each test can check both sides of a rule.

Not the shared world (:mod:`tepai.testing.world`): these tests assert its names and phones
(张特派, 138****5678) and exact scoped lists (an enterprise sees exactly one demand of its own),
which the shared world's records would change.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.activities.models import Activity, ActivityKind
from tepai.api.tokens import issue_token
from tepai.cases.models import Case
from tepai.commissioners.models import Commissioner, WorkItem
from tepai.demands.models import Demand, DemandStatus
from tepai.enterprises.models import Enterprise
from tepai.events.models import Event, EventKind
from tepai.institutions.models import Institution
from tepai.outcomes.models import CooperationIntent, Outcome
from tepai.programs.models import Batch, InnovationCentre, Team
from tepai.projects.models import Project
from tepai.testing.factories import (
    make_activity,
    make_batch,
    make_commissioner,
    make_enterprise,
    make_institution,
    make_project,
)

ROLES = ("admin", "commissioner", "enterprise", "auditor")


@dataclass
class World:
    institution: Institution
    batch: Batch
    team: Team
    centre: InnovationCentre
    event: Event
    me: Commissioner
    colleague: Commissioner
    mine: Enterprise
    other: Enterprise
    demand_mine: Demand  # draft of my enterprise
    demand_published: Demand  # another enterprise's, published
    demand_other_draft: Demand  # another enterprise's draft
    outcome: Outcome  # owned by me
    intent_mine: CooperationIntent
    intent_other: CooperationIntent
    project_mine: Project  # me with my enterprise
    project_other: Project
    activity_mine: Activity  # me at my enterprise
    activity_other: Activity
    case: Case
    users: dict[str, Any] = field(default_factory=dict)
    # A completed draft contract waiting for confirmation (issue 11); nobody's own, so the
    # scoped lists of the other tests do not change.
    project_draft: Project | None = None

    def client(self, role: str | None, *, token: bool = False, csrf: bool = False) -> ApiClient:
        """Return a client signed in as ``role`` (None: anonymous), by session or token."""
        if role is None:
            return ApiClient(Client(enforce_csrf_checks=csrf))
        user = self.users[role]
        if token:
            _, raw = issue_token(user, "tests")
            return ApiClient(Client(), headers={"Authorization": f"Bearer {raw}"})
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(user)
        return ApiClient(client)


class ApiClient:
    """A test client that sends and parses JSON."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None) -> None:
        self.django = client
        self.headers = headers or {}

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.django.get(path, params or {}, headers={**self.headers, **headers})

    def send(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        call = getattr(self.django, method.lower())
        data = json.dumps(body if body is not None else {})
        return call(
            path, data, content_type="application/json", headers={**self.headers, **headers}
        )

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.send("POST", path, body, **headers)

    def patch(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.send("PATCH", path, body, **headers)


def make_user(role: str, **account: Any) -> Any:
    # No password: tests sign in with force_login or a token, and hashing one costs ~0.3 s.
    user = get_user_model().objects.create_user(username=f"{role}-user", first_name=role)
    Account.objects.create(user=user, role=Role(role), **account)
    return user


def build_world() -> World:
    institution = make_institution("浙江测试大学", province="浙江")
    batch = make_batch()
    team = Team.objects.create(name="纺织团", batch=batch, cluster="cotton_textile")
    centre = InnovationCentre.objects.create(
        name="纺织服装创新中心", cluster="cotton_textile", batch=batch, lead_institution=institution
    )
    event = Event.objects.create(
        name="成果路演", kind=EventKind.ROADSHOW, date=datetime.date(2024, 6, 1), batch=batch
    )
    me = make_commissioner(
        batch=batch,
        institution=institution,
        name="张特派",
        phone="13812345678",
        email="zhang@example.com",
        bio="棉纺织工艺与设备改造",
    )
    me.teams.add(team)
    me.centres.add(centre)
    WorkItem.objects.create(commissioner=me, kind="paper", title="棉纺除尘研究", year=2020)
    colleague = make_commissioner(
        batch=batch, name="李同事", phone="13987654321", email="li@example.com"
    )
    mine = make_enterprise(
        "阿克苏我的纺织有限公司", contact_phone="13711112222", contact_email="boss@mine.cn"
    )
    other = make_enterprise(
        "阿克苏别家纺织有限公司", contact_phone="13633334444", contact_email="boss@other.cn"
    )
    demand_mine = Demand.objects.create(
        enterprise=mine,
        title="梳棉机除尘改造",
        problem="梳棉车间柳絮糊住散热片",
        cluster="cotton_textile",
    )
    demand_published = Demand.objects.create(
        enterprise=other,
        title="印染废水处理",
        problem="印染废水色度高",
        status=DemandStatus.PUBLISHED,
    )
    demand_other_draft = Demand.objects.create(
        enterprise=other, title="草稿需求", problem="尚未提交"
    )
    outcome = Outcome.objects.create(title="高效除尘装置", description="一种除尘装置")
    outcome.owners.add(me)
    intent_mine = CooperationIntent.objects.create(
        outcome=outcome, enterprise=mine, date=datetime.date(2024, 6, 1)
    )
    intent_other = CooperationIntent.objects.create(
        outcome=outcome, enterprise=other, date=datetime.date(2024, 6, 2)
    )
    project_mine = make_project(commissioners=[me], enterprise=mine, batch=batch)
    project_other = make_project(commissioners=[colleague], enterprise=other, batch=batch)
    activity_mine = make_activity(
        ActivityKind.ENTERPRISE_SERVICE, commissioners=[me], enterprises=[mine], batch=batch
    )
    activity_other = make_activity(commissioners=[colleague], enterprises=[other], batch=batch)
    case = Case.objects.create(title="除尘改造案例", body="改造后效率提升", batch=batch)
    case.projects.add(project_mine)
    world = World(
        institution=institution,
        batch=batch,
        team=team,
        centre=centre,
        event=event,
        me=me,
        colleague=colleague,
        mine=mine,
        other=other,
        demand_mine=demand_mine,
        demand_published=demand_published,
        demand_other_draft=demand_other_draft,
        outcome=outcome,
        intent_mine=intent_mine,
        intent_other=intent_other,
        project_mine=project_mine,
        project_other=project_other,
        activity_mine=activity_mine,
        activity_other=activity_other,
        case=case,
    )
    world.project_draft = make_project(
        state="draft", amount=12, client_party=other.name, contractor_party=institution.name
    )
    world.users = {
        "admin": make_user("admin"),
        "commissioner": make_user("commissioner", commissioner=me),
        "enterprise": make_user("enterprise", enterprise=mine),
        "auditor": make_user("auditor"),
    }
    return world
