"""Every list answers in a fixed number of queries, however many rows it returns (no N+1)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tepai.activities.models import ActivityKind
from tepai.api.tests.world import ROLES, World
from tepai.cases.models import Case
from tepai.commissioners.models import WorkItem
from tepai.core.registries import all_registries
from tepai.demands.models import Demand, DemandStatus
from tepai.events.models import Event, EventKind
from tepai.outcomes.models import CooperationIntent, Outcome
from tepai.programs.models import InnovationCentre, Team
from tepai.testing.factories import (
    make_activity,
    make_batch,
    make_commissioner,
    make_enterprise,
    make_institution,
    make_project,
)

# The registries the API serves.
REGISTRIES = tuple(registry for registry in all_registries() if registry.api is not None)

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def add_rows(world: World, count: int) -> None:
    """Add ``count`` related records to every registry, each visible to every role."""
    for _ in range(count):
        n = next(_numbers)
        institution = make_institution(f"批量大学{n}")
        batch = make_batch(f"批量批次{n}", datetime.date(2023, 1, n))
        team = Team.objects.create(name=f"批量团{n}", batch=batch)
        centre = InnovationCentre.objects.create(
            name=f"批量中心{n}", batch=batch, lead_institution=institution
        )
        event = Event.objects.create(
            name=f"批量活动{n}", kind=EventKind.SIGNING, date=datetime.date(2024, 3, n), batch=batch
        )
        person = make_commissioner(batch=batch, institution=institution, phone="13800001234")
        person.teams.add(team, world.team)
        person.centres.add(centre)
        WorkItem.objects.create(commissioner=person, kind="paper", title=f"论文{n}")
        enterprise = make_enterprise(f"批量企业{n}", contact_phone="13700001111")
        demand = Demand.objects.create(
            enterprise=world.mine,
            title=f"批量需求{n}",
            problem="…",
            status=DemandStatus.PUBLISHED,
        )
        outcome = Outcome.objects.create(
            title=f"批量成果{n}", description="…", institution=institution, roadshow_event=event
        )
        outcome.owners.add(world.me, person)
        CooperationIntent.objects.create(
            outcome=outcome, enterprise=world.mine, date=datetime.date(2024, 6, 1)
        )
        project = make_project(
            title=f"批量项目{n}",
            enterprise=world.mine,
            demand=demand,
            signing_event=event,
            batch=batch,
            commissioners=[world.me, person],
        )
        activity = make_activity(
            ActivityKind.TRAINING,
            batch=batch,
            commissioners=[world.me, person],
            enterprises=[world.mine, enterprise],
        )
        case = Case.objects.create(title=f"批量案例{n}", body="…", batch=batch)
        case.projects.add(project)
        case.activities.add(activity)


def _measure(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200, response.content
    return len(captured), response.json()["count"]


@pytest.mark.parametrize("role", ROLES)
def test_lists_make_the_same_number_of_queries_for_more_rows(world: World, role: str) -> None:
    client = world.client(role)
    urls = [f"/api/{registry.slug}/" for registry in REGISTRIES]
    add_rows(world, 1)
    before = {url: _measure(client, url) for url in urls}
    add_rows(world, 3)
    after = {url: _measure(client, url) for url in urls}
    for url in urls:
        assert after[url][0] == before[url][0], f"{url} as {role}: {before[url]} → {after[url]}"
    grown = [url for url in urls if after[url][1] > before[url][1]]
    if role in ("admin", "auditor"):
        assert grown == urls  # the check saw more rows everywhere


@pytest.mark.parametrize("registry", REGISTRIES, ids=lambda registry: registry.slug)
def test_detail_pages_make_a_fixed_number_of_queries(world: World, registry: Any) -> None:
    add_rows(world, 1)
    client = world.client("admin")
    record = registry.model._default_manager.order_by("-pk").first()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/api/{registry.slug}/{record.pk}").status_code == 200
    # Beyond the session's own statements: user, the second factor's device, account, the
    # record, and one query per prefetched relation.
    statements = [
        q["sql"]
        for q in captured
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    prefetched = len(registry.api.prefetch) + len(registry.api.detail_prefetch)
    assert len(statements) == 4 + prefetched, "\n".join(sql[:120] for sql in statements)
