"""The shared live engine: built once, then refreshed one changed commissioner at a time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from tepai.commissioners.models import Commissioner, DeclaredConflict, WorkItem, WorkItemKind
from tepai.core.testing import make_commissioner, make_enterprise, make_project
from tepai.matching import Demand
from tepai.matchmaking import live
from tepai.programs.models import InnovationCentre
from tepai.projects.models import ProjectStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_engine() -> Iterator[None]:
    live.reset()
    with override_settings(TEPAI_MATCH_ENCODER="hashing"):
        yield
    live.reset()


def _three() -> list[int]:
    people = [
        make_commissioner(name="棉纺专家", research_fields=["棉纺织"]),
        make_commissioner(name="印染专家", research_fields=["印染工艺"]),
        make_commissioner(name="果树专家", research_fields=["林果栽培"]),
    ]
    for person in people:
        WorkItem.objects.create(
            commissioner=person, kind=WorkItemKind.PROJECT, title=f"{person.name}的项目"
        )
    return [person.pk for person in people]


def test_it_builds_once_and_reuses_the_engine_when_nothing_changed() -> None:
    ids = _three()
    engine = live.shared_engine()
    assert sorted(engine.experts) == sorted(str(pk) for pk in ids)
    assert live.live().last_indexed == sorted(ids)
    again = live.shared_engine()
    assert again is engine
    assert live.live().last_indexed == []


def test_an_edited_work_item_reindexes_only_its_commissioner() -> None:
    ids = _three()
    before = live.shared_engine()
    item = WorkItem.objects.get(commissioner_id=ids[2])
    item.text = "红枣矮化密植与水肥一体化"  # a work item has no timestamp of its own
    item.save()
    after = live.shared_engine()
    assert live.live().last_indexed == [ids[2]]
    assert after is not before  # the published engine is never changed under readers
    assert "水肥一体化" in after.experts[str(ids[2])].items[0].text
    assert "水肥一体化" not in before.experts[str(ids[2])].items[0].text
    top = after.recommend(Demand(id="q", title="红枣水肥一体化"), 1, explain=False)
    assert top[0].expert_id == str(ids[2])


def test_an_edited_commissioner_is_picked_up() -> None:
    ids = _three()
    live.shared_engine()
    person = make_commissioner(name="新来的")
    person.bio = "数字化印染车间"
    person.save()
    live.shared_engine()
    assert live.live().last_indexed == [person.pk]
    edited = Commissioner.objects.get(pk=ids[0])
    edited.bio = "智能纺纱"
    edited.save()
    engine = live.shared_engine()
    assert live.live().last_indexed == [ids[0]]
    assert engine.experts[str(ids[0])].profile == "智能纺纱"


def test_deleted_commissioners_leave_the_engine() -> None:
    ids = _three()
    live.shared_engine()
    Commissioner.objects.filter(pk=ids[1]).delete()
    engine = live.shared_engine()
    assert str(ids[1]) not in engine.experts
    assert len(engine) == 2


def test_memberships_and_related_records_change_the_fingerprint() -> None:
    ids = _three()
    live.shared_engine()
    centre = InnovationCentre.objects.create(name="纺织创新中心", cluster="cotton_textile")
    centre.members.add(ids[0])  # reverse side of Commissioner.centres
    live.shared_engine()
    assert live.live().last_indexed == [ids[0]]
    enterprise = make_enterprise("阿克苏纺织厂")
    make_project(enterprise=enterprise, commissioners=[ids[1]])
    engine = live.shared_engine()
    assert live.live().last_indexed == [ids[1]]
    assert engine.experts[str(ids[1])].enterprises == ("阿克苏纺织厂",)
    enterprise.name = "阿克苏纺织集团"
    enterprise.save()
    engine = live.shared_engine()
    assert live.live().last_indexed == [ids[1]]
    assert engine.experts[str(ids[1])].enterprises == ("阿克苏纺织集团",)


def test_changing_the_encoder_setting_rebuilds() -> None:
    ids = _three()
    first = live.shared_engine()
    with override_settings(TEPAI_MATCH_ENCODER="none"):
        second = live.shared_engine()
    assert second is not first and second.encoder is None
    assert live.live().last_indexed == sorted(ids)


def test_declared_conflicts_and_project_status_reach_the_engine() -> None:
    ids = _three()
    live.shared_engine()
    enterprise = make_enterprise("阿克苏棉业")
    conflict = DeclaredConflict.objects.create(
        commissioner_id=ids[0], enterprise=enterprise, reason="持股"
    )
    engine = live.shared_engine()
    assert live.live().last_indexed == [ids[0]]
    assert engine.experts[str(ids[0])].conflicts == ("阿克苏棉业",)
    conflict.delete()
    engine = live.shared_engine()
    assert engine.experts[str(ids[0])].conflicts == ()
    project = make_project(enterprise=enterprise, commissioners=[ids[2]])
    assert live.shared_engine().experts[str(ids[2])].load == 1
    project.status = ProjectStatus.ACCEPTED  # finished projects no longer take time
    project.save()
    engine = live.shared_engine()
    assert live.live().last_indexed == [ids[2]]
    assert engine.experts[str(ids[2])].load == 0


def test_a_same_length_edit_is_seen_through_the_touch_on_save() -> None:
    ids = _three()
    item = WorkItem.objects.get(commissioner_id=ids[1])
    item.text = "活性染料"
    item.save()
    live.shared_engine()
    item.text = "分散染料"  # same length, same count: only the touched updated_at differs
    item.save()
    engine = live.shared_engine()
    assert live.live().last_indexed == [ids[1]]
    assert engine.experts[str(ids[1])].items[0].text == "分散染料"
