"""The API tests' world: the shared seeded programme under the names these tests use.

:func:`build_world` builds :mod:`tepai.testing.world` and names its records as the API tests
read them (``world.me`` is 张三, ``world.mine`` his enterprise's, ``world.other`` the other
enterprise); every registry has records of theirs and records of others, so each test can
check both sides of a rule. Added here, for the rules only the API tests check: the other
enterprise's published demand and draft, and a draft contract that is nobody's own.

Scoped lists are compared with the records the world made for that user (``world.demands``,
``world.base``), not with counts, so adding a record to the shared world changes no test here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tepai.activities.models import Activity
from tepai.api.tokens import issue_token
from tepai.cases.models import Case
from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand, DemandStatus
from tepai.enterprises.models import Enterprise
from tepai.events.models import Event
from tepai.institutions.models import Institution
from tepai.outcomes.models import CooperationIntent, Outcome
from tepai.programs.models import Batch, InnovationCentre, Team
from tepai.projects.models import Project
from tepai.testing import world as shared
from tepai.testing.factories import make_project

ROLES = ("admin", "commissioner", "enterprise", "auditor")


@dataclass
class World:
    base: shared.World  # the shared programme, for the records not named below
    institution: Institution
    batch: Batch
    team: Team
    centre: InnovationCentre
    event: Event
    me: Commissioner
    colleague: Commissioner
    mine: Enterprise
    other: Enterprise
    demand_mine: Demand  # my enterprise's draft
    demand_published: Demand  # another enterprise's, published
    demand_other_draft: Demand  # another enterprise's draft
    outcome: Outcome  # owned by me
    intent_mine: CooperationIntent  # my enterprise's, on my outcome
    intent_other: CooperationIntent  # another enterprise's, on my outcome
    project_mine: Project  # me with my enterprise
    project_other: Project  # the colleague with the other enterprise
    activity_mine: Activity  # me at my enterprise
    activity_other: Activity  # the colleague's
    case: Case
    users: dict[str, Any]
    # A completed draft contract waiting for confirmation (issue 11); nobody's own, so the
    # scoped lists of the other tests do not change.
    project_draft: Project

    @property
    def demands(self) -> list[Demand]:
        """Every demand the world made: the shared world's and the two added here."""
        return [*self.base.demands.values(), self.demand_published, self.demand_other_draft]

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


def build_world() -> World:
    """Build the shared world, add what only the API tests need, and name the records."""
    base = shared.build_world()
    other = base.theirs
    return World(
        base=base,
        institution=base.institution,
        batch=base.batch,
        team=base.team,
        centre=base.centre,
        event=base.roadshow,
        me=base.me,
        colleague=base.colleague,
        mine=base.mine,
        other=other,
        demand_mine=base.demands["draft"],
        demand_published=Demand.objects.create(
            enterprise=other,
            title="印染废水处理",
            problem="印染废水色度高",
            status=DemandStatus.PUBLISHED,
        ),
        demand_other_draft=Demand.objects.create(
            enterprise=other, title="草稿需求", problem="尚未提交"
        ),
        outcome=base.outcomes["shown"],
        intent_mine=base.intents["signed"],
        intent_other=base.intents["transferred"],
        project_mine=base.projects["contract"],
        project_other=base.projects["development"],
        activity_mine=base.activities["service"],
        activity_other=base.activities["training_later"],
        case=base.case,
        users=base.users,
        project_draft=make_project(
            state="draft",
            amount=12,
            client_party=other.name,
            contractor_party=base.institution.name,
        ),
    )
