"""Every registry's list, detail, create, edit and delete pages, for each role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model

from tepai.accounts.permissions import can_change, can_create, visible
from tepai.activities.models import Activity, ActivityKind
from tepai.commissioners.models import WorkItem
from tepai.core.registries import registries_by_slug
from tepai.demands.models import Demand, DemandList
from tepai.enterprises.models import Enterprise
from tepai.events.models import Event
from tepai.institutions.models import Institution
from tepai.outcomes.models import CooperationIntent
from tepai.web.nav import may_read
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db

RECORDS: dict[str, Callable[[World], Model]] = {
    "commissioners": lambda w: w.me,
    "work-items": lambda w: WorkItem.objects.get(),
    "institutions": lambda w: w.institution,
    "batches": lambda w: w.batch,
    "teams": lambda w: w.team,
    "centres": lambda w: w.centre,
    "enterprises": lambda w: w.mine,
    "demands": lambda w: w.demands["published"],
    "demand-lists": lambda w: w.demand_list,
    "outcomes": lambda w: w.outcomes["shown"],
    "intents": lambda w: CooperationIntent.objects.filter(enterprise=w.mine).get(),
    "projects": lambda w: w.projects["contract"],
    "activities": lambda w: w.activities["training"],
    "events": lambda w: w.roadshow,
    "cases": lambda w: w.case,
}


def test_every_registry_has_a_test_record() -> None:
    assert set(RECORDS) == set(registries_by_slug())


@pytest.mark.parametrize("slug", list(RECORDS))
def test_an_administrator_lists_views_creates_edits_and_deletes(world: World, slug: str) -> None:
    client = world.client("admin")
    record = RECORDS[slug](world)
    listing = client.get(f"/{slug}/")
    assert listing.status_code == 200
    assert record.pk in [row.pk for row, _cells in listing.context["rows"]]
    detail = client.get(f"/{slug}/{record.pk}/")
    assert detail.status_code == 200
    assert str(record) in detail.content.decode()
    for page in (f"/{slug}/new/", f"/{slug}/{record.pk}/edit/", f"/{slug}/{record.pk}/delete/"):
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("slug", list(RECORDS))
def test_an_auditor_reads_everything_and_changes_nothing(world: World, slug: str) -> None:
    client = world.client("auditor")
    record = RECORDS[slug](world)
    listing = client.get(f"/{slug}/")
    assert listing.status_code == 200
    assert "新建" not in listing.content.decode()
    assert client.get(f"/{slug}/{record.pk}/").status_code == 200
    for page in (f"/{slug}/new/", f"/{slug}/{record.pk}/edit/", f"/{slug}/{record.pk}/delete/"):
        assert client.get(page).status_code == 403, page
    assert client.post(f"/{slug}/{record.pk}/delete/").status_code == 403
    assert type(record)._default_manager.filter(pk=record.pk).exists()


@pytest.mark.parametrize("who", ["commissioner", "enterprise", "other_enterprise"])
@pytest.mark.parametrize("slug", list(RECORDS))
def test_other_roles_get_what_the_permissions_allow(world: World, who: str, slug: str) -> None:
    client = world.client(who)
    user = world.users[who]
    registry = registries_by_slug()[slug]
    record = RECORDS[slug](world)
    listing = client.get(f"/{slug}/")
    if not may_read(user, slug):
        assert listing.status_code == 403
        return
    assert listing.status_code == 200
    everything = registry.model._default_manager.all()
    expected = set(visible(user, everything).values_list("pk", flat=True))
    assert {row.pk for row, _cells in listing.context["rows"]} == expected
    seen = visible(user, registry.model._default_manager.filter(pk=record.pk)).exists()
    assert client.get(f"/{slug}/{record.pk}/").status_code == (200 if seen else 404)
    if seen:
        edit = client.get(f"/{slug}/{record.pk}/edit/")
        assert edit.status_code == (200 if can_change(user, record) else 403)
    create = client.get(f"/{slug}/new/")
    assert create.status_code == (200 if can_create(user, registry.model) else 403)


def test_visitors_without_a_role_get_403_and_anonymous_ones_the_login(world: World) -> None:
    assert world.client("nobody").get("/commissioners/").status_code == 403
    assert world.client("nobody").get("/").status_code == 403
    response = world.client("admin").__class__().get("/commissioners/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_record_outside_the_users_scope_is_not_found(world: World) -> None:
    client = world.client("enterprise")
    assert client.get(f"/demands/{world.demands['signed'].pk}/").status_code == 404
    assert client.get(f"/enterprises/{world.theirs.pk}/").status_code == 404
    assert client.get(f"/demands/{world.demands['draft'].pk}/").status_code == 200
    commissioner = world.client("commissioner")
    assert commissioner.get(f"/demands/{world.demands['draft'].pk}/").status_code == 404


def test_an_administrator_creates_a_record_and_sees_a_message(world: World) -> None:
    client = world.client("admin")
    response = client.post(
        "/institutions/new/", {"name": "浙江工业大学", "type": "university"}, follow=True
    )
    created = Institution.objects.get(name="浙江工业大学")
    assert response.redirect_chain[-1][0] == f"/institutions/{created.pk}/"
    assert "已新建“浙江工业大学”" in response.content.decode()


def test_invalid_input_is_refused_with_chinese_messages_naming_the_field(world: World) -> None:
    client = world.client("admin")
    response = client.post("/institutions/new/", {"name": "", "type": "university"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["这个字段是必填项。"]
    project = world.projects["contract"]
    response = client.post(
        f"/projects/{project.pk}/edit/",
        {"title": project.title, "kind": "research", "signed_on": "2024-06-01", "status": "signed"},
    )
    assert "科研项目必须填写项目级别" in response.content.decode()
    response = client.post(
        f"/commissioners/{world.me.pk}/edit/",
        {"name": "张三", "gender": "M", "birth_date": "1982-01-01", "phone": "12345"},
    )
    assert "phone" in response.context["form"].errors


def test_lists_such_as_research_fields_are_edited_as_text(world: World) -> None:
    client = world.client("admin")
    page = client.get(f"/commissioners/{world.me.pk}/edit/").content.decode()
    assert "纺织、印染" in page
    data = {
        "name": "张三",
        "gender": "M",
        "birth_date": "1982-01-01",
        "birth_date_precision": "day",
        "institution": world.institution.pk,
        "title": "教授",
        "title_level": "senior",
        "degree": "doctorate",
        "research_fields": "纺织，印染、 智能制造",
        "phone": "13800001234",
        "email": "zhangsan@example.com",
        "batches": [world.batch.pk],
    }
    response = client.post(f"/commissioners/{world.me.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    world.me.refresh_from_db()
    assert world.me.research_fields == ["纺织", "印染", "智能制造"]


def test_an_enterprise_posts_demands_only_for_itself(world: World) -> None:
    client = world.client("enterprise")
    form = client.get("/demands/new/").context["form"]
    assert list(form.fields["enterprise"].queryset) == [world.mine]
    data: dict[str, Any] = {
        "enterprise": world.theirs.pk,
        "title": "冒名需求",
        "problem": "…",
        "cluster": "other",
    }
    response = client.post("/demands/new/", data)
    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors
    assert not Demand.objects.filter(title="冒名需求").exists()
    data["enterprise"] = world.mine.pk
    assert client.post("/demands/new/", data).status_code == 302
    assert Demand.objects.get(title="冒名需求").enterprise == world.mine


def test_a_commissioner_recording_work_is_listed_on_it(world: World) -> None:
    client = world.client("commissioner")
    response = client.post(
        "/activities/new/", {"date": "2024-08-01", "kind": ActivityKind.VISIT, "quantity": 3}
    )
    assert response.status_code == 302
    activity = Activity.objects.get(date="2024-08-01")
    assert list(activity.commissioners.all()) == [world.me]
    assert client.get(f"/activities/{activity.pk}/edit/").status_code == 200


def test_a_commissioner_edits_only_their_own_record(world: World) -> None:
    client = world.client("commissioner")
    assert client.get(f"/commissioners/{world.me.pk}/edit/").status_code == 200
    assert client.get(f"/commissioners/{world.colleague.pk}/edit/").status_code == 403
    assert client.post(f"/commissioners/{world.colleague.pk}/edit/", {}).status_code == 403


def test_deleting_asks_first_and_reports_records_that_still_refer(world: World) -> None:
    client = world.client("admin")
    event = world.signing
    response = client.post(f"/events/{event.pk}/delete/", follow=True)
    assert not Event.objects.filter(pk=event.pk).exists()
    assert "已删除" in response.content.decode()
    response = client.post(f"/enterprises/{world.mine.pk}/delete/", follow=True)
    assert Enterprise.objects.filter(pk=world.mine.pk).exists()
    assert "无法删除" in response.content.decode()


def test_a_roadshow_shows_its_outcomes_and_intents(world: World) -> None:
    response = world.client("admin").get(f"/events/{world.roadshow.pk}/")
    sections = {str(s["label"]): s for s in response.context["related_sections"]}
    assert sections["路演成果"]["total"] == 2
    assert sections["合作意向"]["total"] == 3
    assert "签约项目" not in sections
    html = response.content.decode()
    assert f'href="/outcomes/?roadshow_event={world.roadshow.pk}"' in html


def test_a_signing_ceremony_shows_its_projects(world: World) -> None:
    response = world.client("admin").get(f"/events/{world.signing.pk}/")
    sections = {str(s["label"]): s for s in response.context["related_sections"]}
    assert sections["签约项目"]["total"] == 1
    assert "路演成果" not in sections
    assert world.projects["contract"].title in response.content.decode()


def test_a_case_links_to_its_projects(world: World) -> None:
    response = world.client("enterprise").get(f"/cases/{world.case.pk}/")
    project = world.projects["contract"]
    assert f'href="/projects/{project.pk}/"' in response.content.decode()


def test_an_enterprise_sees_only_its_own_intents_on_an_outcome(world: World) -> None:
    response = world.client("enterprise").get(f"/outcomes/{world.outcomes['shown'].pk}/")
    sections = {str(s["label"]): s for s in response.context["related_sections"]}
    assert sections["合作意向"]["total"] == 1


def test_a_project_shows_its_milestones(world: World) -> None:
    project = world.projects["contract"]
    project.milestones.create(title="完成小试", due_on="2024-09-01")
    response = world.client("admin").get(f"/projects/{project.pk}/")
    assert "完成小试" in response.content.decode()


def test_a_demand_links_to_its_matching_page_when_engagements_provides_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    demand = world.demands["published"]
    monkeypatch.setattr(
        "tepai.web.views.registry.soft_reverse",
        lambda name, args=(): f"/matching/{args[0]}/" if name.startswith("engagements") else None,
    )
    response = world.client("admin").get(f"/demands/{demand.pk}/")
    assert f'href="/matching/{demand.pk}/"' in response.content.decode()
    # Commissioners may read a published demand but not use the matching page (403 there).
    response = world.client("commissioner").get(f"/demands/{demand.pk}/")
    assert response.status_code == 200
    assert "/matching/" not in response.content.decode()


def test_related_records_link_only_to_registries_the_role_may_read(world: World) -> None:
    demand = world.demands["published"]
    demand_list = DemandList.objects.create(name="测试发布批次")
    demand_list.demands.add(demand)
    admin_page = world.client("admin").get(f"/demands/{demand.pk}/").content.decode()
    assert f'href="/demand-lists/{demand_list.pk}/"' in admin_page
    page = world.client("enterprise").get(f"/demands/{demand.pk}/").content.decode()
    assert "测试发布批次" in page  # named, but not a link to a page that would answer 403
    assert f'href="/demand-lists/{demand_list.pk}/"' not in page
