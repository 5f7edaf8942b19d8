"""Registry lists: search, filters, sorting, pagination and refused parameters."""

from __future__ import annotations

import pytest
from django.test import Client

from tepai.testing.factories import make_institution
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db


def pks(client: Client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return [row.pk for row, _cells in response.context["rows"]]


def test_it_searches_every_word_in_the_search_fields(world: World) -> None:
    client = world.client("admin")
    assert pks(client, "/commissioners/?q=张三") == [world.me.pk]
    assert pks(client, "/commissioners/?q=浙江理工 张三") == [world.me.pk]
    assert pks(client, "/commissioners/?q=浙江理工 李四") == []
    assert set(pks(client, "/demands/?q=阿克苏果业")) == {
        world.demands["completed"].pk,
        world.demands["signed"].pk,
    }


def test_it_filters_by_choices_relations_and_flags(world: World) -> None:
    client = world.client("admin")
    assert pks(client, "/commissioners/?title_level=senior") == [world.me.pk]
    both = "/commissioners/?title_level=senior&title_level=intermediate"
    assert sorted(pks(client, both)) == sorted([world.me.pk, world.colleague.pk])
    assert pks(client, f"/commissioners/?batches={world.first_batch.pk}") == [world.colleague.pk]
    assert pks(client, "/projects/?led=1") == [world.projects["research"].pk]
    assert len(pks(client, "/projects/?led=0")) == 3
    assert set(pks(client, "/outcomes/?roadshow=1")) == {
        world.outcomes["shown"].pk,
        world.outcomes["also_shown"].pk,
    }
    # A record with several matching related rows is listed once.
    assert pks(client, "/outcomes/?intent_status=signed&intent_status=transferred") == [
        world.outcomes["shown"].pk
    ]


def test_it_filters_by_period_of_the_registry_date(world: World) -> None:
    client = world.client("admin")
    assert pks(client, "/projects/?period=2024-06") == [world.projects["contract"].pk]
    assert len(pks(client, "/projects/?period=2024")) == 3
    assert client.get("/institutions/?period=2024").status_code == 400


def test_it_shows_the_filters_in_force_and_keeps_hidden_ones_in_the_search_form(
    world: World,
) -> None:
    response = world.client("admin").get(f"/projects/?centre={world.centre.pk}&sort=-signed_on")
    html = response.content.decode()
    assert "成员所在创新中心" in html and world.centre.name in html
    assert f'<input type="hidden" name="centre" value="{world.centre.pk}">' in html
    assert '<input type="hidden" name="sort" value="-signed_on">' in html


@pytest.mark.parametrize(
    "url",
    [
        "/commissioners/?nonsense=1",
        "/commissioners/?title_level=emperor",
        "/commissioners/?batches=abc",
        "/projects/?led=yes",
        "/commissioners/?sort=bio",
        "/projects/?period=24",
    ],
)
def test_it_refuses_parameters_it_does_not_understand(world: World, url: str) -> None:
    response = world.client("admin").get(url)
    assert response.status_code == 400


def test_it_sorts_by_column_both_ways_and_marks_the_header(world: World) -> None:
    client = world.client("admin")
    ascending = pks(client, "/projects/?sort=signed_on")
    assert ascending[0] == world.projects["earlier"].pk
    assert pks(client, "/projects/?sort=-signed_on") == list(reversed(ascending))
    response = client.get("/projects/?sort=signed_on")
    header = next(h for h in response.context["headers"] if str(h["label"]) == "签约日期")
    assert header["direction"] == "asc"
    assert header["url"] == "?sort=-signed_on"


@pytest.mark.parametrize("role", ["admin", "commissioner", "enterprise"])
def test_the_batch_list_counts_members_as_the_linked_list_shows_them(
    world: World, role: str
) -> None:
    client = world.client(role)
    response = client.get("/batches/?sort=-member_count")
    assert response.status_code == 200
    headers = [str(h["label"]) for h in response.context["headers"]]
    counted = headers.index("成员人数")
    rows = response.context["rows"]
    # Second batch: 张三 and 李四; first batch: 李四 only (he served in both).
    assert [row.pk for row, _cells in rows] == [world.batch.pk, world.first_batch.pk]
    for row, cells in rows:
        (item,) = cells[counted]["items"]
        assert item.url == f"/commissioners/?batches={row.pk}"
        assert int(item.text) == len(pks(client, item.url))
    assert [cells[counted]["items"][0].text for _row, cells in rows] == ["2", "1"]
    ascending = pks(client, "/batches/?sort=member_count")
    assert ascending == [world.first_batch.pk, world.batch.pk]


def test_it_shows_fifty_records_a_page(world: World) -> None:
    for number in range(60):
        make_institution(f"分页大学{number:02d}")
    client = world.client("admin")
    first = client.get("/institutions/?q=分页")
    assert len(first.context["rows"]) == 50
    assert first.context["paginator"].count == 60
    assert "?q=%E5%88%86%E9%A1%B5&amp;page=2" in first.content.decode()
    second = client.get("/institutions/?q=分页&page=2")
    assert len(second.context["rows"]) == 10


def test_a_work_record_list_adds_up_the_quantities(world: World) -> None:
    response = world.client("admin").get("/activities/?kind=training")
    assert response.context["quantity_total"] == 21
    assert "合计" in response.content.decode()


def test_tabs_lead_to_the_sibling_registries(world: World) -> None:
    response = world.client("admin").get("/teams/")
    assert [tab.key for tab in response.context["tabs"]] == ["batches", "teams", "centres"]


def test_a_list_of_several_kinds_shows_a_subtotal_per_kind_not_one_sum(world: World) -> None:
    response = world.client("admin").get("/activities/")
    subtotals = dict(response.context["quantity_by_kind"])
    assert len(subtotals) > 1 and subtotals["培训帮带"] == 21
    html = response.content.decode()
    assert "按类型" in html and "数量合计" not in html
