"""Bulk publish / return in the review queue: all selected demands move, or none does."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tepai.audit.models import AuditEntry
from tepai.demands.models import Demand, DemandStatus
from tepai.engagements.tests.conftest import World, make_demand

URL = reverse("engagements:review")


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _pending(world: World, *titles: str) -> list[Demand]:
    return [make_demand(world.enterprise, DemandStatus.PENDING_REVIEW, title=t) for t in titles]


def _statuses(demands: list[Demand]) -> list[str]:
    return [Demand.objects.get(pk=d.pk).status for d in demands]


def test_the_queue_offers_a_choice_of_demands(world: World) -> None:
    demands = _pending(world, "甲", "乙")
    html = _client(world.admin).get(URL).content.decode()
    assert 'form="bulk-review"' in html and 'id="bulk-review"' in html
    for demand in demands:
        assert f'name="demand" value="{demand.pk}"' in html


def test_it_publishes_every_selected_demand_and_audits_each(world: World) -> None:
    demands = _pending(world, "甲", "乙", "丙")
    response = _client(world.admin).post(
        URL, {"demand": [demands[0].pk, demands[2].pk], "decision": "publish"}, follow=True
    )
    assert "已发布 2 项需求。" in response.content.decode()
    assert _statuses(demands) == [
        DemandStatus.PUBLISHED,
        DemandStatus.PENDING_REVIEW,
        DemandStatus.PUBLISHED,
    ]
    audited = AuditEntry.objects.filter(action="transition", actor_username="clerk")
    assert {e.object_id for e in audited} >= {str(demands[0].pk), str(demands[2].pk)}
    assert str(demands[1].pk) not in {e.object_id for e in audited}


def test_it_returns_every_selected_demand_with_one_note(world: World) -> None:
    demands = _pending(world, "甲", "乙")
    client = _client(world.admin)
    refused = client.post(
        URL, {"demand": [d.pk for d in demands], "decision": "return"}, follow=True
    )
    assert "退回修改时请写明需要修改的地方" in refused.content.decode()
    assert _statuses(demands) == [DemandStatus.PENDING_REVIEW] * 2
    client.post(URL, {"demand": [d.pk for d in demands], "decision": "return", "note": "补充预算"})
    assert _statuses(demands) == [DemandStatus.DRAFT] * 2
    for demand in demands:
        assert demand.transitions.latest("pk").note == "补充预算"


def test_one_demand_that_cannot_move_stops_them_all_and_is_named(world: World) -> None:
    demands = _pending(world, "甲", "乙")
    draft = make_demand(world.enterprise, DemandStatus.DRAFT, title="还是草稿")
    response = _client(world.admin).post(
        URL,
        {"demand": [demands[0].pk, draft.pk, demands[1].pk], "decision": "publish"},
        follow=True,
    )
    html = response.content.decode()
    assert "未做任何变更" in html and "还是草稿" in html
    assert _statuses(demands) == [DemandStatus.PENDING_REVIEW] * 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "publish"}, "所选需求：请至少勾选一项需求。"),
        ({"demand": ["x1"], "decision": "publish"}, "所选需求：编号无效"),
        ({"demand": ["²"], "decision": "publish"}, "所选需求：编号无效"),
        ({"demand": ["99999999"], "decision": "publish"}, "所选需求：部分需求已不存在"),
        ({"demand": ["{pk}"], "decision": "maybe"}, "审核结果："),
    ],
)
def test_bad_selections_are_named(world: World, data: dict, message: str) -> None:
    (demand,) = _pending(world, "甲")
    data = {
        k: [v.format(pk=demand.pk) for v in vs] if isinstance(vs, list) else vs
        for k, vs in data.items()
    }
    response = _client(world.admin).post(URL, data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _statuses([demand]) == [DemandStatus.PENDING_REVIEW]


@pytest.mark.parametrize("persona", ["auditor", "commissioner_user", "enterprise_user"])
def test_only_administrators_review_in_bulk(world: World, persona: str) -> None:
    (demand,) = _pending(world, "甲")
    response = _client(getattr(world, persona)).post(
        URL, {"demand": [demand.pk], "decision": "publish"}
    )
    assert response.status_code == 403
    assert _statuses([demand]) == [DemandStatus.PENDING_REVIEW]


def test_bulk_review_needs_the_csrf_token(world: World) -> None:
    (demand,) = _pending(world, "甲")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    assert client.post(URL, {"demand": [demand.pk], "decision": "publish"}).status_code == 403
    assert _statuses([demand]) == [DemandStatus.PENDING_REVIEW]
