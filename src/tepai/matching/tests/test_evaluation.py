"""tepai.matching.evaluation: metrics against hand-computed values, and the BEIR loaders.

The benchmarks' own evaluation code is tested in tests/test_benchmark_evaluation.py."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tepai.matching.errors import InvalidInput
from tepai.matching.evaluation import (
    load_corpus,
    load_qrels,
    load_queries,
    mrr,
    ndcg_at_k,
    recall_at_k,
)
from tepai.matching.records import Demand, Expert, WorkItem

LOG2_3 = math.log2(3)


# --- metrics ----------------------------------------------------------------------------------


def test_it_computes_graded_ndcg_with_linear_gains_and_log2_discount() -> None:
    qrels = {"b": 2, "d": 1, "e": 1}
    ranking = ["a", "b", "c", "d"]
    # DCG@3 = 0/log2(2) + 2/log2(3) + 0/log2(4); ideal @3 = 2/1 + 1/log2(3) + 1/2.
    ideal = 2 + 1 / LOG2_3 + 1 / 2
    assert ndcg_at_k(ranking, qrels, 3) == pytest.approx((2 / LOG2_3) / ideal)
    assert ndcg_at_k(ranking, qrels, 3) == pytest.approx(0.403030, abs=1e-6)
    # @5 adds d at rank 4 (1/log2(5)); the ideal has only three relevant docs to place.
    assert ndcg_at_k(ranking, qrels, 5) == pytest.approx((2 / LOG2_3 + 1 / math.log2(5)) / ideal)
    assert ndcg_at_k(ranking, qrels, 5) == pytest.approx(0.540586, abs=1e-6)


def test_it_uses_the_gain_itself_not_two_to_the_gain() -> None:
    # pytrec_eval's ndcg_cut (and BEIR) use rel, not 2^rel - 1: (1 + 2/log2 3) / (2 + 1/log2 3).
    assert ndcg_at_k(["b", "a"], {"a": 2, "b": 1}, 2) == pytest.approx(0.859719, abs=1e-6)


def test_it_scores_a_perfect_ranking_one_and_a_query_without_relevant_docs_zero() -> None:
    assert ndcg_at_k(["a", "b", "c"], {"a": 2, "b": 1}, 10) == 1.0
    assert ndcg_at_k(["a", "b"], {"a": 0, "b": -1}, 10) == 0.0
    assert recall_at_k(["a"], {}, 10) == 0.0
    assert mrr(["a"], {"a": 0}) == 0.0


def test_it_counts_negative_judgements_as_not_relevant() -> None:
    assert ndcg_at_k(["x", "a"], {"x": -1, "a": 1}, 2) == pytest.approx(1 / LOG2_3)
    assert mrr(["x", "a"], {"x": -1, "a": 1}) == 0.5


def test_it_does_not_count_a_document_listed_twice_twice() -> None:
    assert ndcg_at_k(["a", "a", "b"], {"a": 1, "b": 1}, 2) == 1.0
    assert recall_at_k(["a", "a", "b"], {"a": 1, "b": 1}, 2) == 1.0


def test_it_computes_recall_at_k_over_relevant_docs_only() -> None:
    qrels = {"a": 1, "b": 2, "c": 0}
    assert recall_at_k(["a", "x", "c", "b"], qrels, 2) == 0.5
    assert recall_at_k(["a", "x", "c", "b"], qrels, 4) == 1.0


def test_it_computes_the_reciprocal_rank_of_the_first_relevant_doc() -> None:
    assert mrr(["x", "y", "a", "b"], {"a": 1, "b": 2}) == pytest.approx(1 / 3)
    assert mrr(["x", "y", "a"], {"a": 1}, k=2) == 0.0


def test_it_rejects_a_cutoff_below_one() -> None:
    with pytest.raises(InvalidInput, match="k must be at least 1"):
        ndcg_at_k(["a"], {"a": 1}, 0)


# --- BEIR-format files ------------------------------------------------------------------------


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_it_loads_a_corpus_into_experts(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "corpus.jsonl",
        [
            json.dumps(
                {"_id": "e1", "title": "张三（某大学）", "text": "研究水稻", "items": ["项目甲"]},
                ensure_ascii=False,
            ),
            "",
            json.dumps(
                {
                    "_id": "e2",
                    "title": "李四",
                    "institution": "某研究所",
                    "fields": ["棉花"],
                    "items": [{"title": "论文乙", "text": "摘要", "kind": "paper"}],
                },
                ensure_ascii=False,
            ),
        ],
    )
    assert load_corpus(path) == [
        Expert(
            id="e1",
            name="张三（某大学）",
            profile="研究水稻",
            items=(WorkItem(title="项目甲"),),
        ),
        Expert(
            id="e2",
            name="李四",
            institution="某研究所",
            fields=("棉花",),
            items=(WorkItem(title="论文乙", text="摘要", kind="paper"),),
        ),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "expected a JSON object"),
        ('{"title": "no id"}', "missing '_id'"),
        ('{"_id": 7}', "'_id' must be a string"),
        ('{"_id": "e1"}', "duplicate _id 'e1'"),
        ('{"_id": "e2", "items": "项目"}', "'items' must be a list"),
        ('{"_id": "e2", "items": [3]}', "each item must be a string or an object"),
        ('{"_id": "e2", "items": [{"text": "no title"}]}', "missing 'title'"),
        ('{"_id": "e2", "fields": "棉花"}', "'fields' must be a list of strings"),
    ],
)
def test_it_names_the_file_and_line_of_a_bad_corpus_record(
    tmp_path: Path, line: str, message: str
) -> None:
    path = _write(tmp_path / "corpus.jsonl", ['{"_id": "e1", "text": "好"}', line])
    with pytest.raises(InvalidInput, match=message) as error:
        load_corpus(path)
    assert f"{path}:2:" in str(error.value)


def test_it_loads_queries_into_demands(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "queries.jsonl",
        ['{"_id": "q1", "text": "水稻抗旱"}', '{"_id": "q2", "title": "题目", "text": "正文"}'],
    )
    assert load_queries(path) == [
        Demand(id="q1", text="水稻抗旱"),
        Demand(id="q2", title="题目", text="正文"),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"_id": "q2"}', "has no text"),
        ('{"_id": "q1", "text": "again"}', "duplicate _id 'q1'"),
        ('{"_id": "q2", "text": 5}', "'text' must be a string"),
    ],
)
def test_it_names_the_file_and_line_of_a_bad_query(tmp_path: Path, line: str, message: str) -> None:
    path = _write(tmp_path / "queries.jsonl", ['{"_id": "q1", "text": "好"}', "", line])
    with pytest.raises(InvalidInput, match=message) as error:
        load_queries(path)
    assert f"{path}:3:" in str(error.value)


def test_it_loads_qrels(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "qrels.tsv",
        ["query-id\tcorpus-id\tscore", "q1\te1\t1", "q1\te2\t2", "", "q2\te1\t0.5"],
    )
    assert load_qrels(path) == {"q1": {"e1": 1.0, "e2": 2.0}, "q2": {"e1": 0.5}}


@pytest.mark.parametrize(
    ("lines", "where", "message"),
    [
        (["q1\te1\t1"], 1, "expected the header"),
        (["query-id\tcorpus-id\tscore", "q1\te1\t1", "q1\te2"], 3, "expected query-id"),
        (["query-id\tcorpus-id\tscore", "q1\te1\thigh"], 2, "'high' is not a number"),
        (["query-id\tcorpus-id\tscore", "q1\te1\tinf"], 2, "is not finite"),
        (["query-id\tcorpus-id\tscore", "q1\te1\t1", "q1\te1\t2"], 3, "listed twice"),
    ],
)
def test_it_names_the_file_and_line_of_a_bad_qrels_line(
    tmp_path: Path, lines: list[str], where: int, message: str
) -> None:
    path = _write(tmp_path / "qrels.tsv", lines)
    with pytest.raises(InvalidInput, match=message) as error:
        load_qrels(path)
    assert f"{path}:{where}:" in str(error.value)


def test_it_says_which_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"corpus\.jsonl: cannot read"):
        load_corpus(tmp_path / "corpus.jsonl")
