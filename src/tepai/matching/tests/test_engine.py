"""The engine ranks, explains, filters and updates incrementally (hashing encoder: fast, exact)."""

from __future__ import annotations

import pytest

from tepai.matching import Demand, Expert, WorkItem
from tepai.matching.dense import HashingEncoder
from tepai.matching.engine import EngineConfig, MatchingEngine

AIR_COOLING = Expert(
    id="air",
    name="李空冷",
    institution="国网浙江省电力有限公司电力科学研究院",
    profile="长期从事火电机组直接空冷系统运行优化与节能研究。",
    fields=("直接空冷", "凝汽器", "火电节能"),
    items=(
        WorkItem("直接空冷凝汽器翅片管束积灰在线清洗机器人研制", "研制了空冷岛翅片清洗机器人。"),
        WorkItem("夏季高温工况空冷机组背压控制方法"),
    ),
    clusters=("煤炭煤电煤化工",),
)
DYEING = Expert(
    id="dye",
    name="王印染",
    institution="浙江理工大学",
    profile="从事棉织物活性染料染色与印染废水处理研究。",
    fields=("印染", "染色工艺"),
    items=(WorkItem("棉混纺面料染色色差在线检测与控制"),),
    clusters=("棉花和纺织服装",),
)
APPLES = Expert(
    id="apple",
    name="张果树",
    institution="浙江农林大学",
    profile="从事苹果矮化密植栽培与果园水肥一体化研究。",
    fields=("苹果栽培",),
    items=(WorkItem("苹果矮砧密植建园技术示范"),),
)
PLAIN_DEMAND = Demand(
    id="d1",
    title="空冷岛散热片清洗",
    text="夏天空冷岛散热片被柳絮和沙尘糊住，机组负荷带不上去，人工冲洗要停机半天。",
    cluster="煤炭煤电煤化工",
    enterprise="浙能阿克苏热电有限公司",
)


@pytest.fixture
def engine() -> MatchingEngine:
    built = MatchingEngine(encoder=HashingEncoder())
    built.index([AIR_COOLING, DYEING, APPLES])
    return built


def test_it_ranks_the_fitting_expert_first_with_a_chinese_explanation(
    engine: MatchingEngine,
) -> None:
    results = engine.recommend(PLAIN_DEMAND, 3)
    assert results[0].expert_id == "air"
    assert [r.rank for r in results] == [1, 2, 3]
    assert results[0].score > results[1].score
    explanation = results[0].explanation
    assert explanation is not None
    assert explanation.text.startswith("推荐李空冷：")
    assert "翅片管束积灰在线清洗机器人" in explanation.text
    assert "服务同一产业集群（煤炭煤电煤化工，+0.02）" in explanation.signals
    # The plain words reached the expert's vocabulary through the thesaurus.
    assert any("需求中的" in part for part in explanation.text.split("、"))
    assert all(r.explanation is not None and r.explanation.text for r in results)


def test_conflicts_employers_and_full_loads_are_excluded(engine: MatchingEngine) -> None:
    engine.upsert(
        AIR_COOLING.__class__(**{**AIR_COOLING.__dict__, "conflicts": ("浙能阿克苏热电有限公司",)})
    )
    assert "air" not in [r.expert_id for r in engine.recommend(PLAIN_DEMAND, 3)]
    engine.upsert(AIR_COOLING.__class__(**{**AIR_COOLING.__dict__, "load": 2, "max_load": 2}))
    assert "air" not in [r.expert_id for r in engine.recommend(PLAIN_DEMAND, 3)]
    assert "air" in [r.expert_id for r in engine.recommend(PLAIN_DEMAND, 3, respect_capacity=False)]
    assert "dye" not in [r.expert_id for r in engine.recommend(PLAIN_DEMAND, 3, exclude={"dye"})]


def test_scores_do_not_depend_on_which_other_experts_are_scored(engine: MatchingEngine) -> None:
    together = engine.score(PLAIN_DEMAND, ["air", "dye", "apple"])
    alone = engine.score(PLAIN_DEMAND, ["dye"])
    assert alone["dye"] == pytest.approx(together["dye"])


def test_incremental_updates_equal_a_rebuild(engine: MatchingEngine) -> None:
    changed = Expert(**{**APPLES.__dict__, "items": (WorkItem("空冷凝汽器翅片清洗"),)})
    engine.upsert(changed)
    engine.remove("dye")
    rebuilt = MatchingEngine(encoder=HashingEncoder())
    rebuilt.index([AIR_COOLING, changed])
    assert engine.score(PLAIN_DEMAND, ["air", "apple"]) == pytest.approx(
        rebuilt.score(PLAIN_DEMAND, ["air", "apple"])
    )
    assert len(engine) == 2


def test_rankings_after_many_updates_and_compactions_equal_a_rebuild() -> None:
    # Queries in between updates exercise the slot→expert map grown part by part; the many
    # removals force the sparse index to compact (renumbering slots) several times. Sparse
    # only with a pool of 2 candidates, so a wrong map would pick the wrong candidates.
    config = EngineConfig(candidates=2)
    live = MatchingEngine(config)
    live.index([AIR_COOLING, DYEING, APPLES])
    layouts = {live.sparse.layout}
    current = {expert.id: expert for expert in (AIR_COOLING, DYEING, APPLES)}
    for round_ in range(12):
        live.recommend(PLAIN_DEMAND, 3)
        moved = Expert(
            **{**DYEING.__dict__, "id": f"dye{round_}", "items": (WorkItem(f"空冷{round_}"),)}
        )
        live.upsert(moved)
        current[moved.id] = moved
        if round_ % 2:
            live.remove(f"dye{round_ - 1}")
            del current[f"dye{round_ - 1}"]
        live.upsert(Expert(**{**APPLES.__dict__, "profile": f"苹果栽培第{round_}版"}))
        current["apple"] = live.experts["apple"]
        layouts.add(live.sparse.layout)
    assert len(layouts) > 2  # compaction happened in between
    rebuilt = MatchingEngine(config)
    rebuilt.index(current.values())
    ranked = [(r.expert_id, r.score) for r in live.recommend(PLAIN_DEMAND, 10)]
    expected = [(r.expert_id, r.score) for r in rebuilt.recommend(PLAIN_DEMAND, 10)]
    assert [e for e, _ in ranked] == [e for e, _ in expected]
    assert [s for _, s in ranked] == pytest.approx([s for _, s in expected])


def test_it_works_without_a_dense_encoder() -> None:
    sparse_only = MatchingEngine(encoder=None)
    sparse_only.index([AIR_COOLING, DYEING, APPLES])
    assert sparse_only.recommend(PLAIN_DEMAND, 1)[0].expert_id == "air"


def test_skill_affinity_covers_lexical_and_thesaurus_matches(engine: MatchingEngine) -> None:
    affinity = engine.skill_affinity("染色色差", ["dye", "apple"])
    assert affinity["dye"] >= 0.5
    assert affinity["apple"] < 0.5
    assert all(0.0 <= value <= 1.0 for value in affinity.values())


def test_progress_is_reported_while_indexing() -> None:
    seen: list[tuple[int, int]] = []
    MatchingEngine(encoder=None).index(
        [AIR_COOLING, DYEING, APPLES], progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (3, 3)


def test_evidence_shows_only_telling_terms() -> None:
    # "回" (from 回用) matches the item's 回用 but tells a reader nothing.
    engine = MatchingEngine()
    engine.index([Expert(id="x", name="甲", items=(WorkItem("印染废水脱色与回用关键技术"),))])
    demand = Demand(
        id="d", title="印染废水脱色处理", text="废水色度高，絮凝脱色效果差，达不到园区回用标准。"
    )
    [recommendation] = engine.recommend(demand, 3)
    assert recommendation.explanation is not None
    terms = recommendation.explanation.evidence[0].terms
    assert "脱色" in terms
    assert all(len(term) >= 2 for term in terms)
