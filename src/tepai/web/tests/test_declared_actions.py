"""The buttons a registry declares to its workflow pages (Registry.list_actions/detail_actions)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db


def _links(world: World, role: str, url: str) -> str:
    response = world.client(role).get(url)
    assert response.status_code == 200, (role, url)
    page: str = response.content.decode()
    return page


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_the_programme_office_reaches_a_demand_s_matching_page(world: World, role: str) -> None:
    demand = world.demands["published"]
    page = _links(world, role, f"/demands/{demand.pk}/")
    assert f'href="{reverse("engagements:demand-matching", args=[demand.pk])}"' in page


def test_an_enterprise_gets_no_matching_button_on_its_own_demand(world: World) -> None:
    demand = world.demands["published"]
    assert demand.enterprise == world.mine
    page = _links(world, "enterprise", f"/demands/{demand.pk}/")
    assert reverse("engagements:demand-matching", args=[demand.pk]) not in page


def test_publishing_is_offered_to_whoever_may_create_or_change_demand_lists(
    world: World,
) -> None:
    lists_url = reverse("engagements:lists")
    detail_url = reverse("engagements:list-detail", args=[world.demand_list.pk])
    assert f'href="{lists_url}"' in _links(world, "admin", "/demand-lists/")
    assert f'href="{detail_url}"' in _links(
        world, "admin", f"/demand-lists/{world.demand_list.pk}/"
    )
    # Commissioners read the lists but neither create nor change them.
    assert lists_url not in _links(world, "commissioner", "/demand-lists/")
    page = _links(world, "commissioner", f"/demand-lists/{world.demand_list.pk}/")
    assert detail_url not in page
