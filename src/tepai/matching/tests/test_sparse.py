"""BM25Index: exact scores, incremental updates, persistence and explanations."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from tepai.matching.errors import InvalidInput
from tepai.matching.sparse import BM25Index

K1, B = 1.2, 0.75


def _brute_force(
    docs: dict[str, list[str]], query: list[tuple[str, float]], k1: float = K1, b: float = B
) -> dict[str, float]:
    """BM25 straight from the formula, one document and one term at a time."""
    n = len(docs)
    average = sum(len(tokens) for tokens in docs.values()) / n
    scores: dict[str, float] = {}
    for doc_id, tokens in docs.items():
        total = 0.0
        for term, weight in query:
            df = sum(1 for other in docs.values() if term in other)
            tf = tokens.count(term)
            if df == 0 or tf == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            total += weight * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(tokens) / average))
        if total > 0:
            scores[doc_id] = total
    return scores


def _corpus(seed: int, size: int = 80, vocabulary: int = 40) -> dict[str, list[str]]:
    rng = random.Random(seed)
    terms = [f"词{i}" for i in range(vocabulary)]
    # Skewed term choice (prefixes of the vocabulary) gives both common and rare terms.
    return {
        f"doc-{i}": [
            rng.choice(terms[: rng.randint(2, vocabulary)]) for _ in range(rng.randint(0, 25))
        ]
        for i in range(size)
    }


def _index(docs: dict[str, list[str]]) -> BM25Index:
    index = BM25Index(K1, B)
    for doc_id, tokens in docs.items():
        index.add(doc_id, tokens)
    return index


QUERY = [("词0", 1.0), ("词3", 0.5), ("词17", 1.0), ("词39", 0.25), ("未见词", 1.0)]


def _assert_same_scores(actual: dict[str, float], expected: dict[str, float]) -> None:
    assert set(actual) == set(expected)
    for doc_id, score in expected.items():
        assert actual[doc_id] == pytest.approx(score, rel=0, abs=1e-9)


def test_it_scores_exactly_like_the_bm25_formula() -> None:
    docs = _corpus(1)
    _assert_same_scores(_index(docs).score(QUERY), _brute_force(docs, QUERY))


def test_it_weighs_query_terms_and_adds_up_repeated_ones() -> None:
    docs = _corpus(2)
    index = _index(docs)
    single = index.score([("词1", 1.0)])
    halved = index.score([("词1", 0.5)])
    doubled = index.score(["词1", ("词1", 1.0)])
    for doc_id, score in single.items():
        assert halved[doc_id] == pytest.approx(score / 2, abs=1e-12)
        assert doubled[doc_id] == pytest.approx(score * 2, abs=1e-12)


def test_it_keeps_idf_non_negative_for_terms_in_every_document() -> None:
    index = _index({"a": ["棉花", "育种"], "b": ["棉花", "栽培"], "c": ["棉花"]})
    assert index.idf("棉花") == pytest.approx(math.log(1 + 0.5 / 3.5))
    assert all(score > 0 for score in index.score(["棉花"]).values())


def test_it_gives_the_same_scores_after_incremental_updates_as_a_rebuild() -> None:
    docs = _corpus(3, size=120)
    index = _index(docs)
    rng = random.Random(4)
    for round_ in range(200):
        doc_id = f"doc-{rng.randrange(160)}"
        if rng.random() < 0.45:
            index.remove(doc_id)
            docs.pop(doc_id, None)
        else:  # add or replace
            tokens = [f"词{rng.randrange(45)}" for _ in range(rng.randint(1, 20))]
            index.add(doc_id, tokens)
            docs[doc_id] = tokens
        if round_ % 50 == 49:
            rebuilt = _index(docs)
            _assert_same_scores(index.score(QUERY), rebuilt.score(QUERY))
            _assert_same_scores(index.score(QUERY), _brute_force(docs, QUERY))
    assert len(index) == len(docs)
    assert sorted(d for d in index.doc_ids if d is not None) == sorted(docs)


def test_it_compacts_when_a_quarter_of_the_slots_are_dead() -> None:
    docs = _corpus(5, size=100)
    index = _index(docs)
    for i in range(25):
        assert index.remove(f"doc-{i}")
        del docs[f"doc-{i}"]
    assert len(index.doc_ids) == 100  # 25% dead: tombstones only
    assert index.remove("doc-25")
    del docs["doc-25"]
    assert len(index.doc_ids) == 74 and None not in index.doc_ids  # compacted
    assert not index.remove("doc-25") and "doc-25" not in index
    _assert_same_scores(index.score(QUERY), _brute_force(docs, QUERY))


def test_score_array_maps_to_doc_ids_and_zeroes_removed_documents() -> None:
    docs = _corpus(6)
    index = _index(docs)
    index.remove("doc-3")
    scores = index.score_array(QUERY)
    assert scores.shape == (len(index.doc_ids),) and scores.dtype == np.float64
    expected = _brute_force({k: v for k, v in docs.items() if k != "doc-3"}, QUERY)
    for slot, doc_id in enumerate(index.doc_ids):
        want = 0.0 if doc_id is None else expected.get(doc_id, 0.0)
        assert scores[slot] == pytest.approx(want, abs=1e-9)


def test_top_returns_the_best_documents_with_ties_broken_by_id() -> None:
    index = _index({"b": ["煤"], "a": ["煤"], "c": ["煤", "电"], "d": ["水"]})
    assert [doc_id for doc_id, _ in index.top(["煤", "电"], 3)] == ["c", "a", "b"]
    assert index.top(["煤"], 0) == [] and index.top(["无"], 5) == []


def test_top_matches_a_full_sort_on_a_large_index() -> None:
    # Large enough for the sampled-threshold shortcut; many tied scores on purpose.
    rng = random.Random(7)
    index = BM25Index()
    for i in range(20_000):
        index.add(f"d{i:05d}", [f"t{rng.randrange(300)}" for _ in range(rng.randint(1, 6))])
    for query in (["t1", "t2", "t299"], [("t5", 1.0)], [f"t{i}" for i in range(40)]):
        expected = sorted(index.score(query).items(), key=lambda pair: (-pair[1], pair[0]))
        for k in (1, 10, 100, 5000):
            assert index.top(query, k) == expected[:k]


def test_explain_contributions_sum_to_the_score() -> None:
    docs = _corpus(8)
    index = _index(docs)
    scores = index.score(QUERY)
    for doc_id, score in scores.items():
        parts = index.explain(QUERY, doc_id)
        assert sum(value for _, value in parts) == pytest.approx(score, abs=1e-9)
        assert [value for _, value in parts] == sorted((v for _, v in parts), reverse=True)
        assert {term for term, _ in parts} <= {term for term, _ in QUERY}
    assert index.explain(QUERY, "no-such-doc") == []


def test_it_rejects_bad_input() -> None:
    index = BM25Index()
    with pytest.raises(InvalidInput):
        index.add("doc", "空冷凝汽器")  # text instead of tokens
    with pytest.raises(InvalidInput):
        index.add(7, ["煤"])  # type: ignore[arg-type]
    index.add("doc", ["煤"])
    with pytest.raises(InvalidInput):
        index.add("doc", ["电", 3])  # type: ignore[list-item]
    assert index.score(["煤"]) and not index.score(["电"])  # the failed add changed nothing
    with pytest.raises(InvalidInput):
        index.score([("煤", -1.0)])
    with pytest.raises(InvalidInput):
        BM25Index(b=1.5)


def test_an_empty_index_scores_nothing() -> None:
    index = BM25Index()
    assert len(index) == 0 and index.score(["煤"]) == {} and index.top(["煤"]) == []
    assert index.idf("煤") == 0.0 and index.score_array(["煤"]).shape == (0,)
    index.add("empty", [])
    assert index.score(["煤"]) == {} and len(index) == 1
