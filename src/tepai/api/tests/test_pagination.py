"""Lists: page-number pagination, search and filters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tepai.api.tests.world import World
from tepai.demands.models import Demand, DemandStatus
from tepai.enterprises.models import Enterprise
from tepai.search.pinyin import organisation_keys
from tepai.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_it_pages_with_count_next_previous_and_results(world: World) -> None:
    for n in range(5):
        make_enterprise(f"分页企业{n}")
    client = world.client("admin")  # 2 + 5 = 7 enterprises
    first = client.get("/api/enterprises/", {"page_size": 3}).json()
    assert first["count"] == 7
    assert len(first["results"]) == 3
    assert first["previous"] is None
    assert _query(first["next"]) == {"page_size": ["3"], "page": ["2"]}
    assert first["next"].startswith("http://testserver/api/enterprises/")

    second = client.get("/api/enterprises/", {"page_size": 3, "page": 2}).json()
    assert _query(second["previous"])["page"] == ["1"]
    last = client.get("/api/enterprises/", {"page_size": 3, "page": 3}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None

    names = [e["name"] for page in (first, second, last) for e in page["results"]]
    assert len(set(names)) == 7
    # The registry's own ordering (pinyin, issue 11), stable across pages.
    assert names == sorted(names, key=lambda name: organisation_keys(name).sort)


def test_next_keeps_the_search_and_filters(world: World) -> None:
    for n in range(3):
        make_enterprise(f"筛选企业{n}", county="库车市")
    page = world.client("admin").get(
        "/api/enterprises/", {"q": "筛选", "county": "库车市", "page_size": 2}
    )
    body = page.json()
    assert body["count"] == 3
    assert _query(body["next"]) == {
        "q": ["筛选"],
        "county": ["库车市"],
        "page_size": ["2"],
        "page": ["2"],
    }


def test_an_empty_list_is_one_empty_page(world: World) -> None:
    body = world.client("admin").get("/api/demands/", {"q": "没有这样的需求"}).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_page_size_defaults_to_20_and_is_capped(world: World) -> None:
    for n in range(22):
        make_enterprise(f"默认分页{n:02d}")
    client = world.client("admin")
    assert len(client.get("/api/enterprises/").json()["results"]) == 20
    assert client.get("/api/enterprises/", {"page_size": 101}).status_code == 422
    assert client.get("/api/enterprises/", {"page_size": 0}).status_code == 422
    assert client.get("/api/enterprises/", {"page": 0}).status_code == 422


def test_it_searches_and_filters_demands(world: World) -> None:
    client = world.client("admin")

    def titles(**params: object) -> set[str]:
        return {d["title"] for d in client.get("/api/demands/", params).json()["results"]}

    def of(enterprise: Enterprise) -> set[str]:
        return {d.title for d in world.demands if d.enterprise == enterprise}

    published = {world.base.demands["published"].title, world.demand_published.title}
    assert "色度" not in world.demand_published.title
    assert titles(q="色度") == {world.demand_published.title}  # in the problem text
    assert titles(q="果业") == of(world.other)  # the enterprise's name
    assert titles(status="published") == published
    assert titles(enterprise=world.mine.pk) == of(world.mine)
    # The other enterprise's draft is in another cluster.
    assert titles(cluster="cotton_textile", status="draft") == {world.demand_mine.title}


def test_it_filters_commissioners_by_their_relations(world: World) -> None:
    client = world.client("enterprise")

    def names(**params: object) -> set[str]:
        body = client.get("/api/commissioners/", params).json()
        return {c["name"] for c in body["results"]}

    me, both = world.me.name, {world.me.name, world.colleague.name}
    assert names() == both
    assert names(team=world.team.pk) == {me}
    assert names(centre=world.centre.pk) == {me}
    assert names(batch=world.batch.pk) == both
    assert names(institution=world.institution.pk) == {me}
    assert "棉纺织" in world.me.bio and "棉纺织" not in world.colleague.bio
    assert names(q="棉纺织") == {me}  # the bio


def test_search_stays_within_what_the_user_may_see(world: World) -> None:
    Demand.objects.create(
        enterprise=world.other, title="别家草稿二", problem="x", status=DemandStatus.DRAFT
    )
    body = world.client("enterprise").get("/api/demands/", {"q": "草稿"}).json()
    assert body["count"] == 0
