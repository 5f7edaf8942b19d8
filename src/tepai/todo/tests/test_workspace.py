"""The commissioner's workspace: 推荐记录 and 适合我的开放需求 (issue 11, seen item 1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tepai.engagements.views import commissioner as workspace
from tepai.recommender.catalogs import CatalogMatch

from .conftest import World, make_demand, propose

pytestmark = pytest.mark.django_db


def test_a_pending_proposal_is_in_the_history_and_not_suggested_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = make_demand(world.mine, "印染车间节水改造")
    proposal = propose(world.demand, world.me)

    def recommend(me: Any, k: int) -> list[Any]:
        # The engine ranks the proposed demand first; the workspace must leave it out.
        found = [(world.demand.pk, world.demand.title), (other.pk, other.title)]
        return [_match(pk, title) for pk, title in found][:k]

    monkeypatch.setattr(workspace, "recommend_demands", recommend)
    client = Client()
    client.force_login(world.commissioner)
    page = client.get("/me/").content.decode()
    history = page[page.index('id="history"') :]
    assert world.demand.title in history and "暂无记录" not in history
    assert f'id="proposal-{proposal.pk}"' in page
    suggested = page[page.index('id="suggested"') : page.index('id="kpi"')]
    assert other.title in suggested and world.demand.title not in suggested


def _match(pk: int, title: str) -> CatalogMatch:
    return CatalogMatch(pk, title, 0.5, "", ())
