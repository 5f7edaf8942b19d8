"""List pages make a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tepai.activities.models import ActivityKind
from tepai.demands.models import Demand
from tepai.outcomes.models import Outcome
from tepai.programs.models import Team
from tepai.testing.factories import (
    make_activity,
    make_commissioner,
    make_enterprise,
    make_institution,
    make_project,
)
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db


def add_rows(world: World, count: int) -> None:
    institution = make_institution("批量大学")
    for number in range(count):
        person = make_commissioner(batch=world.batch, institution=institution, phone="13800001234")
        person.batches.add(world.first_batch)
        enterprise = make_enterprise(f"批量企业{number}", contact_phone="13700001111")
        Demand.objects.create(enterprise=enterprise, title=f"批量需求{number}", problem="…")
        outcome = Outcome.objects.create(
            title=f"批量成果{number}", description="…", institution=institution
        )
        outcome.owners.add(person)
        make_project(
            title=f"批量项目{number}",
            enterprise=enterprise,
            batch=world.batch,
            commissioners=[person],
        )
        make_activity(
            ActivityKind.TRAINING,
            date=datetime.date(2024, 5, 1),
            batch=world.batch,
            commissioners=[person],
            enterprises=[enterprise],
        )
        Team.objects.create(name=f"批量团{number}", batch=world.batch)


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


SLUGS = ["commissioners", "enterprises", "demands", "outcomes", "projects", "activities", "teams"]


@pytest.mark.parametrize("who", ["admin", "commissioner"])
def test_lists_do_not_query_per_row(world: World, who: str) -> None:
    client = world.client(who)
    few = {slug: queries(client, f"/{slug}/") for slug in SLUGS}
    add_rows(world, 30)
    many = {slug: queries(client, f"/{slug}/") for slug in SLUGS}
    assert many == few


def test_a_full_page_stays_under_a_fixed_budget(
    world: World, django_assert_max_num_queries: Any
) -> None:
    add_rows(world, 55)
    client = world.client("admin")
    for slug in SLUGS:
        with django_assert_max_num_queries(20):
            response = client.get(f"/{slug}/")
        assert len(response.context["rows"]) == 50


def test_the_dashboard_does_not_query_per_record(world: World) -> None:
    client = world.client("admin")
    few = queries(client, f"/?batch={world.batch.pk}")
    add_rows(world, 30)
    assert queries(client, f"/?batch={world.batch.pk}") == few
