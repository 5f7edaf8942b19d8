"""Evaluating the engine on judged BEIR-format files: what ``tepai match eval`` runs.

Everything here is framework-free and deterministic, so the figures are reproducible:

* BEIR-format loaders (``corpus.jsonl``, ``queries.jsonl``, ``qrels.tsv``) that turn files
  into :class:`~tepai.matching.records.Expert` and :class:`~tepai.matching.records.Demand`
  records;
* :func:`run_matcher`, which runs a :class:`Matcher` (the engine) over the demands as the live
  path would, and :func:`write_run`;
* :func:`matcher_metrics` over such a run, from the per-query metrics :func:`ndcg_at_k`,
  :func:`recall_at_k` and :func:`mrr` (BEIR / ``pytrec_eval`` conventions).

The benchmarks' own evaluation code (a ranker's run and its mean metrics, the TF-IDF
baseline, the reviewer–paper gold standard, the writers of these files) lives in
``benchmarks/``: the product does not use it.

*Qrels* map a query id to ``{doc_id: relevance}``. Relevance ``> 0`` means relevant; gains
are the relevance values.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from tepai.matching.errors import InvalidInput
from tepai.matching.records import Demand, Expert, MatchResult, WorkItem

__all__ = [
    "QRELS_HEADER",
    "MatchAnswer",
    "MatchRun",
    "Matcher",
    "Qrels",
    "load_corpus",
    "load_qrels",
    "load_queries",
    "matcher_metrics",
    "mrr",
    "ndcg_at_k",
    "recall_at_k",
    "run_matcher",
    "write_run",
]

Qrels = dict[str, dict[str, float]]
"""Query id → ``{doc_id: relevance}``; relevance > 0 is relevant, and is the graded gain."""

QRELS_HEADER = ("query-id", "corpus-id", "score")


# --- ranking metrics ------------------------------------------------------------------------


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


# --- the system under test and its run ------------------------------------------------------


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
