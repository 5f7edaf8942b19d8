"""The benchmarks' evaluation code, which does not ship in the runtime package.

A ranker's run and its mean metrics (benchmarks/ranking.py), the TF-IDF baseline
(baselines.py), the reviewer–paper gold standard (goldstandard.py) and the BEIR-format writers
(datasets.py); tepai.matching.evaluation keeps only what `tepai match eval` runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pytest

# benchmarks/ is a folder of scripts, not a package: pytest puts the repository root (where
# conftest.py is) on sys.path, so its modules import as benchmarks.<name>, as the scripts
# themselves do when run with `python -m benchmarks.<name>`.
from benchmarks.baselines import TfidfBaseline, char_bigrams, english_words
from benchmarks.datasets import write_corpus, write_qrels, write_queries
from benchmarks.goldstandard import (
    goldstandard_loss,
    goldstandard_pair_counts,
    goldstandard_resolution,
    load_goldstandard_evaluations,
)
from benchmarks.ranking import (
    Ranker,
    Scorer,
    evaluate_run,
    order_by_score,
    per_query_metrics,
    run_ranker,
)
from tepai.matching import (
    Demand,
    Expert,
    InvalidInput,
    WorkItem,
    load_corpus,
    load_qrels,
    load_queries,
)

ROOT = Path(__file__).resolve().parent.parent
LOG2_3 = math.log2(3)


def test_the_runtime_package_keeps_only_what_tepai_match_eval_runs() -> None:
    import tepai.matching.evaluation as evaluation

    for name in (
        "TfidfBaseline",
        "char_bigrams",
        "english_words",
        "evaluate_run",
        "goldstandard_loss",
        "load_goldstandard_evaluations",
        "order_by_score",
        "per_query_metrics",
        "Ranker",
        "run_ranker",
        "Scorer",
        "write_corpus",
        "write_qrels",
        "write_queries",
    ):
        assert not hasattr(evaluation, name), name


# --- a ranker's run and its mean metrics ------------------------------------------------------


def test_it_breaks_score_ties_by_doc_id_whatever_order_the_ranker_listed() -> None:
    assert order_by_score([("b", 1.0), ("a", 1.0), ("c", 2.0)]) == ["c", "a", "b"]
    run_b_first = {"q": [("b", 1.0), ("a", 1.0)]}
    run_a_first = {"q": [("a", 1.0), ("b", 1.0)]}
    qrels = {"q": {"a": 1}}
    assert evaluate_run(run_b_first, qrels) == evaluate_run(run_a_first, qrels)
    assert evaluate_run(run_b_first, qrels)["mrr"] == 1.0


def test_it_rejects_nan_scores() -> None:
    with pytest.raises(InvalidInput, match="NaN"):
        order_by_score([("a", float("nan"))])


def test_it_averages_only_over_queries_with_relevant_docs() -> None:
    run = {
        "q1": [("a", 0.9), ("b", 0.5)],
        "q2": [("a", 0.9)],  # judged, but nothing relevant: excluded
        "q3": [("b", 0.9)],  # not judged at all: excluded
    }
    qrels = {"q1": {"b": 1}, "q2": {"a": 0}, "q4": {"a": 2}}  # q4 has no answer: scores 0
    metrics = evaluate_run(run, qrels)
    assert metrics["queries"] == 2
    assert metrics["mrr"] == pytest.approx((1 / 2 + 0) / 2)
    assert metrics["ndcg@10"] == pytest.approx((1 / LOG2_3 + 0) / 2)
    assert metrics["recall@10"] == pytest.approx(0.5)
    assert set(metrics) == {"ndcg@5", "ndcg@10", "recall@5", "recall@10", "mrr", "queries"}
    assert set(per_query_metrics(run, qrels)) == {"q1", "q4"}


def test_it_gives_zeros_for_a_run_over_no_relevant_queries() -> None:
    assert evaluate_run({}, {"q": {"a": 0}}) == {
        "ndcg@5": 0.0,
        "ndcg@10": 0.0,
        "recall@5": 0.0,
        "recall@10": 0.0,
        "mrr": 0.0,
        "queries": 0,
    }


# --- rankers ----------------------------------------------------------------------------------


class CharOverlapRanker:
    """Score = number of distinct demand characters in the expert's profile."""

    def __init__(self) -> None:
        self.experts: Sequence[Expert] = ()

    def index(self, experts: Sequence[Expert]) -> None:
        self.experts = experts

    def rank(self, demand: Demand, k: int) -> list[tuple[str, float]]:
        scores = [
            (expert.id, float(len(set(demand.text) & set(expert.profile))))
            for expert in self.experts
        ]
        return sorted(scores, key=lambda pair: -pair[1])[:k]


EXPERTS = [
    Expert(id="e1", profile="水稻育种"),
    Expert(id="e2", profile="机器学习"),
    Expert(id="e3", profile="棉花种植"),
]


def test_it_runs_a_ranker_over_demands() -> None:
    ranker = CharOverlapRanker()
    assert isinstance(ranker, Ranker)
    demands = [Demand(id="d1", text="机器视觉"), Demand(id="d2", text="稻棉")]
    run = run_ranker(ranker, EXPERTS, demands, k=2)
    assert run == {
        "d1": [("e2", 2.0), ("e1", 0.0)],
        "d2": [("e1", 1.0), ("e3", 1.0)],
    }
    metrics = evaluate_run(run, {"d1": {"e2": 1}, "d2": {"e3": 1}})
    # d2: e1 and e3 tie at 1.0, so e1 (lower id) ranks first and e3 second.
    assert metrics["mrr"] == pytest.approx((1 + 1 / 2) / 2)
    assert metrics["queries"] == 2


def test_it_rejects_a_ranker_that_answers_with_unknown_experts() -> None:
    class Confused(CharOverlapRanker):
        def rank(self, demand: Demand, k: int) -> list[tuple[str, float]]:
            return [("ghost", 1.0)]

    with pytest.raises(InvalidInput, match="unknown expert id 'ghost'"):
        run_ranker(Confused(), EXPERTS, [Demand(id="d", text="x")])


def test_it_rejects_demands_with_the_same_id() -> None:
    demands = [Demand(id="d", text="水稻"), Demand(id="d", text="棉花")]
    with pytest.raises(InvalidInput, match="'d' occurs twice"):
        run_ranker(CharOverlapRanker(), EXPERTS, demands)


def test_it_tokenises_chinese_into_bigrams_and_english_into_words() -> None:
    assert char_bigrams("机器学习，ＡＩ芯片 x") == ["机器", "器学", "学习", "ai", "芯片", "x"]
    assert char_bigrams("稻") == ["稻"]
    # Stopwords ("the", "of") and one-character words ("2", "e", "g") are dropped.
    assert english_words("The Reviewer-paper matching of 2 models, e.g. BERT") == [
        "reviewer",
        "paper",
        "matching",
        "models",
        "bert",
    ]


def test_it_ranks_and_scores_with_the_tfidf_baseline() -> None:
    baseline = TfidfBaseline(char_bigrams)
    assert isinstance(baseline, Ranker)
    assert isinstance(baseline, Scorer)
    experts = [
        Expert(id="b", items=(WorkItem(title="水稻育种", text="杂交水稻高产育种"),)),
        Expert(id="a", profile="棉花栽培与病虫害防治"),
        Expert(id="c", name="水稻", profile="工业机器人控制"),  # the name is not evidence
    ]
    baseline.index(experts)
    ranking = baseline.rank(Demand(id="d", title="水稻育种技术"), k=3)
    assert ranking[0][0] == "b"
    assert ranking[0][1] > 0
    # a and c share nothing with the demand: tied at 0 and ordered by id.
    assert ranking[1:] == [("a", 0.0), ("c", 0.0)]
    scores = baseline.score(Demand(id="d", text="棉花病虫害"), ["c", "a"])
    assert set(scores) == {"a", "c"}
    assert scores["a"] > scores["c"] == 0.0
    with pytest.raises(InvalidInput, match="'zz' is not indexed"):
        baseline.score(Demand(id="d", text="x"), ["zz"])


def test_it_scores_an_identical_text_one_and_unknown_words_zero() -> None:
    baseline = TfidfBaseline(char_bigrams)
    baseline.index([Expert(id="x", profile="智能制造"), Expert(id="y", profile="生物医药")])
    assert baseline.score(Demand(id="d", text="智能制造"), ["x"])["x"] == pytest.approx(1.0)
    assert baseline.rank(Demand(id="d", text="量子通信"), k=5) == [("x", 0.0), ("y", 0.0)]


def test_it_rejects_duplicate_expert_ids_in_the_baseline() -> None:
    with pytest.raises(InvalidInput, match="'x' occurs twice"):
        TfidfBaseline(char_bigrams).index([Expert(id="x"), Expert(id="x")])


# --- BEIR-format writers ----------------------------------------------------------------------


def test_it_writes_files_the_loaders_read_back(tmp_path: Path) -> None:
    experts = [
        Expert(
            id="e1",
            name="王五",
            title="研究员",
            institution="农科院",
            region="阿克苏",
            profile="简介",
            fields=("育种",),
            items=(WorkItem(title="项目"), WorkItem(title="论文", text="摘要", kind="paper")),
            clusters=("粮油",),
        ),
        Expert(id="e2"),
    ]
    demands = [
        Demand(id="q1", text="需求"),
        Demand(
            id="q2",
            title="题目",
            text="正文",
            skills=("育种", "栽培"),
            cluster="粮油",
            region="阿克苏",
            enterprise="某公司",
        ),
    ]
    qrels = {"q2": {"e1": 2.0, "e2": 0.5}, "q1": {"e1": 1.0}}
    write_corpus(tmp_path / "corpus.jsonl", experts)
    write_queries(tmp_path / "queries.jsonl", demands)
    assert write_qrels(tmp_path / "qrels.tsv", qrels) == 3
    assert load_corpus(tmp_path / "corpus.jsonl") == experts
    assert load_queries(tmp_path / "queries.jsonl") == demands
    assert load_qrels(tmp_path / "qrels.tsv") == qrels
    lines = (tmp_path / "qrels.tsv").read_text(encoding="utf-8").splitlines()
    assert lines == ["query-id\tcorpus-id\tscore", "q1\te1\t1", "q2\te1\t2", "q2\te2\t0.5"]


# --- the reviewer–paper gold standard ---------------------------------------------------------

# Reviewer r1 rates four papers (p2 and p7 tied), r2 three. Pairs and their |Δ|:
#   r1: (p1,p2) 2, (p1,p3) 4, (p1,p7) 2, (p2,p3) 2, (p2,p7) 0, (p3,p7) 2   → Σ 12
#   r2: (p4,p5) 0.5, (p4,p6) 2, (p5,p6) 2.5                              → Σ 5
EVALUATIONS = {
    "r1": {"p1": 5.0, "p2": 3.0, "p3": 1.0, "p7": 3.0},
    "r2": {"p4": 4.0, "p5": 4.5, "p6": 2.0},
}
# r1: only (p2,p3) is inverted (0.1 < 0.5), costing 2. r2: (p4,p5) is a predicted tie
# costing 0.5/2, (p4,p6) and (p5,p6) are inverted, costing 2 + 2.5.
PREDICTIONS = {
    "r1": {"p1": 0.9, "p2": 0.1, "p3": 0.5, "p7": 0.7},
    "r2": {"p4": 0.3, "p5": 0.3, "p6": 0.6},
}


def test_it_computes_the_goldstandard_loss_by_hand() -> None:
    assert goldstandard_loss(PREDICTIONS, EVALUATIONS) == pytest.approx((2 + 0.25 + 4.5) / 17)


def test_it_gives_a_constant_predictor_loss_one_half() -> None:
    constant = {reviewer: dict.fromkeys(papers, 1.0) for reviewer, papers in EVALUATIONS.items()}
    assert goldstandard_loss(constant, EVALUATIONS) == 0.5
    # Predicted ties are wrong in the resolution accuracies.
    assert goldstandard_resolution(constant, EVALUATIONS, "easy") == 0.0


def test_it_computes_easy_and_hard_resolution_by_hand() -> None:
    # easy (max ≥ 4, min ≤ 2): (p1,p3) right, (p4,p6) and (p5,p6) wrong.
    assert goldstandard_resolution(PREDICTIONS, EVALUATIONS, "easy") == pytest.approx(1 / 3)
    # hard (both ≥ 4, untied): only (p4,p5), a predicted tie, so wrong.
    assert goldstandard_resolution(PREDICTIONS, EVALUATIONS, "hard") == 0.0
    assert goldstandard_pair_counts(EVALUATIONS) == {
        "pairs": 9,
        "untied": 8,
        "easy": 3,
        "hard": 1,
    }


def test_it_ignores_the_scale_of_predictions() -> None:
    scaled = {r: {p: 10 * s - 3 for p, s in papers.items()} for r, papers in PREDICTIONS.items()}
    assert goldstandard_loss(scaled, EVALUATIONS) == goldstandard_loss(PREDICTIONS, EVALUATIONS)


def test_it_names_the_missing_prediction() -> None:
    partial = {"r1": PREDICTIONS["r1"], "r2": {"p4": 0.1, "p5": 0.2}}
    with pytest.raises(InvalidInput, match="reviewer r2, paper p6"):
        goldstandard_loss(partial, EVALUATIONS)


def test_it_refuses_evaluations_without_a_usable_pair() -> None:
    tied = {"r": {"a": 3.0, "b": 3.0}}
    with pytest.raises(InvalidInput, match="no pair"):
        goldstandard_loss({"r": {"a": 1.0, "b": 0.0}}, tied)
    with pytest.raises(InvalidInput, match="no hard pair"):
        goldstandard_resolution({"r": {"a": 1.0, "b": 0.0}}, tied, "hard")


def _evaluations_csv(rows: list[list[str]]) -> str:
    header = ["ParticipantID"] + [f"Paper{n}" for n in range(1, 11)]
    header += [f"Expertise{n}" for n in range(1, 11)]
    return "\n".join("\t".join(row) for row in [header, *rows]) + "\n"


def test_it_loads_goldstandard_evaluations(tmp_path: Path) -> None:
    papers = ["pa", "pb", ""] + [""] * 7
    ratings = ["4.25", "2", ""] + [""] * 7
    path = tmp_path / "evaluations.csv"
    path.write_text(_evaluations_csv([["17", *papers, *ratings]]), encoding="utf-8")
    assert load_goldstandard_evaluations(path) == {"17": {"pa": 4.25, "pb": 2.0}}


def test_it_names_the_line_of_a_bad_rating(tmp_path: Path) -> None:
    good = ["1", "pa", *[""] * 9, "3", *[""] * 9]
    bad = ["2", "pa", "pb", *[""] * 8, "3", "lots", *[""] * 8]
    path = tmp_path / "evaluations.csv"
    path.write_text(_evaluations_csv([good, bad]), encoding="utf-8")
    with pytest.raises(InvalidInput, match="Expertise2 'lots' is not a number") as error:
        load_goldstandard_evaluations(path)
    assert f"{path}:3:" in str(error.value)


SHARED_GOLDSTANDARD = ROOT.parent / "shared" / "data" / "goldstandard"


@pytest.mark.skipif(
    not (SHARED_GOLDSTANDARD / "data" / "evaluations.csv").is_file(),
    reason="needs ../shared/data/goldstandard",
)
def test_it_reproduces_the_goldstandard_readme_counts() -> None:
    evaluations = load_goldstandard_evaluations(SHARED_GOLDSTANDARD / "data" / "evaluations.csv")
    assert len(evaluations) == 58
    assert sum(len(papers) for papers in evaluations.values()) == 477
    assert goldstandard_pair_counts(evaluations) == {
        "pairs": 1841,
        "untied": 1653,
        "easy": 261,
        "hard": 417,
    }
    constant = {reviewer: dict.fromkeys(papers, 0.0) for reviewer, papers in evaluations.items()}
    assert goldstandard_loss(constant, evaluations) == 0.5
