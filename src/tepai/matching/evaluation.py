"""Offline evaluation of expert finding: ranking metrics, BEIR-format files and the gold standard.

Everything here is framework-free and deterministic, so benchmark figures are reproducible:

* ranking metrics with BEIR / ``pytrec_eval`` conventions: :func:`ndcg_at_k`,
  :func:`recall_at_k`, :func:`mrr`, and :func:`evaluate_run` over a whole run;
* BEIR-format loaders and writers (``corpus.jsonl``, ``queries.jsonl``, ``qrels.tsv``) that
  turn files into :class:`~tepai.matching.records.Expert` and
  :class:`~tepai.matching.records.Demand` records;
* the :class:`Ranker` and :class:`Scorer` protocols a system under test implements, and
  :func:`run_ranker` to produce a run from a ranker;
* the reviewer–paper gold-standard metric of Stelmakh et al. (:func:`goldstandard_loss`,
  :func:`goldstandard_resolution`), exactly as upstream ``scripts/scoring.py`` defines it;
* :class:`TfidfBaseline`, a frozen TF-IDF cosine reference that implements both protocols, so
  benchmark scripts run without the engine and its figures stay comparable over time.

A *run* maps a query id to ``[(doc_id, score), ...]``; *qrels* map a query id to
``{doc_id: relevance}``. Relevance ``> 0`` means relevant; gains are the relevance values.
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

from tepai.matching.errors import InvalidInput
from tepai.matching.records import Demand, Expert, MatchResult, WorkItem

__all__ = [
    "QRELS_HEADER",
    "MatchAnswer",
    "MatchRun",
    "Matcher",
    "Qrels",
    "Ranker",
    "Ratings",
    "Run",
    "Scorer",
    "TfidfBaseline",
    "char_bigrams",
    "english_words",
    "evaluate_run",
    "goldstandard_loss",
    "goldstandard_pair_counts",
    "goldstandard_resolution",
    "load_corpus",
    "load_goldstandard_evaluations",
    "load_qrels",
    "load_queries",
    "matcher_metrics",
    "mrr",
    "ndcg_at_k",
    "order_by_score",
    "per_query_metrics",
    "recall_at_k",
    "run_matcher",
    "run_ranker",
    "write_corpus",
    "write_qrels",
    "write_queries",
    "write_run",
]

Run = dict[str, list[tuple[str, float]]]
"""Query id → the ranker's ``(doc_id, score)`` pairs (order is recomputed from the scores)."""

Qrels = dict[str, dict[str, float]]
"""Query id → ``{doc_id: relevance}``; relevance > 0 is relevant, and is the graded gain."""

QRELS_HEADER = ("query-id", "corpus-id", "score")


# --- ranking metrics ------------------------------------------------------------------------


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


def _check_k(k: int) -> None:
    if k < 1:
        raise InvalidInput(f"k must be at least 1, got {k}")


def _unique(ids: Sequence[str]) -> list[str]:
    # A document listed twice must not earn its gain twice.
    return list(dict.fromkeys(ids))


def ndcg_at_k(ranked_ids: Sequence[str], qrels_for_query: Mapping[str, float], k: int) -> float:
    """Return nDCG@k of a ranking: graded gains, log2 discount, ideal ranking from the qrels.

    ``DCG@k = Σ_{i=1..k} rel_i / log2(i + 1)`` with ``rel_i`` the qrels value of the i-th doc
    (0 if unjudged; negative values count as 0). The ideal DCG sorts all positive qrels values
    of the query, so relevant documents the ranking missed still lower the score. These are the
    ``ndcg_cut`` conventions of ``trec_eval``/``pytrec_eval`` that BEIR reports (linear gains,
    not ``2^rel - 1``). Return 0.0 when the query has no relevant document.
    """
    _check_k(k)
    gains = [max(float(qrels_for_query.get(doc_id, 0.0)), 0.0) for doc_id in _unique(ranked_ids)]
    ideal = sorted((float(v) for v in qrels_for_query.values() if v > 0), reverse=True)
    idcg = _dcg(ideal[:k])
    if idcg == 0.0:
        return 0.0
    return _dcg(gains[:k]) / idcg


def _dcg(gains: Sequence[float]) -> float:
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def recall_at_k(ranked_ids: Sequence[str], qrels_for_query: Mapping[str, float], k: int) -> float:
    """Return the fraction of the query's relevant docs (relevance > 0) in the top k.

    Return 0.0 when the query has no relevant document.
    """
    _check_k(k)
    relevant = {doc_id for doc_id, value in qrels_for_query.items() if value > 0}
    if not relevant:
        return 0.0
    found = relevant.intersection(_unique(ranked_ids)[:k])
    return len(found) / len(relevant)


def mrr(
    ranked_ids: Sequence[str], qrels_for_query: Mapping[str, float], k: int | None = None
) -> float:
    """Return the reciprocal rank of the first relevant doc (relevance > 0), 0.0 if none.

    ``k`` cuts the ranking first (``MRR@k``); ``None`` uses the whole ranking, i.e. as deep as
    the ranker answered.
    """
    ids = _unique(ranked_ids)
    if k is not None:
        _check_k(k)
        ids = ids[:k]
    for rank, doc_id in enumerate(ids, start=1):
        if qrels_for_query.get(doc_id, 0.0) > 0:
            return 1.0 / rank
    return 0.0


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


# --- the systems under test -----------------------------------------------------------------


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


@dataclass(frozen=True)
class MatchAnswer:
    """What a matcher answered for one demand: experts best first, and whether it abstained."""

    ranking: list[str]
    scores: list[float]
    no_fit: bool = False


MatchRun = dict[str, MatchAnswer]


@runtime_checkable
class Matcher(Protocol):
    """A ranker that also learns the demand corpus and may say that nobody fits (the engine)."""

    def index(self, experts: Sequence[Expert]) -> None:
        """Index these experts."""
        ...

    def observe_demands(self, demands: Iterable[Demand]) -> None:
        """Learn the vocabulary of the demand corpus (as the live path does from its demands)."""
        ...

    def match(
        self, demand: Demand, k: int = 10, *, respect_capacity: bool = True, explain: bool = True
    ) -> MatchResult:
        """Return the top ``k`` experts and the no-fit judgement."""
        ...


def run_matcher(
    matcher: Matcher, experts: Sequence[Expert], demands: Sequence[Demand], k: int = 100
) -> MatchRun:
    """Return every demand's answer after indexing ``experts`` and observing all ``demands``.

    The demands are observed before any is ranked, as the live path knows every demand
    filed; capacity is ignored (an evaluation has no workloads) and explanations are skipped.
    """
    _check_k(k)
    known = {expert.id for expert in experts}
    matcher.index(experts)
    matcher.observe_demands(demands)
    run: MatchRun = {}
    for demand in demands:
        if demand.id in run:
            raise InvalidInput(f"demand id {demand.id!r} occurs twice")
        result = matcher.match(demand, k, respect_capacity=False, explain=False)
        ranking = [item.expert_id for item in result.recommendations]
        unknown = [doc_id for doc_id in ranking if doc_id not in known]
        if unknown:
            raise InvalidInput(
                f"matcher answered demand {demand.id!r} with unknown expert id {unknown[0]!r}"
            )
        scores = [item.score for item in result.recommendations]
        run[demand.id] = MatchAnswer(ranking, scores, result.no_fit)
    return run


def write_run(path: str | Path, run: Mapping[str, MatchAnswer]) -> int:
    """Write a matcher's run as JSON Lines, one query a line; return the count.

    Each line is ``{"query": id, "ranking": [expert ids, best first], "no_fit": bool}`` (a
    query flagged no-fit keeps its ranking, the nearest misses, for inspection).
    """
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        for query_id, answer in run.items():
            record = {"query": query_id, "ranking": answer.ranking, "no_fit": answer.no_fit}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def matcher_metrics(
    run: Mapping[str, MatchAnswer],
    qrels: Mapping[str, Mapping[str, float]],
    query_ids: Iterable[str],
) -> dict[str, float]:
    """Return the metrics of a run that may abstain, over ``query_ids``.

    A query with a relevant document (qrels value > 0) is a *fitting* query, any other a
    *no-fit* query. Over fitting queries: ``ndcg@5``, ``ndcg@10``, ``recall@10``, ``mrr``,
    ``precision@5`` (relevant share of the top 5) and ``top1`` (share whose first expert is
    relevant); a query the matcher flagged as no-fit abstains and scores 0 on all of them.
    ``no_fit_recall`` is the share of no-fit queries flagged, ``false_no_fit`` the share of
    fitting queries flagged; ``queries`` and ``no_fit_queries`` count both kinds.
    """
    fitting: list[dict[str, float]] = []
    flagged_fitting = 0
    no_fit_total = 0
    no_fit_flagged = 0
    for qid in dict.fromkeys(query_ids):
        answer = run.get(qid)
        judged = qrels.get(qid, {})
        relevant = any(value > 0 for value in judged.values())
        flagged = answer is not None and answer.no_fit
        if not relevant:
            no_fit_total += 1
            no_fit_flagged += flagged
            continue
        flagged_fitting += flagged
        ids = [] if answer is None or flagged else _unique(answer.ranking)
        top5 = ids[:5]
        fitting.append(
            {
                "ndcg@5": ndcg_at_k(ids, judged, 5),
                "ndcg@10": ndcg_at_k(ids, judged, 10),
                "recall@10": recall_at_k(ids, judged, 10),
                "mrr": mrr(ids, judged),
                "precision@5": sum(judged.get(d, 0) > 0 for d in top5) / 5,
                "top1": float(bool(ids) and judged.get(ids[0], 0) > 0),
            }
        )
    names = ["ndcg@5", "ndcg@10", "recall@10", "mrr", "precision@5", "top1"]
    summary: dict[str, float] = {
        name: sum(row[name] for row in fitting) / len(fitting) if fitting else 0.0 for name in names
    }
    summary["no_fit_recall"] = no_fit_flagged / no_fit_total if no_fit_total else 0.0
    summary["false_no_fit"] = flagged_fitting / len(fitting) if fitting else 0.0
    summary["queries"] = len(fitting)
    summary["no_fit_queries"] = no_fit_total
    return summary


# --- BEIR-format files ----------------------------------------------------------------------


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for every non-blank line of a JSONL file."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from error
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InvalidInput(f"{path}:{number}: not valid JSON: {error.msg}") from error
                if not isinstance(value, dict):
                    raise InvalidInput(f"{path}:{number}: expected a JSON object")
                yield number, value
        except UnicodeDecodeError as error:
            raise InvalidInput(f"{path}: not UTF-8 text") from error


def _string(record: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
    if key not in record:
        if required:
            raise InvalidInput(f"{where}: missing {key!r}")
        return ""
    value = record[key]
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: {key!r} must be a string")
    if required and not value.strip():
        raise InvalidInput(f"{where}: {key!r} is empty")
    return value


def _strings(record: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


def _work_item(value: Any, where: str) -> WorkItem:
    if isinstance(value, str):
        return WorkItem(title=value)
    if isinstance(value, dict):
        return WorkItem(
            title=_string(value, "title", where, required=True),
            text=_string(value, "text", where),
            kind=_string(value, "kind", where),
        )
    raise InvalidInput(f"{where}: each item must be a string or an object with a 'title'")


def load_corpus(path: str | Path) -> list[Expert]:
    """Return the experts of a BEIR-style ``corpus.jsonl``.

    One JSON object per line: ``_id`` (required) and ``title``, ``text``, ``items`` as in BEIR
    plus the expert extensions. ``title`` (a name or label) becomes ``Expert.name`` only: a
    person's name says nothing about their expertise and the live path never indexes it, so
    the evaluation must not either. ``text`` is the profile, each of ``items`` a
    :class:`WorkItem` (a string is its title; an object has ``title`` and optional ``text``,
    ``kind``). Optional ``institution`` and ``region`` (strings), ``fields`` and ``clusters``
    (lists of strings) and ``position`` (the 职称, a string) fill the fields the live path
    fills from a commissioner. Blank lines are skipped. Raise :class:`InvalidInput` naming the
    file and line of the first malformed or duplicate record.
    """
    path = Path(path)
    experts: list[Expert] = []
    seen: set[str] = set()
    for number, record in _json_lines(path):
        where = f"{path}:{number}"
        expert_id = _string(record, "_id", where, required=True)
        if expert_id in seen:
            raise InvalidInput(f"{where}: duplicate _id {expert_id!r}")
        seen.add(expert_id)
        raw_items = record.get("items", [])
        if not isinstance(raw_items, list):
            raise InvalidInput(f"{where}: 'items' must be a list")
        experts.append(
            Expert(
                id=expert_id,
                name=_string(record, "title", where),
                title=_string(record, "position", where),
                institution=_string(record, "institution", where),
                profile=_string(record, "text", where),
                fields=_strings(record, "fields", where),
                items=tuple(_work_item(item, where) for item in raw_items),
                clusters=_strings(record, "clusters", where),
                region=_string(record, "region", where),
            )
        )
    return experts


def load_queries(path: str | Path) -> list[Demand]:
    """Return the demands of a BEIR ``queries.jsonl`` (``_id``, ``text``, optional ``title``).

    The optional structured fields the live path fills from a stored demand are read too:
    ``skills`` (所需技能, a list of strings), ``cluster``, ``region`` and ``enterprise``
    (strings). Raise :class:`InvalidInput` naming the file and line of the first malformed or
    duplicate record.
    """
    path = Path(path)
    demands: list[Demand] = []
    seen: set[str] = set()
    for number, record in _json_lines(path):
        where = f"{path}:{number}"
        query_id = _string(record, "_id", where, required=True)
        if query_id in seen:
            raise InvalidInput(f"{where}: duplicate _id {query_id!r}")
        seen.add(query_id)
        text = _string(record, "text", where)
        title = _string(record, "title", where)
        if not (text.strip() or title.strip()):
            raise InvalidInput(f"{where}: query {query_id!r} has no text")
        demands.append(
            Demand(
                id=query_id,
                title=title,
                text=text,
                skills=_strings(record, "skills", where),
                cluster=_string(record, "cluster", where),
                region=_string(record, "region", where),
                enterprise=_string(record, "enterprise", where),
            )
        )
    return demands


def load_qrels(path: str | Path) -> Qrels:
    """Return the qrels of a BEIR ``qrels.tsv``: header ``query-id\\tcorpus-id\\tscore``.

    Scores are numbers (graded relevance; > 0 is relevant). Raise :class:`InvalidInput` naming
    the file and line of a wrong header, a line without three fields, a non-numeric score or
    a pair listed twice.
    """
    path = Path(path)
    qrels: Qrels = {}
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from error
    with handle:
        try:
            lines = list(handle)
        except UnicodeDecodeError as error:
            raise InvalidInput(f"{path}: not UTF-8 text") from error
    if not lines or tuple(lines[0].rstrip("\r\n").split("\t")) != QRELS_HEADER:
        raise InvalidInput(f"{path}:1: expected the header {chr(9).join(QRELS_HEADER)!r}")
    for number, line in enumerate(lines[1:], start=2):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0] or not parts[1]:
            raise InvalidInput(f"{path}:{number}: expected query-id, corpus-id and score")
        query_id, doc_id, raw_score = parts
        try:
            score = float(raw_score)
        except ValueError:
            raise InvalidInput(f"{path}:{number}: score {raw_score!r} is not a number") from None
        if not math.isfinite(score):
            raise InvalidInput(f"{path}:{number}: score {raw_score!r} is not finite")
        judged = qrels.setdefault(query_id, {})
        if doc_id in judged:
            raise InvalidInput(f"{path}:{number}: ({query_id}, {doc_id}) is listed twice")
        judged[doc_id] = score
    return qrels


def write_corpus(path: str | Path, experts: Iterable[Expert]) -> int:
    """Write experts as ``corpus.jsonl`` (the format :func:`load_corpus` reads); return the count.

    Items with only a title are written as strings, the others as objects; empty optional
    fields are left out.
    """
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        for expert in experts:
            record: dict[str, Any] = {
                "_id": expert.id,
                "title": expert.name,
                "text": expert.profile,
            }
            if expert.title:
                record["position"] = expert.title
            if expert.institution:
                record["institution"] = expert.institution
            if expert.region:
                record["region"] = expert.region
            if expert.fields:
                record["fields"] = list(expert.fields)
            if expert.clusters:
                record["clusters"] = list(expert.clusters)
            record["items"] = [_item_record(item) for item in expert.items]
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _item_record(item: WorkItem) -> str | dict[str, str]:
    if not item.text and not item.kind:
        return item.title
    record = {"title": item.title}
    if item.text:
        record["text"] = item.text
    if item.kind:
        record["kind"] = item.kind
    return record


def write_queries(path: str | Path, demands: Iterable[Demand]) -> int:
    """Write demands as ``queries.jsonl`` (the format :func:`load_queries` reads); return the
    count. Empty optional fields are left out."""
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        for demand in demands:
            record: dict[str, Any] = {"_id": demand.id, "text": demand.text}
            if demand.title:
                record["title"] = demand.title
            if demand.skills:
                record["skills"] = list(demand.skills)
            for key in ("cluster", "region", "enterprise"):
                if getattr(demand, key):
                    record[key] = getattr(demand, key)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_qrels(path: str | Path, qrels: Mapping[str, Mapping[str, float]]) -> int:
    """Write qrels as a BEIR ``qrels.tsv`` with header, sorted by ids; return the line count.

    Integral scores are written without a decimal point (``1``, not ``1.0``), as BEIR does.
    """
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("\t".join(QRELS_HEADER) + "\n")
        for query_id in sorted(qrels):
            for doc_id in sorted(qrels[query_id]):
                for value in (query_id, doc_id):
                    if "\t" in value or "\n" in value:
                        raise InvalidInput(f"id {value!r} contains a tab or newline")
                score = float(qrels[query_id][doc_id])
                text = str(int(score)) if score.is_integer() else repr(score)
                handle.write(f"{query_id}\t{doc_id}\t{text}\n")
                count += 1
    return count


# --- the reviewer–paper gold standard (Stelmakh et al.) ------------------------------------

Ratings = Mapping[str, Mapping[str, float]]


def load_goldstandard_evaluations(path: str | Path) -> dict[str, dict[str, float]]:
    """Return reviewer id → {paper id: expertise 1–5} from the gold standard's ``evaluations.csv``.

    The file is tab-separated with columns ``ParticipantID``, ``Paper1..Paper10`` and
    ``Expertise1..Expertise10``; blank paper cells are skipped, as upstream ``to_dicts`` does.
    Raise :class:`InvalidInput` naming the line of a rating that is missing or not a number,
    or of a paper rated twice by one reviewer.
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from error
    ratings: dict[str, dict[str, float]] = {}
    with handle:
        reader = csv.DictReader(handle, delimiter="\t")
        columns = ["ParticipantID"] + [
            f"{kind}{n}" for kind in ("Paper", "Expertise") for n in range(1, 11)
        ]
        missing = [name for name in columns if name not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(f"{path}:1: missing column {missing[0]!r}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            reviewer = (row["ParticipantID"] or "").strip()
            if not reviewer:
                raise InvalidInput(f"{where}: empty ParticipantID")
            if reviewer in ratings:
                raise InvalidInput(f"{where}: participant {reviewer} occurs twice")
            papers: dict[str, float] = {}
            for n in range(1, 11):
                paper = (row[f"Paper{n}"] or "").strip()
                if not paper:
                    continue
                raw = (row[f"Expertise{n}"] or "").strip()
                try:
                    value = float(raw)
                except ValueError:
                    raise InvalidInput(f"{where}: Expertise{n} {raw!r} is not a number") from None
                if paper in papers:
                    raise InvalidInput(f"{where}: paper {paper} is rated twice")
                papers[paper] = value
            ratings[reviewer] = papers
    return ratings


def _rated_pairs(
    predictions: Ratings, evaluations: Ratings
) -> Iterator[tuple[float, float, float, float]]:
    """Yield (e1, e2, s1, s2) for every within-reviewer pair of rated papers."""
    for reviewer, rated in evaluations.items():
        for paper1, paper2 in combinations(rated, 2):
            yield (
                float(rated[paper1]),
                float(rated[paper2]),
                _prediction(predictions, reviewer, paper1),
                _prediction(predictions, reviewer, paper2),
            )


def _prediction(predictions: Ratings, reviewer: str, paper: str) -> float:
    try:
        value = float(predictions[reviewer][paper])
    except KeyError:
        raise InvalidInput(f"no predicted score for reviewer {reviewer}, paper {paper}") from None
    if math.isnan(value):
        raise InvalidInput(f"predicted score for reviewer {reviewer}, paper {paper} is NaN")
    return value


def goldstandard_loss(predictions: Ratings, evaluations: Ratings) -> float:
    """Return the gold standard's main metric, a weighted Kendall's-tau-style loss (lower: better).

    ``Σ |Δ| · (1[δ·Δ < 0] + ½·1[δ·Δ = 0]) / Σ |Δ|`` over every reviewer's pairs of rated
    papers, Δ the difference in self-rated expertise, δ the difference in predicted similarity.
    So an inverted pair costs its rating gap, a predicted tie half of it, and a constant
    predictor scores 0.5. ``predictions`` must score every rated (reviewer, paper) pair.
    """
    total = loss = 0.0
    for e1, e2, s1, s2 in _rated_pairs(predictions, evaluations):
        true_diff, pred_diff = e1 - e2, s1 - s2
        total += abs(true_diff)
        if pred_diff * true_diff == 0:
            loss += abs(true_diff) / 2
        elif pred_diff * true_diff < 0:
            loss += abs(true_diff)
    if total == 0:
        raise InvalidInput("the evaluations have no pair of papers with different ratings")
    return loss / total


def _regime_holds(e1: float, e2: float, regime: str) -> bool:
    if e1 == e2:
        return False
    if regime == "hard":  # both papers expert-level (≥ 4)
        return min(e1, e2) >= 4
    # easy: one clearly expert (≥ 4) and one clearly non-expert (≤ 2) paper
    return max(e1, e2) >= 4 and min(e1, e2) <= 2


def goldstandard_resolution(
    predictions: Ratings, evaluations: Ratings, regime: Literal["easy", "hard"]
) -> float:
    """Return the fraction of "easy" or "hard" pairs the predictions order correctly.

    Pairs with equal ratings are skipped. *easy*: max rating ≥ 4 and min ≤ 2; *hard*: both
    ≥ 4. A pair is correct when δ·Δ > 0, so a predicted tie counts as wrong.
    """
    if regime not in ("easy", "hard"):
        raise InvalidInput(f"regime must be 'easy' or 'hard', got {regime!r}")
    pairs = correct = 0
    for e1, e2, s1, s2 in _rated_pairs(predictions, evaluations):
        if not _regime_holds(e1, e2, regime):
            continue
        pairs += 1
        if (s1 - s2) * (e1 - e2) > 0:
            correct += 1
    if pairs == 0:
        raise InvalidInput(f"the evaluations have no {regime} pair")
    return correct / pairs


def goldstandard_pair_counts(evaluations: Ratings) -> dict[str, int]:
    """Return how many within-reviewer pairs there are: all, untied, easy and hard."""
    counts = {"pairs": 0, "untied": 0, "easy": 0, "hard": 0}
    for rated in evaluations.values():
        for paper1, paper2 in combinations(rated, 2):
            e1, e2 = float(rated[paper1]), float(rated[paper2])
            counts["pairs"] += 1
            counts["untied"] += e1 != e2
            counts["easy"] += _regime_holds(e1, e2, "easy")
            counts["hard"] += _regime_holds(e1, e2, "hard")
    return counts


# --- a frozen reference baseline ------------------------------------------------------------

# Function words that carry no topic; IDF alone cannot discount them when the index holds
# only a few dozen profiles (the gold standard has 58).
_ENGLISH_STOPWORDS = frozenset(
    """a about above after again against all also an and any are as at be been before being
    below between both but by can could did do does doing down during each few for from
    further had has have having here how however i if in into is it its itself just may more
    most must no nor not of off on once only or other our ours out over own same should so
    some such than that the their theirs them then there these they this those through thus
    to too under until up upon very via was we were what when where which while who whom why
    will with within without would yet you your""".split()  # noqa: SIM905 (readable as prose)
)
_WORD = re.compile(r"[a-z0-9]+")
_CJK_OR_WORD = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([a-z0-9]+)")


def english_words(text: str) -> list[str]:
    """Return the lower-cased alphanumeric words of ``text`` minus stopwords and 1-letter words."""
    return [
        word
        for word in _WORD.findall(text.lower())
        if len(word) > 1 and word not in _ENGLISH_STOPWORDS
    ]


def char_bigrams(text: str) -> list[str]:
    """Return the overlapping character bigrams of every run of Chinese characters in ``text``.

    A one-character run yields that character; Latin letters and digits yield lower-cased
    words. Text is NFKC-normalised first, so full-width letters match half-width ones.
    Bigrams need no segmenter, which keeps the baseline independent of the engine's.
    """
    tokens: list[str] = []
    for cjk, word in _CJK_OR_WORD.findall(unicodedata.normalize("NFKC", text).lower()):
        if word:
            tokens.append(word)
        elif len(cjk) == 1:
            tokens.append(cjk)
        else:
            tokens.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
    return tokens


def _expert_text(expert: Expert) -> str:
    # Name, title and institution say who someone is, not what they know.
    parts = [expert.profile, *expert.fields]
    for item in expert.items:
        parts.extend((item.title, item.text))
    return "\n".join(part for part in parts if part)


def _demand_text(demand: Demand) -> str:
    return "\n".join(part for part in (demand.title, demand.text, *demand.skills) if part)


class TfidfBaseline:
    """TF-IDF cosine between a demand and each expert's whole profile: a reference baseline.

    Each expert is one bag of tokens (profile, fields, and every work item's title and text).
    Weights are ``(1 + ln tf) · idf`` with ``idf = ln((1 + N) / (1 + df)) + 1`` over the
    indexed experts, rows L2-normalised, and the score is the cosine. Implements
    :class:`Ranker` and :class:`Scorer`. Deliberately simple and frozen, so its benchmark
    figures stay a fixed yardstick while the engine changes; it is not the engine.
    """

    def __init__(self, tokenize: Callable[[str], list[str]]) -> None:
        self._tokenize = tokenize
        self._vocabulary: dict[str, int] = {}
        self._idf = np.zeros(0)
        self._matrix = sp.csr_matrix((0, 0))
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._id_order = np.zeros(0, dtype=np.int64)

    def index(self, experts: Sequence[Expert]) -> None:
        """Build the TF-IDF matrix of ``experts``, replacing any earlier index."""
        ids = [expert.id for expert in experts]
        if len(set(ids)) != len(ids):
            duplicate = next(i for i, count in Counter(ids).items() if count > 1)
            raise InvalidInput(f"expert id {duplicate!r} occurs twice")
        counts = [Counter(self._tokenize(_expert_text(expert))) for expert in experts]
        vocabulary: dict[str, int] = {}
        for bag in counts:
            for token in bag:
                vocabulary.setdefault(token, len(vocabulary))
        rows, cols, tfs = [], [], []
        for row, bag in enumerate(counts):
            for token, tf in bag.items():
                rows.append(row)
                cols.append(vocabulary[token])
                tfs.append(1.0 + math.log(tf))
        shape = (len(experts), len(vocabulary))
        matrix = sp.csr_matrix((tfs, (rows, cols)), shape=shape, dtype=np.float64)
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocabulary))
        self._idf = np.log((1.0 + len(experts)) / (1.0 + df)) + 1.0
        self._matrix = _l2_normalise_rows(matrix @ sp.diags(self._idf))
        self._vocabulary = vocabulary
        self._ids = ids
        self._row = {expert_id: row for row, expert_id in enumerate(ids)}
        # Rank of each id in sorted order, the tie-breaker that makes rankings deterministic.
        self._id_order = np.argsort(np.argsort(np.array(ids, dtype=object), kind="stable"))

    def _scores(self, demand: Demand) -> np.ndarray:
        bag = Counter(
            token for token in self._tokenize(_demand_text(demand)) if token in self._vocabulary
        )
        query = np.zeros(len(self._vocabulary))
        for token, tf in bag.items():
            column = self._vocabulary[token]
            query[column] = (1.0 + math.log(tf)) * self._idf[column]
        norm = float(np.linalg.norm(query))
        if norm == 0.0:
            return np.zeros(len(self._ids))
        return np.asarray(self._matrix @ (query / norm)).ravel()

    def rank(self, demand: Demand, k: int) -> list[tuple[str, float]]:
        """Return the ``k`` experts most similar to the demand, ties by ascending expert id."""
        _check_k(k)
        scores = self._scores(demand)
        order = np.lexsort((self._id_order, -scores))[:k]
        return [(self._ids[i], float(scores[i])) for i in order]

    def score(self, demand: Demand, expert_ids: Sequence[str]) -> dict[str, float]:
        """Return the cosine similarity of the demand to each of ``expert_ids``."""
        unknown = [expert_id for expert_id in expert_ids if expert_id not in self._row]
        if unknown:
            raise InvalidInput(f"expert {unknown[0]!r} is not indexed")
        scores = self._scores(demand)
        return {expert_id: float(scores[self._row[expert_id]]) for expert_id in expert_ids}


def _l2_normalise_rows(matrix: sp.spmatrix) -> sp.csr_matrix:
    matrix = sp.csr_matrix(matrix)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0  # an empty profile stays a zero row: similarity 0 to anything
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)
