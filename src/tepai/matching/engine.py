"""The matching engine: index experts, then rank them for a demand with an explanation.

Each expert is split into parts — the profile (title, fields, bio) and every past work item —
and each part is indexed twice: sparse (BM25 over segmented Chinese with thesaurus expansion)
and dense (a multilingual sentence encoder). A demand's score for an expert aggregates its
part scores the way OpenReview's expertise model aggregates paper scores (best part plus the
mean of the top few), fuses the normalised sparse and dense scores with weights tuned on dev
data, and adds small structured signals (same industry cluster, past collaboration, region,
spare capacity). Conflicts and full workloads are excluded, never just down-weighted.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from tepai.matching.dense import single_threaded_blas
from tepai.matching.explain import EXPERT_WORDING, Wording, build_explanation, telling
from tepai.matching.records import Demand, Evidence, Expert, Recommendation
from tepai.matching.sparse import BM25Index
from tepai.matching.text import Analyzer, default_analyzer
from tepai.matching.vectors import VectorStore

Progress = Callable[[int, int], None]
ExpertFilter = Callable[[Expert], bool]

_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class EngineConfig:
    """Weights and sizes of the ranking; the defaults are the ones tuned on the dev splits.

    ``benchmarks/tune_fusion.py`` (docs/benchmarks.md): NSFC dev prefers sparse:dense ≈ 6:1,
    CSL dev ≈ 1:1; 3:1 beats both single components on both sets.
    """

    sparse_weight: float = 0.75
    dense_weight: float = 0.25
    best_part_weight: float = 0.85  # aggregation: best part vs the mean of the top parts
    top_parts: int = 3
    candidates: int = 200  # per retrieval path, before fusion
    cluster_bonus: float = 0.05
    collaboration_bonus: float = 0.03
    region_bonus: float = 0.02
    spare_capacity_bonus: float = 0.02
    encode_batch: int = 256


@dataclass(frozen=True)
class Part:
    key: str
    expert_id: str
    source: str
    label: str
    text: str


def expert_parts(expert: Expert) -> list[Part]:
    """Return the indexed parts of ``expert``: its profile and each work item."""
    parts: list[Part] = []
    profile_text = " ".join(
        piece for piece in (expert.title, " ".join(expert.fields), expert.profile) if piece
    )
    if profile_text.strip():
        parts.append(
            Part(
                _key(expert.id, "profile"), expert.id, "profile", "个人简介与研究方向", profile_text
            )
        )
    for index, item in enumerate(expert.items):
        text = f"{item.title} {item.text}".strip()
        if text:
            parts.append(
                Part(
                    _key(expert.id, f"item:{index}"),
                    expert.id,
                    f"item:{index}",
                    item.title or "代表性成果",
                    text,
                )
            )
    return parts


def _key(expert_id: str, source: str) -> str:
    return f"{expert_id}{_SEPARATOR}{source}"


def demand_text(demand: Demand) -> str:
    """Return the text a demand is matched by: title, description and required skills."""
    return " ".join(
        piece for piece in (demand.title, demand.text, " ".join(demand.skills)) if piece
    )


class MatchingEngine:
    """Ranks indexed experts for demands. Not thread-safe for writes; reads may run in parallel.

    ``encoder`` is any object with ``name``, ``dim`` and ``encode(texts) -> unit vectors``
    (see :mod:`tepai.matching.dense`); None disables the dense path (sparse only).
    The same engine ranks any records shaped as :class:`Expert` — research outcomes, or
    demands for an expert's profile — with ``wording`` naming them in the explanations.
    """

    def __init__(
        self,
        config: EngineConfig | None = None,
        *,
        analyzer: Analyzer | None = None,
        encoder: object | None = None,
        wording: Wording = EXPERT_WORDING,
    ) -> None:
        self.config = config or EngineConfig()
        self.wording = wording
        self.analyzer = analyzer or default_analyzer()
        self.encoder = encoder
        self.sparse = BM25Index()
        dim = int(getattr(encoder, "dim", 0)) if encoder is not None else 0
        self.part_vectors = VectorStore(dim) if dim else None
        self.expert_vectors = VectorStore(dim, np.float32) if dim else None
        self.experts: dict[str, Expert] = {}
        self.parts: dict[str, Part] = {}
        self._parts_of: dict[str, list[str]] = {}
        # Expert row of every BM25 slot, kept in step with the sparse index as parts are
        # added, so the first query after an update does not rebuild it (it is rebuilt only
        # when compaction renumbers the slots). Rows of removed experts stay; their slots
        # are dead and score 0.
        self._slot_owner = array("q")
        self._row_of: dict[str, int] = {}
        self._row_ids: list[str] = []
        self._owner_layout = self.sparse.layout

    # ----- indexing ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.experts)

    def index(self, experts: Iterable[Expert], progress: Progress | None = None) -> None:
        """Add or replace ``experts``; only changed experts are re-encoded (with a cache)."""
        pending = list(experts)
        total = len(pending)
        batch = max(1, self.config.encode_batch // 4)
        for start in range(0, total, batch):
            self._index_batch(pending[start : start + batch])
            if progress is not None:
                progress(min(start + batch, total), total)

    def upsert(self, expert: Expert) -> None:
        """Add or replace one expert without touching the others."""
        self._index_batch([expert])

    def remove(self, expert_id: str) -> None:
        """Remove an expert from every index."""
        for key in self._parts_of.pop(expert_id, []):
            self.sparse.remove(key)
            self.parts.pop(key, None)
            if self.part_vectors is not None:
                self.part_vectors.remove(key)
        if self.expert_vectors is not None:
            self.expert_vectors.remove(expert_id)
        self.experts.pop(expert_id, None)

    def _index_batch(self, experts: Sequence[Expert]) -> None:
        new_parts: list[Part] = []
        for expert in experts:
            if self.experts.get(expert.id) == expert:
                continue
            self.remove(expert.id)
            parts = expert_parts(expert)
            self.experts[expert.id] = expert
            self._parts_of[expert.id] = [part.key for part in parts]
            row = self._row_of.setdefault(expert.id, len(self._row_ids))
            if row == len(self._row_ids):
                self._row_ids.append(expert.id)
            for part in parts:
                self.parts[part.key] = part
                slot = self.sparse.add(part.key, self.analyzer.tokens(part.text))
                if slot == len(self._slot_owner) and self.sparse.layout == self._owner_layout:
                    self._slot_owner.append(row)
            new_parts.extend(parts)
        if self.encoder is None or not new_parts:
            return
        assert self.part_vectors is not None and self.expert_vectors is not None
        vectors = self.encoder.encode([part.text for part in new_parts])  # type: ignore[attr-defined]
        self.part_vectors.put([part.key for part in new_parts], vectors)
        by_expert: dict[str, list[int]] = {}
        for row, part in enumerate(new_parts):
            by_expert.setdefault(part.expert_id, []).append(row)
        ids = list(by_expert)
        means = np.stack([vectors[rows].mean(axis=0) for rows in by_expert.values()])
        norms = np.linalg.norm(means, axis=1, keepdims=True)
        self.expert_vectors.put(ids, means / np.where(norms == 0, 1, norms))

    # ----- ranking -----------------------------------------------------------------------
    def recommend(
        self,
        demand: Demand,
        k: int = 10,
        *,
        exclude: Iterable[str] = (),
        keep: ExpertFilter | None = None,
        respect_capacity: bool = True,
        explain: bool = True,
    ) -> list[Recommendation]:
        """Return the top ``k`` experts for ``demand``, best first, each with an explanation.

        Experts in ``exclude``, those with a declared conflict with the demand's enterprise,
        those employed by it, those ``keep`` rejects and (unless ``respect_capacity`` is
        False) those whose load is full are never recommended.
        """
        # A query's products are matrix-vector (memory-bound): OpenBLAS threads only add
        # hand-offs, and spin-wait when another request or process holds the other core
        # (p50 63 → 32 ms at 10,000 experts on a busy 2-core machine).
        with single_threaded_blas:
            return self._recommend(demand, k, set(exclude), keep, respect_capacity, explain)

    def _recommend(
        self,
        demand: Demand,
        k: int,
        excluded: set[str],
        keep: ExpertFilter | None,
        respect_capacity: bool,
        explain: bool,
    ) -> list[Recommendation]:
        query = self._query(demand)
        candidates = [
            expert_id
            for expert_id in self._candidates(query)
            if expert_id not in excluded
            and self._eligible(self.experts[expert_id], demand, keep, respect_capacity)
        ]
        scored = self._score(query, candidates)
        totals = scored.total.tolist()
        ranked = sorted(range(len(candidates)), key=lambda i: (-totals[i], candidates[i]))[:k]
        recommendations = []
        for rank, position in enumerate(ranked, start=1):
            expert_id = candidates[position]
            explanation = None
            if explain:
                evidence = self._evidence(
                    query, expert_id, query.sparse_scores or {}, scored.dense_part
                )
                explanation = build_explanation(
                    self.experts[expert_id],
                    demand,
                    evidence,
                    scored.signals[position],
                    query.term_sources,
                    self.wording,
                )
            recommendations.append(
                Recommendation(
                    rank,
                    expert_id,
                    round(totals[position], 6),
                    scored.components(position),
                    explanation,
                )
            )
        return recommendations

    def score(self, demand: Demand, expert_ids: Sequence[str]) -> dict[str, float]:
        """Return the fused score of each given expert for ``demand`` (no filtering)."""
        with single_threaded_blas:
            query = self._query(demand)
            known = [expert_id for expert_id in expert_ids if expert_id in self.experts]
            totals = self._score(query, known).total.tolist()
        return dict(zip(known, totals, strict=True))

    def skill_affinity(self, skill: str, expert_ids: Sequence[str]) -> dict[str, float]:
        """Return, per expert, how well their profile covers one skill phrase, in [0, 1].

        Lexical coverage is the share of the skill's own terms (thesaurus expansions count at
        their weight) found together in one profile part; semantic coverage rescales the best
        part's cosine (0.15 → 0, 0.5 → 1, USE's range for unrelated vs. paraphrased short
        phrases). The larger of the two counts, so "制造执行系统" is covered by an item about
        制造执行系统 and "设备联网" by one about 工业互联网.
        """
        query = self._query(Demand(id="skill", title=skill))
        originals = sum(weight for _, weight in query.terms if weight >= 1.0) or 1.0
        weight_of = dict(query.terms)
        vectors = None
        if query.vector is not None and self.part_vectors is not None:
            vectors = query.vector.astype(np.float32)
        result: dict[str, float] = {}
        for expert_id in expert_ids:
            keys = self._parts_of.get(expert_id, [])
            lexical = max(
                (
                    sum(weight_of.get(term, 0.0) for term, _ in self.sparse.explain(query.terms, k))
                    / originals
                    for k in keys
                ),
                default=0.0,
            )
            semantic = 0.0
            if vectors is not None and keys:
                assert self.part_vectors is not None
                best = float((self.part_vectors.get(keys) @ vectors).max())
                semantic = (best - 0.15) / 0.35
            result[expert_id] = min(1.0, max(0.0, lexical, semantic))
        return result

    def rank(self, demand: Demand, k: int) -> list[tuple[str, float]]:
        """Return (expert id, score) pairs, best first: the evaluation Ranker protocol."""
        return [
            (r.expert_id, r.score)
            for r in self.recommend(demand, k, explain=False, respect_capacity=False)
        ]

    # ----- internals ---------------------------------------------------------------------
    def _eligible(
        self, expert: Expert, demand: Demand, keep: ExpertFilter | None, respect_capacity: bool
    ) -> bool:
        if demand.enterprise and (
            demand.enterprise in expert.conflicts or demand.enterprise == expert.institution
        ):
            return False
        if respect_capacity and expert.max_load is not None and expert.load >= expert.max_load:
            return False
        return keep is None or keep(expert)

    def _query(self, demand: Demand) -> _Query:
        text = demand_text(demand)
        tokens = self.analyzer.tokens(text)
        weights: dict[str, float] = {}
        for term, weight in self.analyzer.expand(tokens):
            weights[term] = max(weights.get(term, 0.0), weight)
        sources = dict(self.analyzer.expansion_sources(tokens))
        vector = None
        if self.encoder is not None:
            vector = self.encoder.encode([text])[0]  # type: ignore[attr-defined]
        return _Query(demand, list(weights.items()), sources, vector)

    def _owners(self) -> tuple[np.ndarray, list[str]]:
        """Return (expert row of every BM25 slot, -1 if dead; expert id of every row).

        A query then costs a vectorised max over slots instead of a Python loop over every
        matching part. The map grows with each added part and is rebuilt only after the
        sparse index compacted (renumbering its slots).
        """
        doc_ids = self.sparse.doc_ids
        if self.sparse.layout != self._owner_layout or len(self._slot_owner) != len(doc_ids):
            self._row_ids = list(self.experts)
            self._row_of = {expert_id: row for row, expert_id in enumerate(self._row_ids)}
            self._slot_owner = array(
                "q",
                (
                    self._row_of.get(doc_id.split(_SEPARATOR, 1)[0], -1) if doc_id else -1
                    for doc_id in doc_ids
                ),
            )
            self._owner_layout = self.sparse.layout
        return np.frombuffer(self._slot_owner, dtype=np.int64), self._row_ids

    def _candidates(self, query: _Query) -> list[str]:
        pool = self.config.candidates
        found: dict[str, None] = {}
        scores = self.sparse.score_array(query.terms)
        owner, experts = self._owners()
        if len(experts):
            best = np.zeros(len(experts), dtype=np.float64)
            # Only matching slots: ufunc.at is unbuffered and slow over all 400k slots.
            hits = np.flatnonzero(scores)
            hits = hits[owner[hits] >= 0]
            np.maximum.at(best, owner[hits], scores[hits])
            matched = np.flatnonzero(best > 0)
            if len(matched) > pool:
                matched = matched[np.argpartition(-best[matched], pool - 1)[:pool]]
            for row in sorted(matched.tolist(), key=lambda r: (-best[r], experts[r])):
                found[experts[row]] = None
        if (
            query.vector is not None
            and self.expert_vectors is not None
            and len(self.expert_vectors)
        ):
            ids, sims = self.expert_vectors.similarities(query.vector)
            take = min(pool, len(sims))
            top = (
                np.argpartition(-sims, take - 1)[:take]
                if take < len(sims)
                else np.arange(len(sims))
            )
            for row in top[np.argsort(-sims[top])]:
                expert_id = ids[row]
                if expert_id is not None:
                    found[expert_id] = None
        # Part scores are kept only for the candidates' parts: building a dict of every
        # matching part was the slowest step of a query at 100,000 experts.
        keys = [key for expert_id in found for key in self._parts_of.get(expert_id, [])]
        slots = self.sparse.slots(keys)
        values = np.where(slots >= 0, scores[np.maximum(slots, 0)], 0.0) if keys else []
        query.sparse_scores = {
            key: float(value) for key, value in zip(keys, values, strict=True) if value > 0
        }
        return list(found)

    def _score(self, query: _Query, expert_ids: Sequence[str]) -> _Scored:
        """Score every given expert, vectorised over all their parts at once.

        Scores are absolute, not rescaled over the experts at hand, so that the same expert
        pair scores the same whichever other experts are ranked with it and scores of one
        expert for different demands are comparable (the gold-standard protocol needs both).
        BM25 is divided by the query's attainable maximum, which puts it in [0, 1].
        """
        config = self.config
        sparse_scores = (
            query.sparse_scores
            if query.sparse_scores is not None
            else (self.sparse.score(query.terms))
        )
        part_keys: list[str] = []
        owners: list[int] = []
        for position, expert_id in enumerate(expert_ids):
            keys = self._parts_of.get(expert_id, [])
            part_keys.extend(keys)
            owners.extend([position] * len(keys))
        owner = np.array(owners, dtype=np.int64)
        count = len(expert_ids)
        sparse_values = np.fromiter(
            (sparse_scores.get(key, 0.0) for key in part_keys), np.float64, len(part_keys)
        )
        raw_sparse = _aggregate_groups(sparse_values, owner, count, config)
        dense_part: dict[str, float] = {}
        raw_dense = np.zeros(count)
        if query.vector is not None and self.part_vectors is not None and part_keys:
            sims = self.part_vectors.get(part_keys) @ query.vector.astype(np.float32)
            dense_part = dict(zip(part_keys, sims.tolist(), strict=True))
            raw_dense = _aggregate_groups(sims.astype(np.float64), owner, count, config)
        ceiling = self._sparse_ceiling(query) or 1.0
        text = config.sparse_weight * raw_sparse / ceiling + (
            config.dense_weight * raw_dense if dense_part else 0.0
        )
        structured = [self._structured(self.experts[e], query.demand) for e in expert_ids]
        bonus = np.array([value for value, _ in structured], dtype=np.float64)
        return _Scored(
            list(expert_ids),
            text + bonus,
            raw_sparse / ceiling,
            raw_dense,
            text,
            bonus,
            [signals for _, signals in structured],
            dense_part,
        )

    def _sparse_ceiling(self, query: _Query) -> float:
        """Return the highest BM25 score any document could reach for the query."""
        saturation = self.sparse.k1 + 1
        return sum(weight * self.sparse.idf(term) * saturation for term, weight in query.terms)

    def _structured(self, expert: Expert, demand: Demand) -> tuple[float, tuple[str, ...]]:
        config = self.config
        bonus = 0.0
        signals: list[str] = []
        if demand.cluster and demand.cluster in expert.clusters:
            bonus += config.cluster_bonus
            signals.append(f"服务同一产业集群（{demand.cluster}）")
        if demand.enterprise and demand.enterprise in expert.enterprises:
            bonus += config.collaboration_bonus
            signals.append("曾与该企业合作")
        if demand.region and demand.region == expert.region:
            bonus += config.region_bonus
            signals.append(f"同在{demand.region}")
        if expert.max_load:
            spare = max(0.0, 1 - expert.load / expert.max_load)
            bonus += config.spare_capacity_bonus * spare
            if expert.load == 0:
                signals.append("目前尚无对接任务")
        return bonus, tuple(signals)

    def _evidence(
        self,
        query: _Query,
        expert_id: str,
        sparse_scores: dict[str, float],
        dense_part: dict[str, float],
    ) -> tuple[Evidence, ...]:
        keys = self._parts_of.get(expert_id, [])
        top_sparse = max((sparse_scores.get(k, 0.0) for k in keys), default=0.0) or 1.0
        ranked = sorted(
            keys,
            key=lambda k: -(sparse_scores.get(k, 0.0) / top_sparse + dense_part.get(k, 0.0)),
        )[:3]
        evidence = []
        for key in ranked:
            part = self.parts[key]
            # One-character and generic words count in the score but tell a reader nothing.
            matched = self.sparse.explain(query.terms, key)
            terms = tuple(term for term, _ in matched if telling(term))[:6]
            value = sparse_scores.get(key, 0.0) / top_sparse + dense_part.get(key, 0.0)
            if value <= 0 and not terms:
                continue
            evidence.append(Evidence(part.source, part.label, round(value, 4), terms))
        return tuple(evidence)


@dataclass
class _Query:
    demand: Demand
    terms: list[tuple[str, float]]
    term_sources: dict[str, str]
    vector: np.ndarray | None
    sparse_scores: dict[str, float] | None = None


@dataclass(frozen=True)
class _Scored:
    """Scores of a list of experts, position by position, and the parts' dense similarity."""

    ids: list[str]
    total: np.ndarray
    sparse: np.ndarray  # calibrated: BM25 over the query's ceiling
    dense: np.ndarray
    text: np.ndarray
    structured: np.ndarray
    signals: list[tuple[str, ...]]
    dense_part: dict[str, float]

    def components(self, position: int) -> dict[str, float]:
        return {
            "sparse": round(float(self.sparse[position]), 6),
            "dense": round(float(self.dense[position]), 6),
            "text": round(float(self.text[position]), 6),
            "structured": round(float(self.structured[position]), 6),
        }


def _aggregate_groups(
    values: np.ndarray, owner: np.ndarray, groups: int, config: EngineConfig
) -> np.ndarray:
    """Return, per group, the best part weighted with the mean of the top parts.

    OpenReview-style aggregation of an expert's part scores: ``values[i]`` belongs to group
    ``owner[i]``; a group without parts scores 0.
    """
    result = np.zeros(groups, dtype=np.float64)
    if not len(values):
        return result
    order = np.lexsort((-values, owner))  # by group, best part first
    ordered, groups_of = values[order], owner[order]
    counts = np.bincount(groups_of, minlength=groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(ordered)) - starts[groups_of]
    top = rank < config.top_parts
    top_sum = np.bincount(groups_of[top], weights=ordered[top], minlength=groups)
    top_count = np.minimum(counts, config.top_parts)
    present = counts > 0
    best = np.zeros(groups, dtype=np.float64)
    best[present] = ordered[starts[present]]
    mean = np.divide(top_sum, top_count, out=np.zeros(groups), where=present)
    result[:] = config.best_part_weight * best + (1 - config.best_part_weight) * mean
    return result
