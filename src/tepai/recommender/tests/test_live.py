"""The live indexes: built once, refreshed one changed record at a time, copy-on-write."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from tepai.commissioners.models import Commissioner, DeclaredConflict, WorkItem, WorkItemKind
from tepai.matching import Demand, Expert
from tepai.programs.models import InnovationCentre
from tepai.projects.models import ProjectStatus
from tepai.recommender import live, service
from tepai.recommender.live import LiveIndex
from tepai.testing.factories import make_commissioner, make_enterprise, make_project

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


# ----- one LiveIndex class for every index: copy-on-write, one build, thread safety ---------


class _Table:
    """A fake table: fingerprints and records in memory, loads that can be made to wait."""

    def __init__(self, rows: dict[int, str]) -> None:
        self.rows = dict(rows)
        self.versions = dict.fromkeys(rows, 1)
        self.loads: list[list[int] | None] = []
        self.entered = threading.Event()  # a load has started
        self.release = threading.Event()  # let a waiting load finish
        self.wait = False

    def edit(self, pk: int, text: str) -> None:
        self.rows[pk] = text
        self.versions[pk] += 1

    def fingerprints(self) -> dict[int, int]:
        return dict(self.versions)

    def load(self, pks: Collection[int] | None) -> list[tuple[int, str]]:
        self.loads.append(None if pks is None else sorted(pks))
        self.entered.set()
        if self.wait:
            assert self.release.wait(10), "the test never released the load"
        chosen = self.rows if pks is None else {pk: self.rows[pk] for pk in pks}
        return sorted(chosen.items())


def _document(row: tuple[int, str]) -> Expert:
    pk, text = row
    return Expert(id=str(pk), name=f"专家{pk}", fields=(text,))


@pytest.fixture
def table() -> Iterator[_Table]:
    yield _Table({1: "棉纺织", 2: "印染工艺", 3: "林果栽培"})


@pytest.fixture
def index(table: _Table) -> Iterator[LiveIndex]:
    made = LiveIndex(
        "条记录", fingerprints=table.fingerprints, load=table.load, to_document=_document
    )
    yield made
    live._INDEXES.remove(made)


def _in_thread(target: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(target()), daemon=True)
    thread.start()
    return thread, result


def test_ranking_never_waits_for_a_refresh(table: _Table, index: LiveIndex) -> None:
    published = index.get()
    # A reader is in the middle of ranking (its filter blocks) ...
    ranking = threading.Event()
    finish = threading.Event()

    def slow_keep(expert: Expert) -> bool:
        ranking.set()
        return finish.wait(10)

    reader, found = _in_thread(
        lambda: published.recommend(Demand(id="q", title="印染工艺"), 2, keep=slow_keep)
    )
    assert ranking.wait(10)
    # ... while an edit is picked up: the refresh must not wait for the ranking.
    table.edit(2, "红枣水肥一体化")
    refresher, refreshed = _in_thread(index.get)
    refresher.join(10)
    assert not refresher.is_alive(), "the refresh waited for a ranking"
    assert index.last_indexed == [2]
    assert refreshed[0] is not published
    finish.set()
    reader.join(10)
    # The reader finished on its own, unchanged snapshot.
    assert found and found[0][0].expert_id == "2"  # type: ignore[index]
    assert published.experts["2"].fields == ("印染工艺",)


def test_a_reader_holding_an_engine_is_not_blocked_by_indexing(
    table: _Table, index: LiveIndex
) -> None:
    published = index.get()
    table.edit(3, "林果栽培与红枣矮化密植")
    table.wait = True
    table.entered.clear()
    refresher, refreshed = _in_thread(index.get)
    assert table.entered.wait(10)  # the refresh is indexing, holding the index's lock
    top = published.recommend(Demand(id="q", title="林果栽培"), 1, explain=False)
    assert top[0].expert_id == "3"  # ranked meanwhile, on the published engine
    table.release.set()
    refresher.join(10)
    assert refreshed[0] is index.get() is not published
    assert "红枣" not in published.experts["3"].fields[0]


def test_callers_during_a_build_wait_for_it_and_share_it(table: _Table, index: LiveIndex) -> None:
    table.wait = True
    first, first_result = _in_thread(index.get)
    assert table.entered.wait(10)  # the first caller is building
    second, second_result = _in_thread(index.get)
    third, third_result = _in_thread(index.get)
    table.release.set()
    for thread in (first, second, third):
        thread.join(10)
    assert index.builds == 1
    assert table.loads == [None]  # one load of everything, no second build
    assert first_result[0] is second_result[0] is third_result[0]


def test_reset_drops_every_index(table: _Table, index: LiveIndex) -> None:
    index.get()
    assert index.built
    live.reset()
    assert not index.built


def test_the_indexes_share_one_encoder() -> None:
    from tepai.recommender.catalogs import OPEN_DEMANDS, OUTCOMES

    _three()
    experts, outcomes, demands = live.shared_engine(), OUTCOMES.get(), OPEN_DEMANDS.get()
    assert experts.encoder is not None
    assert experts.encoder is outcomes.encoder is demands.encoder is service.build_encoder()


def test_build_encoder_makes_one_instance_per_choice_even_under_a_race(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tepai.matching import HashingEncoder

    original = HashingEncoder.__init__

    def slow_init(self: object, *args: object, **kwargs: object) -> None:
        time.sleep(0.05)  # widen the window two threads could both create one
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(HashingEncoder, "__init__", slow_init)
    monkeypatch.setattr(service, "_encoders", {})
    threads = [_in_thread(service.build_encoder) for _ in range(6)]
    for thread, _result in threads:
        thread.join(10)
    made = {id(result[0]) for _thread, result in threads}
    assert len(made) == 1
    with override_settings(TEPAI_MATCH_ENCODER="none"):
        assert service.build_encoder() is None
    assert service.build_encoder() is threads[0][1][0]


# ----- snapshots: a CLI process reuses the index the previous one left on disk -------------


@pytest.fixture
def kept(table: _Table, tmp_path: Path) -> Iterator[LiveIndex]:
    made = LiveIndex(
        "条记录",
        snapshot="fake",
        fingerprints=table.fingerprints,
        load=table.load,
        to_document=_document,
    )
    with override_settings(TEPAI_CACHE_DIR=tmp_path):
        yield made
    live._INDEXES.remove(made)


def _next_process(index: LiveIndex) -> None:
    index.reset()  # what a new process starts with: nothing in memory


def test_a_snapshot_spares_the_next_process_the_build(
    table: _Table, kept: LiveIndex, tmp_path: Path
) -> None:
    with live.snapshots():
        first = kept.get()
    path = tmp_path / "engines" / "fake.pickle"
    assert path.is_file() and kept.builds == 1
    _next_process(kept)
    table.loads.clear()
    with live.snapshots():
        restored = kept.get()
    assert kept.builds == 1 and table.loads == [] and kept.last_indexed == []
    assert restored is not first and sorted(restored.experts) == ["1", "2", "3"]
    assert restored.encoder is first.encoder  # the process's own, not a pickled copy
    top = restored.recommend(Demand(id="q", title="印染工艺"), 1, explain=False)
    assert top[0].expert_id == "2"
    # An edit since the snapshot is picked up like any refresh, and saved for the next one.
    table.edit(3, "红枣矮化密植")
    _next_process(kept)
    with live.snapshots():
        assert "红枣矮化密植" in kept.get().experts["3"].fields
    assert kept.last_indexed == [3] and table.loads[-1] == [3]
    _next_process(kept)
    with live.snapshots():
        kept.get()
    assert kept.last_indexed == [] and kept.builds == 1


def test_without_snapshots_nothing_is_written_or_read(
    table: _Table, kept: LiveIndex, tmp_path: Path
) -> None:
    kept.get()
    assert not (tmp_path / "engines").exists()
    with live.snapshots():
        kept.reset()
        kept.get()
    _next_process(kept)
    kept.get()  # outside the block: built, not restored
    assert kept.builds == 3


def test_a_snapshot_of_other_code_or_a_damaged_one_is_rebuilt(
    table: _Table, kept: LiveIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with live.snapshots():
        kept.get()
    _next_process(kept)
    monkeypatch.setattr(live, "_code_key", lambda: "the engine's code changed")
    with live.snapshots():
        kept.get()
    assert kept.builds == 2
    (tmp_path / "engines" / "fake.pickle").write_bytes(b"not a pickle")
    _next_process(kept)
    with live.snapshots():
        assert len(kept.get()) == 3
    assert kept.builds == 3
