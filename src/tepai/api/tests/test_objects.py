"""Object-level permissions and the write rules of each role."""

from __future__ import annotations

from typing import Any

import pytest

from tepai.activities.models import Activity
from tepai.api.tests.world import World
from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand, DemandStatus, DemandTransition
from tepai.enterprises.models import Enterprise
from tepai.outcomes.models import CooperationIntent, Outcome

pytestmark = pytest.mark.django_db


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# ----- reading -------------------------------------------------------------------------


def test_an_enterprise_sees_only_its_own_demands(world: World) -> None:
    client = world.client("enterprise")
    own = {demand.pk for demand in world.demands if demand.enterprise == world.mine}
    assert world.demand_mine.pk in own
    assert _ids(client.get("/api/demands/")) == own
    assert client.get(f"/api/demands/{world.demand_mine.pk}").status_code == 200
    for other in (world.demand_published, world.demand_other_draft):
        assert client.get(f"/api/demands/{other.pk}").status_code == 404


def test_a_commissioner_sees_published_demands_only(world: World) -> None:
    # Published and every status after it, of any enterprise; no draft.
    published = {world.base.demands[s].pk for s in ("published", "matching", "signed", "completed")}
    published.add(world.demand_published.pk)
    assert _ids(world.client("commissioner").get("/api/demands/")) == published


def test_admins_and_auditors_see_every_demand(world: World) -> None:
    every = set(Demand.objects.values_list("pk", flat=True))
    assert _ids(world.client("admin").get("/api/demands/")) == every
    assert _ids(world.client("auditor").get("/api/demands/")) == every


def test_an_enterprise_sees_only_its_own_record(world: World) -> None:
    assert _ids(world.client("enterprise").get("/api/enterprises/")) == {world.mine.pk}


def test_scoped_registries_follow_the_parties(world: World) -> None:
    commissioner, enterprise = world.client("commissioner"), world.client("enterprise")
    projects, activities = world.base.projects, world.base.activities
    # Me's: the contract with my enterprise and a research project without one.
    assert _ids(commissioner.get("/api/projects/")) == {
        world.project_mine.pk,
        projects["research"].pk,
    }
    assert _ids(enterprise.get("/api/projects/")) == {world.project_mine.pk}
    assert _ids(commissioner.get("/api/activities/")) == {
        world.activity_mine.pk,
        activities["training"].pk,
    }
    assert _ids(enterprise.get("/api/intents/")) == {world.intent_mine.pk}
    # The commissioner owns the outcome, so sees every intent on it.
    assert _ids(commissioner.get("/api/intents/")) == {
        world.intent_mine.pk,
        world.intent_other.pk,
    }


# ----- enterprises and their demands ---------------------------------------------------


def test_an_enterprise_posts_a_demand_for_itself(world: World) -> None:
    response = world.client("enterprise").post(
        "/api/demands/",
        {"title": "烘干线节能", "problem": "能耗高", "required_skills": ["节能", "热工"]},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["enterprise"] == {"id": world.mine.pk, "name": world.mine.name}
    assert created["status"] == "draft"
    assert created["required_skills"] == ["节能", "热工"]
    assert created["cluster"] == "other"  # the model's default
    assert Demand.objects.get(pk=created["id"]).enterprise == world.mine


def test_an_enterprise_cannot_post_for_another(world: World) -> None:
    response = world.client("enterprise").post(
        "/api/demands/", {"enterprise": world.other.pk, "title": "冒名需求", "problem": "x"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["fields"] == {"enterprise": ["只能是本企业"]}
    assert not Demand.objects.filter(title="冒名需求").exists()


def test_an_admin_must_name_the_enterprise(world: World) -> None:
    response = world.client("admin").post("/api/demands/", {"title": "无主需求", "problem": "x"})
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["enterprise"]


def test_an_enterprise_edits_its_draft_but_not_its_status(world: World) -> None:
    client = world.client("enterprise")
    url = f"/api/demands/{world.demand_mine.pk}"
    response = client.patch(url, {"target": "除尘效率 95%", "budget": "12.5"})
    assert response.status_code == 200, response.content
    assert response.json()["target"] == "除尘效率 95%"
    assert response.json()["budget"] == "12.50"
    assert response.json()["title"] == world.demand_mine.title  # untouched by the partial update
    assert client.patch(url, {"status": "published"}).status_code == 422  # not a field
    assert client.patch(url, {"enterprise": world.other.pk}).status_code == 403


def test_an_enterprise_cannot_edit_anothers_demand(world: World) -> None:
    client = world.client("enterprise")
    response = client.patch(f"/api/demands/{world.demand_other_draft.pk}", {"title": "改"})
    assert response.status_code == 404


def test_an_enterprise_submits_withdraws_and_closes_but_does_not_publish(world: World) -> None:
    client = world.client("enterprise")
    url = f"/api/demands/{world.demand_mine.pk}/transition"
    submitted = client.post(url, {"status": "pending", "note": "请审核"})
    assert submitted.status_code == 200
    assert submitted.json()["status_label"] == "待审核"
    assert client.post(url, {"status": "published"}).status_code == 403
    assert client.post(url, {"status": "draft"}).json()["status"] == "draft"
    assert client.post(url, {"status": "closed"}).json()["status"] == "closed"
    history = DemandTransition.objects.filter(demand=world.demand_mine).order_by("id")
    assert [(t.to_status, t.by) for t in history] == [
        (DemandStatus.PENDING_REVIEW, world.users["enterprise"]),
        (DemandStatus.DRAFT, world.users["enterprise"]),
        (DemandStatus.CLOSED, world.users["enterprise"]),
    ]
    assert history[0].note == "请审核"


def test_an_admin_publishes_a_demand_under_review(world: World) -> None:
    world.demand_mine.transition_to(DemandStatus.PENDING_REVIEW)
    response = world.client("admin", token=True).post(
        f"/api/demands/{world.demand_mine.pk}/transition", {"status": "published"}
    )
    assert response.status_code == 200
    transition = DemandTransition.objects.filter(demand=world.demand_mine).last()
    assert transition is not None
    assert transition.by == world.users["admin"]


def test_an_enterprise_edits_only_its_own_contact_details(world: World) -> None:
    client = world.client("enterprise")
    url = f"/api/enterprises/{world.mine.pk}"
    ok = client.patch(url, {"contact_name": "王经理", "contact_phone": "0997-1234567"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["contact_phone"] == "0997-1234567"  # its own, unmasked
    refused = client.patch(url, {"name": "改名公司"})
    assert refused.status_code == 403
    assert refused.json()["error"]["fields"] == {"name": ["无权修改此字段"]}
    assert client.patch(f"/api/enterprises/{world.other.pk}", {"county": "x"}).status_code == 404
    assert Enterprise.objects.get(pk=world.mine.pk).name == world.mine.name


def test_an_enterprise_registers_interest_in_an_outcome(world: World) -> None:
    outcome = Outcome.objects.create(title="节水灌溉", description="滴灌")
    response = world.client("enterprise").post(
        "/api/intents/", {"outcome": outcome.pk, "date": "2024-07-01"}
    )
    assert response.status_code == 201, response.content
    assert CooperationIntent.objects.get(pk=response.json()["id"]).enterprise == world.mine


# ----- commissioners --------------------------------------------------------------------


def test_a_commissioner_edits_their_own_profile(world: World) -> None:
    client = world.client("commissioner")
    response = client.patch(
        f"/api/commissioners/{world.me.pk}",
        {"bio": "纺织除尘与节能", "research_fields": ["除尘", "节能"], "phone": "13900001111"},
    )
    assert response.status_code == 200, response.content
    me = Commissioner.objects.get(pk=world.me.pk)
    assert (me.bio, me.research_fields) == ("纺织除尘与节能", ["除尘", "节能"])
    assert me.phone == "13900001111"
    assert me.name == world.me.name


def test_a_commissioner_cannot_edit_official_fields_or_colleagues(world: World) -> None:
    client = world.client("commissioner")
    own = client.patch(f"/api/commissioners/{world.me.pk}", {"title_level": "junior"})
    assert own.status_code == 403
    other = client.patch(f"/api/commissioners/{world.colleague.pk}", {"bio": "冒改"})
    assert other.status_code == 403  # visible to all, changeable by nobody but themselves
    assert Commissioner.objects.get(pk=world.colleague.pk).bio == ""


def test_a_bad_phone_is_refused_with_the_reason(world: World) -> None:
    response = world.client("commissioner").patch(
        f"/api/commissioners/{world.me.pk}", {"phone": "12345"}
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["phone"]
    assert "手机号码" in response.json()["error"]["message"]


def test_a_commissioner_records_work_and_stays_on_it(world: World) -> None:
    client = world.client("commissioner")
    response = client.post(
        "/api/activities/",
        {"date": "2024-07-02", "kind": "training", "quantity": 30, "commissioners": []},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert [c["id"] for c in created["commissioners"]] == [world.me.pk]
    # Removing themselves would make the record nobody's; they stay on it.
    update = client.patch(
        f"/api/activities/{created['id']}", {"commissioners": [world.colleague.pk]}
    )
    assert {c["id"] for c in update.json()["commissioners"]} == {world.me.pk, world.colleague.pk}
    assert Activity.objects.get(pk=created["id"]).quantity == 30


def test_a_commissioners_record_of_serving_an_enterprise_waits_for_its_confirmation(
    world: World,
) -> None:
    served = {"date": "2024-07-03", "kind": "service", "quantity": 1}
    response = world.client("commissioner").post(
        "/api/activities/", {**served, "enterprises": [world.mine.pk]}
    )
    assert response.status_code == 201, response.content
    assert response.json()["confirmation"] == "pending"
    assert response.json()["confirmation_label"] == "待企业确认"
    # The programme office's own records need no confirmation.
    office = world.client("admin").post(
        "/api/activities/", {**served, "enterprises": [world.mine.pk]}
    )
    assert office.json()["confirmation"] == "not_needed"


def test_a_commissioner_cannot_edit_colleagues_activities(world: World) -> None:
    response = world.client("commissioner").patch(
        f"/api/activities/{world.activity_other.pk}", {"notes": "冒改"}
    )
    assert response.status_code == 404


def test_model_rules_apply_to_api_writes(world: World) -> None:
    response = world.client("admin").post(
        "/api/activities/",
        {"date": "2024-07-02", "kind": "training", "quantity": 1, "is_trial": True},
    )
    assert response.status_code == 422  # only a variety introduction can be a trial


# ----- administrators -------------------------------------------------------------------


def test_an_admin_creates_and_updates_with_relations(world: World) -> None:
    client = world.client("admin")
    created = client.post(
        "/api/projects/",
        {
            "title": "除尘改造合同",
            "kind": "research",
            "level": "",
            "signed_on": "2024-07-01",
            "commissioners": [world.me.pk, world.colleague.pk],
        },
    )
    assert created.status_code == 422  # a research project needs its level
    assert "level" in created.json()["error"]["fields"]
    created = client.post(
        "/api/projects/",
        {
            "title": "除尘改造合同",
            "kind": "service",
            "signed_on": "2024-07-01",
            "amount": "30",
            "commissioners": [world.me.pk, world.colleague.pk],
            "enterprise": world.mine.pk,
            "demand": world.demand_mine.pk,
        },
    )
    assert created.status_code == 201, created.content
    project = created.json()
    assert {c["name"] for c in project["commissioners"]} == {world.me.name, world.colleague.name}
    assert project["demand"] == {"id": world.demand_mine.pk, "name": world.demand_mine.title}
    updated = client.patch(f"/api/projects/{project['id']}", {"status": "in_progress"})
    assert updated.json()["status_label"] == "执行中"
    assert {c["id"] for c in updated.json()["commissioners"]} == {world.me.pk, world.colleague.pk}


def test_a_duplicate_is_refused_not_crashed(world: World) -> None:
    response = world.client("admin").post(
        "/api/institutions/", {"name": world.institution.name, "type": "university"}
    )
    assert response.status_code == 422
    assert "name" in response.json()["error"]["fields"]


def test_auditors_read_everything_and_change_nothing(world: World) -> None:
    client = world.client("auditor")
    assert client.patch(f"/api/demands/{world.demand_mine.pk}", {"title": "x"}).status_code == 403
    activity = {"date": "2024-07-01", "kind": "visit"}
    assert client.post("/api/activities/", activity).status_code == 403
    assert client.get("/api/me").json()["can_create"] == []


def test_me_lists_what_the_role_can_create(world: World) -> None:
    assert world.client("commissioner").get("/api/me").json()["can_create"] == ["activities"]
    assert world.client("enterprise").get("/api/me").json()["can_create"] == ["demands", "intents"]
    assert "institutions" in world.client("admin").get("/api/me").json()["can_create"]
