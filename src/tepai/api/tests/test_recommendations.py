"""``GET /api/demands/{id}/recommendations``: ranked commissioners with Chinese reasons."""

from __future__ import annotations

from typing import Any

import pytest

from tepai.api.tests.world import World
from tepai.programs.models import InnovationCentre
from tepai.testing.factories import make_commissioner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_encoder")]


def _recommend(world: World, role: str, demand_pk: int, **params: object) -> Any:
    return world.client(role).get(f"/api/demands/{demand_pk}/recommendations", params)


def test_it_ranks_commissioners_for_a_demand_with_reasons(world: World) -> None:
    make_commissioner(name="赵果树", bio="苹果栽培与病虫害防治", research_fields=["果树"])
    response = _recommend(world, "enterprise", world.demand_mine.pk, top=2)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["demand"] == {"id": world.demand_mine.pk, "name": world.demand_mine.title}
    results = body["results"]
    assert [r["rank"] for r in results] == [1, 2]
    assert results[0]["commissioner"]["name"] == world.me.name  # 印染 / 棉纺织 in profile
    assert results[0]["commissioner"]["institution"] == world.institution.name
    assert results[0]["score"] >= results[1]["score"]
    assert results[0]["explanation"]
    assert isinstance(results[0]["matched_terms"], list)


def test_it_limits_candidates_to_a_centre(world: World) -> None:
    response = _recommend(world, "admin", world.demand_mine.pk, centre=world.centre.pk)
    names = [r["commissioner"]["name"] for r in response.json()["results"]]
    assert names == [world.me.name]
    empty = InnovationCentre.objects.create(name="空中心")
    response = _recommend(world, "admin", world.demand_mine.pk, centre=empty.pk)
    assert response.json()["results"] == []


def test_unknown_batch_or_centre_is_a_validation_error(world: World) -> None:
    response = _recommend(world, "admin", world.demand_mine.pk, batch=999999)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"batch": ["不存在"]}


def test_top_is_bounded(world: World) -> None:
    assert _recommend(world, "admin", world.demand_mine.pk, top=0).status_code == 422
    assert _recommend(world, "admin", world.demand_mine.pk, top=51).status_code == 422


def test_only_the_office_auditors_and_the_demands_enterprise_see_rankings(world: World) -> None:
    assert _recommend(world, "auditor", world.demand_published.pk).status_code == 200
    assert _recommend(world, "commissioner", world.demand_published.pk).status_code == 403
    assert _recommend(world, "enterprise", world.demand_published.pk).status_code == 404
