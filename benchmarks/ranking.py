"""Running a ranker over a BEIR-style dataset and averaging its metrics (the benchmarks' part).

The per-query metrics (:func:`~tepai.matching.evaluation.ndcg_at_k`, ``recall_at_k``,
``mrr``) and the BEIR loaders live in :mod:`tepai.matching.evaluation`, because ``tepai match
eval`` uses them too; what only the benchmark scripts need is here:

* the :class:`Ranker` and :class:`Scorer` protocols a system under test implements (the
  engine, its components alone, or the TF-IDF baseline of ``baselines.py``);
* :func:`run_ranker`, which turns a ranker into a *run*;
* :func:`evaluate_run` (and :func:`per_query_metrics`, :func:`order_by_score`): the mean
  metrics of a run with BEIR / ``pytrec_eval`` conventions.

A *run* maps a query id to ``[(doc_id, score), ...]``; *qrels* map a query id to
``{doc_id: relevance}``. Relevance ``> 0`` means relevant; gains are the relevance values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

from tepai.matching import Demand, Expert, InvalidInput
from tepai.matching.evaluation import mrr, ndcg_at_k, recall_at_k

__all__ = [
    "Ranker",
    "Run",
    "Scorer",
    "evaluate_run",
    "order_by_score",
    "per_query_metrics",
    "run_ranker",
]

Run = dict[str, list[tuple[str, float]]]
"""Query id → the ranker's ``(doc_id, score)`` pairs (order is recomputed from the scores)."""


def _check_k(k: int) -> None:
    if k < 1:
        raise InvalidInput(f"k must be at least 1, got {k}")


def order_by_score(scored: Iterable[tuple[str, float]]) -> list[str]:
    """Return the doc ids by descending score, ties broken by ascending doc id.

    Like ``trec_eval``, the order a ranker returned is ignored and only the scores count, so a
    ranker cannot gain from the order it lists tied documents in. (``trec_eval`` itself breaks
    ties by *descending* doc id; ascending is the more readable choice and differs only on ties.)
    A doc id listed twice keeps its best score.
    """
    best: dict[str, float] = {}
    for doc_id, score in scored:
        value = float(score)
        if math.isnan(value):
            raise InvalidInput(f"score of {doc_id!r} is NaN")
        if doc_id not in best or value > best[doc_id]:
            best[doc_id] = value
    return sorted(best, key=lambda doc_id: (-best[doc_id], doc_id))


def per_query_metrics(
    run: Mapping[str, Sequence[tuple[str, float]]],
    qrels: Mapping[str, Mapping[str, float]],
    ks: Sequence[int] = (5, 10),
) -> dict[str, dict[str, float]]:
    """Return query id → metrics (``ndcg@k``, ``recall@k`` for each k, ``mrr``).

    Only queries with at least one relevant document are evaluated, as BEIR does. Such a query
    missing from the run scores 0 on every metric: leaving it out (as ``pytrec_eval`` does)
    would reward a ranker for failing on it.
    """
    for k in ks:
        _check_k(k)
    results: dict[str, dict[str, float]] = {}
    for qid in sorted(qrels):
        judged = qrels[qid]
        if not any(value > 0 for value in judged.values()):
            continue
        ids = order_by_score(run.get(qid, ()))
        metrics: dict[str, float] = {}
        for k in ks:
            metrics[f"ndcg@{k}"] = ndcg_at_k(ids, judged, k)
        for k in ks:
            metrics[f"recall@{k}"] = recall_at_k(ids, judged, k)
        metrics["mrr"] = mrr(ids, judged)
        results[qid] = metrics
    return results


def evaluate_run(
    run: Mapping[str, Sequence[tuple[str, float]]],
    qrels: Mapping[str, Mapping[str, float]],
    ks: Sequence[int] = (5, 10),
) -> dict[str, float]:
    """Return the run's mean metrics over the queries that have a relevant document.

    Keys: ``ndcg@k`` and ``recall@k`` for every k in ``ks``, ``mrr`` (over the whole ranking
    returned) and ``queries``, the number of queries averaged over (an integer). Queries
    without any relevant document are excluded, as BEIR does; see :func:`per_query_metrics`.
    Ties in scores are broken by ascending doc id (:func:`order_by_score`).
    """
    per_query = per_query_metrics(run, qrels, ks)
    names = [f"ndcg@{k}" for k in ks] + [f"recall@{k}" for k in ks] + ["mrr"]
    summary: dict[str, float] = {}
    for name in names:
        values = [metrics[name] for metrics in per_query.values()]
        summary[name] = sum(values) / len(values) if values else 0.0
    summary["queries"] = len(per_query)
    return summary


@runtime_checkable
class Ranker(Protocol):
    """A system that ranks experts for a demand (the engine, or a baseline)."""

    def index(self, experts: Sequence[Expert]) -> None:
        """Index these experts (the benchmarks call this once, on a fresh instance)."""
        ...

    def rank(self, demand: Demand, k: int) -> list[tuple[str, float]]:
        """Return the top ``k`` ``(expert_id, score)`` pairs for the demand, best first."""
        ...


@runtime_checkable
class Scorer(Protocol):
    """A system that scores given (demand, expert) pairs, e.g. for the gold-standard metric.

    The gold standard compares one expert's scores *across different demands*, so a score
    must be an absolute similarity: it may not depend on which other ids are in the call, nor
    be rescaled per demand (a per-call min-max turns a single-id call into a constant and the
    loss into 0.5).
    """

    def index(self, experts: Sequence[Expert]) -> None:
        """Index these experts (the benchmarks call this once, on a fresh instance)."""
        ...

    def score(self, demand: Demand, expert_ids: Sequence[str]) -> dict[str, float]:
        """Return ``{expert_id: similarity}`` for each of ``expert_ids``; higher is better."""
        ...


def run_ranker(
    ranker: Ranker, experts: Sequence[Expert], demands: Sequence[Demand], k: int = 100
) -> Run:
    """Return the run of ``ranker`` over ``demands`` after indexing ``experts``.

    Raise :class:`InvalidInput` if two demands share an id or the ranker answers with an
    expert id it was not given (a bug that would otherwise look like a bad score).
    """
    _check_k(k)
    known = {expert.id for expert in experts}
    ranker.index(experts)
    run: Run = {}
    for demand in demands:
        if demand.id in run:
            raise InvalidInput(f"demand id {demand.id!r} occurs twice")
        answer = [(str(doc_id), float(score)) for doc_id, score in ranker.rank(demand, k)]
        unknown = [doc_id for doc_id, _ in answer if doc_id not in known]
        if unknown:
            raise InvalidInput(
                f"ranker answered demand {demand.id!r} with unknown expert id {unknown[0]!r}"
            )
        run[demand.id] = answer
    return run
