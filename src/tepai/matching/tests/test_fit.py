"""What the engine says beyond a ranking: thin profiles, "nobody fits", confidence, signals."""

from __future__ import annotations

import pytest

from tepai.matching import Demand, Expert, WorkItem
from tepai.matching.dense import HashingEncoder
from tepai.matching.engine import EngineConfig, MatchingEngine
from tepai.matching.vocabulary import DemandVocabulary

# A new batch as it arrives: one roster line each, no bio, no work items.
SPINNING = Expert(
    id="spin", name="周纺纱", institution="浙江理工大学", fields=("纺织工程", "纺纱学", "新型纱线")
)
DYEING = Expert(
    id="dye", name="韩染整", institution="浙江理工大学", fields=("染整工程", "纺织化学", "生态染色")
)
# Rich, long profiles in other fields that share everyday words with a mill's complaint.
POWER = Expert(
    id="power",
    name="钱电厂",
    institution="国网浙江省电力有限公司电力科学研究院",
    profile="长期从事火电机组节能与热力试验研究，夏季高温工况下机组降低能耗和车间通风降温改造，"
    "主持国家及省部级项目10余项，发表论文50余篇。",
    fields=("火电机组节能", "直接空冷系统", "热力试验"),
    items=(
        WorkItem("夏季高温工况空冷机组背压控制与降低能耗方法"),
        WorkItem("电厂车间通风降温节能改造"),
    ),
)
CROPS = Expert(
    id="crops",
    name="冯小麦",
    institution="浙江农林大学",
    profile="从事小麦玉米高产栽培与耕作制度研究，夏天高温干旱条件下作物产量形成，主持项目多项。",
    fields=("小麦玉米栽培", "复播种植", "作物产量形成"),
    items=(WorkItem("夏季复播玉米高产栽培技术示范"),),
)
POOL = [SPINNING, DYEING, POWER, CROPS]


@pytest.fixture
def engine() -> MatchingEngine:
    built = MatchingEngine(encoder=HashingEncoder())
    built.index(POOL)
    return built


def test_it_finds_a_roster_only_member_for_a_plain_language_demand_in_their_field(
    engine: MatchingEngine,
) -> None:
    demand = Demand(
        id="mill",
        title="细纱断头率高",
        text="细纱断头率高，夏天车间闷热，想降低能耗。",
    )
    ranked = [item.expert_id for item in engine.recommend(demand, 4)]
    assert ranked[0] == "spin", ranked


def test_it_says_nobody_fits_a_demand_in_a_field_nobody_covers(engine: MatchingEngine) -> None:
    demand = Demand(
        id="chip",
        title="功率模块封装焊料层空洞率高",
        text="IGBT功率模块真空回流焊后焊料层空洞率超过5%，芯片结温升高，需要优化焊接工艺。",
    )
    result = engine.match(demand, 3)
    assert result.no_fit
    assert result.no_fit_reason.startswith("现有特派员中没有合适人选")
    assert result.uncovered and all(term in demand.title + demand.text for term in result.uncovered)
    assert all(item.confidence == "低" for item in result.recommendations)
    assert result.fit_probability < 0.5


def test_it_does_not_flag_a_demand_someone_fits(engine: MatchingEngine) -> None:
    demand = Demand(
        id="dyeing", title="棉布染色不匀", text="纯棉布活性染料染色后色花，生态染色工艺。"
    )
    result = engine.match(demand, 3)
    assert not result.no_fit
    assert result.recommendations[0].expert_id == "dye"
    assert result.recommendations[0].confidence in {"高", "中"}
    assert result.no_fit_reason == ""


def test_match_ranks_like_recommend_and_keeps_k(engine: MatchingEngine) -> None:
    demand = Demand(id="d", title="纱线断头", text="纺纱车间细纱断头多")
    result = engine.match(demand, 2)
    assert [r.expert_id for r in result.recommendations] == [
        r.expert_id for r in engine.recommend(demand, 2)
    ]
    assert len(result.recommendations) == 2


def test_a_shared_other_cluster_earns_nothing_and_signals_show_their_weight() -> None:
    config = EngineConfig()
    engine = MatchingEngine(config, encoder=HashingEncoder())
    engine.index(
        [
            Expert(id="a", fields=("纺纱学",), clusters=("其他",)),
            Expert(id="b", fields=("纺纱学",), clusters=("棉花和纺织服装",)),
        ]
    )
    other = engine.recommend(Demand(id="o", title="纺纱", cluster="其他"), 2)
    assert {r.components["structured"] for r in other} == {0.0}
    textile = engine.recommend(Demand(id="t", title="纺纱", cluster="棉花和纺织服装"), 2)
    assert textile[0].expert_id == "b"
    assert textile[0].components["structured"] == pytest.approx(config.cluster_bonus)
    assert textile[0].explanation is not None
    assert "服务同一产业集群（棉花和纺织服装，+0.02）" in textile[0].explanation.signals


def test_the_title_weighs_more_than_the_body() -> None:
    engine = MatchingEngine(encoder=None)
    engine.index(
        [Expert(id="spin", fields=("细纱工艺",)), Expert(id="boiler", fields=("锅炉燃烧",))]
    )
    demand = Demand(id="d", title="细纱工艺", text="厂里锅炉燃烧也要看一看")
    assert engine.recommend(demand, 1)[0].expert_id == "spin"
    flat = MatchingEngine(EngineConfig(title_weight=1.0), encoder=None)
    flat.index(engine.experts.values())
    weights = dict(engine.query_terms(demand))
    assert weights["细纱"] == pytest.approx(2 * dict(flat.query_terms(demand))["细纱"])


def test_boilerplate_most_demands_share_weighs_little() -> None:
    engine = MatchingEngine(encoder=None)
    engine.index([Expert(id="e", fields=("细纱工艺", "申报"))])
    notice = "申报单位须在截止时间前提交揭榜方案"
    demands = [Demand(id=f"d{i}", title=f"问题{i}", text=notice) for i in range(30)]
    engine.observe_demands(demands)
    weights = dict(engine.query_terms(Demand(id="x", title="细纱工艺", text=notice)))
    assert weights["申报"] < 0.2 * weights["细纱"]


def test_the_demand_vocabulary_learns_shares_and_forgets() -> None:
    vocabulary = DemandVocabulary(share=0.5, floor=0.1, min_demands=2)
    vocabulary.put("a", ["申报", "纺纱"])
    vocabulary.put("b", ["申报", "染色"])
    vocabulary.put("c", ["申报"])
    assert vocabulary.weight("纺纱") == 1.0
    assert vocabulary.weight("申报") == pytest.approx(0.5)
    vocabulary.put("c", ["纺纱"])  # replaced, not added
    assert vocabulary.df("申报") == 2 and vocabulary.df("纺纱") == 2
    vocabulary.remove("a")
    assert vocabulary.df("申报") == 1 and len(vocabulary) == 2
    assert DemandVocabulary(min_demands=5).weight("申报") == 1.0


def test_a_pair_scores_and_reads_as_in_any_ranking(engine: MatchingEngine) -> None:
    demand = Demand(id="d", title="棉布染色不匀", text="纯棉布活性染料染色后色花。")
    ranked = {r.expert_id: r for r in engine.recommend(demand, 4)}
    for expert_id, item in ranked.items():
        alone = engine.pair(demand, expert_id)
        assert alone is not None and alone.score == item.score
        assert alone.explanation == item.explanation
    assert engine.pair(demand, "nobody") is None


def test_a_batch_filter_scores_every_member_even_with_no_shared_word() -> None:
    engine = MatchingEngine(EngineConfig(candidates=1, discipline_candidates=0), encoder=None)
    engine.index([*POOL, Expert(id="far", fields=("工业催化",))])
    demand = Demand(id="d", title="细纱断头率高", text="细纱断头率高，夏天车间闷热")
    # Retrieval keeps one candidate per path; the filter's own members are all scored.
    found = engine.recommend(demand, 3, keep=lambda expert: expert.id in {"spin", "far"})
    assert {r.expert_id for r in found} == {"spin", "far"}
