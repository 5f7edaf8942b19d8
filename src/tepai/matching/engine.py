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
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from tepai.matching.coarse import CoarseScan
from tepai.matching.dense import single_threaded_blas
from tepai.matching.explain import EXPERT_WORDING, Wording, build_explanation, telling
from tepai.matching.fit import UNSEEN_IDF, judge_fit
from tepai.matching.records import Demand, Evidence, Expert, MatchResult, Recommendation
from tepai.matching.sparse import BM25Index
from tepai.matching.text import Analyzer, default_analyzer, everyday_word, normalize
from tepai.matching.text._jieba import domain_words as _jieba_domain_words
from tepai.matching.text.analyzer import CATEGORY_TERMS
from tepai.matching.text.disciplines import shipped_disciplines
from tepai.matching.vectors import VectorStore
from tepai.matching.vocabulary import DemandVocabulary

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
    candidates: int = 200  # per retrieval path (BM25, dense), before fusion
    discipline_candidates: int = 50  # by discipline alone (thin profiles no word reaches)
    exact_within: int = 5000  # a filter keeping at most this many experts scores them all
    # Above this many experts the dense candidates come from a 64-d projection first
    # (tepai.matching.coarse), re-scored exactly; 0 scans every full vector.
    coarse_above: int = 20_000
    # The demand's title states the problem; its body adds context and, often, the notice
    # it was filed under. Title terms weigh this much more than body terms.
    title_weight: float = 2.0
    # How much a shared discipline counts (the cosine of the demand's and the expert's
    # discipline vectors, tepai.matching.text.disciplines): what lets a roster line such as
    # "纺织工程、纺纱学" be found for a plain complaint about 细纱断头.
    discipline_weight: float = 0.12
    # Only terms some profile contains count in BM25's ceiling (see _sparse_ceiling).
    ceiling_seen_only: bool = True
    # Everyday words (夏天, 后面, 看看) say little about a demand's topic; they weigh this much
    # unless the discipline lexicon names them (棉花, 羊). Off (1.0): 0.5 changed nothing on
    # the demand dev sets once the ceiling counted seen terms only, and cost NSFC expert
    # finding 0.002 MRR, where everyday words (企业, 市场, 政策) are the topic.
    everyday_weight: float = 1.0
    # A query term more than this share of the demand corpus uses is weighed down, to at
    # least ``demand_floor`` of its weight (tepai.matching.vocabulary); 1.0 switches it off.
    demand_share: float = 0.15
    demand_floor: float = 0.15
    # What a profile part is worth as evidence: the research fields and bio (one part: a
    # separate part for the fields changed nothing on the dev sets and cost a quarter more
    # parts per query) or a work item.
    profile_weight: float = 1.0
    item_weight: float = 1.0
    # Structured signals stay small beside the text (whose scores spread over ~0.1–0.4), so
    # they order near-equals and never lift an unrelated person above a specialist.
    cluster_bonus: float = 0.02
    collaboration_bonus: float = 0.01
    region_bonus: float = 0.01
    spare_capacity_bonus: float = 0.01
    encode_batch: int = 256


# A term in more than this share of the profile parts is common ground, not a reason.
GENERIC_PART_SHARE = 0.3

# Clusters that say nothing about a topic: two records filed under 其他 share no industry.
UNINFORMATIVE_CLUSTERS = frozenset({"", "其他", "other", "其它", "未知", "unknown"})


@dataclass(frozen=True)
class Part:
    key: str
    expert_id: str
    source: str
    label: str
    text: str


def expert_parts(expert: Expert) -> list[Part]:
    """Return the indexed parts of ``expert``: research fields with the bio, and each work item."""
    parts: list[Part] = []
    fields_text = " ".join(field for field in expert.fields if field.strip())
    profile_text = " ".join(
        piece for piece in (expert.title, fields_text, expert.profile) if piece.strip()
    )
    if fields_text or expert.profile.strip():
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
        self.coarse = CoarseScan(min_rows=self.config.coarse_above or 2**62)
        self.disciplines = shipped_disciplines()
        self._discipline_of: dict[str, np.ndarray] = {}
        self.discipline_vectors = VectorStore(max(1, len(self.disciplines.codes)), np.float32)
        self.vocabulary = DemandVocabulary(
            share=self.config.demand_share, floor=self.config.demand_floor
        )
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
        self._sync_coarse()

    def upsert(self, expert: Expert) -> None:
        """Add or replace one expert without touching the others."""
        self._index_batch([expert])
        self._sync_coarse()

    def _sync_coarse(self) -> None:
        if self.expert_vectors is not None:
            self.coarse.sync(self.expert_vectors)

    def remove(self, expert_id: str) -> None:
        """Remove an expert from every index."""
        for key in self._parts_of.pop(expert_id, []):
            self.sparse.remove(key)
            self.parts.pop(key, None)
            if self.part_vectors is not None:
                self.part_vectors.remove(key)
        if self.expert_vectors is not None:
            self.expert_vectors.remove(expert_id)
            self.coarse.remove(expert_id)
        self.experts.pop(expert_id, None)
        self._discipline_of.pop(expert_id, None)
        self.discipline_vectors.remove(expert_id)

    def _index_batch(self, experts: Sequence[Expert]) -> None:
        new_parts: list[Part] = []
        placed: list[tuple[str, np.ndarray]] = []
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
            part_tokens: list[tuple[str, list[str]]] = []
            for part in parts:
                self.parts[part.key] = part
                tokens = self.analyzer.tokens(part.text)
                part_tokens.append((part.source, tokens))
                slot = self.sparse.add(part.key, tokens)
                if slot == len(self._slot_owner) and self.sparse.layout == self._owner_layout:
                    self._slot_owner.append(row)
            discipline = self._expert_discipline(expert, part_tokens)
            if discipline is not None:
                self._discipline_of[expert.id] = discipline
                placed.append((expert.id, discipline))
            new_parts.extend(parts)
        if placed:
            self.discipline_vectors.put(
                [expert_id for expert_id, _ in placed], np.stack([v for _, v in placed])
            )
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
        units = means / np.where(norms == 0, 1, norms)
        self.expert_vectors.put(ids, units)
        self.coarse.put(ids, units)

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
        query: _Query | None = None,
        within: list[str] | None = None,
    ) -> list[Recommendation]:
        query = query or self._query(demand)
        # A filter that keeps few experts (a batch, a centre, an institution) is scored
        # exactly: retrieving the best few hundred of the whole pool and filtering them
        # afterwards can leave a batch of thin roster profiles with nobody at all.
        if within is None and keep is not None:
            within = [expert_id for expert_id, expert in self.experts.items() if keep(expert)]
            if len(within) > self.config.exact_within:
                within = None
        candidates = [
            expert_id
            for expert_id in self._candidates(query, within)
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
                signals = self._discipline_signal(
                    query, expert_id, self.config.discipline_weight * scored.discipline[position]
                )
                explanation = build_explanation(
                    self.experts[expert_id],
                    demand,
                    evidence,
                    signals + scored.signals[position],
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

    def pair(self, demand: Demand, expert_id: str) -> Recommendation | None:
        """Return ``expert_id``'s score and explanation for ``demand``, as a ranking shows it.

        Scores are absolute, so this is the number and wording any ranking that includes the
        expert shows. None for an unknown expert; filters (conflicts, capacity) are the
        caller's to apply.
        """
        if expert_id not in self.experts:
            return None
        with single_threaded_blas:
            query = self._query(demand)
            found = self._recommend(demand, 1, set(), None, False, True, query, within=[expert_id])
        return found[0] if found else None

    def match(
        self,
        demand: Demand,
        k: int = 10,
        *,
        exclude: Iterable[str] = (),
        keep: ExpertFilter | None = None,
        respect_capacity: bool = True,
        explain: bool = True,
    ) -> MatchResult:
        """Return the top ``k`` experts for ``demand`` and whether anyone fits at all.

        The same ranking as :meth:`recommend` (same filters), with each recommendation's
        confidence and the demand's no-fit judgement (:mod:`tepai.matching.fit`).
        """
        with single_threaded_blas:
            query = self._query(demand)
            recommendations = self._recommend(
                demand, k, set(exclude), keep, respect_capacity, explain, query
            )
        return judge_fit(self, query, recommendations, k)

    def coverage(self, query: _Query, expert_id: str) -> float:
        """Return the share of the demand's own terms ``expert_id``'s profile contains.

        Each distinct term of the demand (two characters or more) weighs its query weight
        times its IDF (a term no profile contains counts as rare); it is covered when a
        profile part contains it or a thesaurus bridge reached from it.
        """
        matched: set[str] = set()
        for key in self._parts_of.get(expert_id, []):
            matched.update(term for term, _ in self.sparse.explain(query.terms, key))
        total = covered = 0.0
        for token, bridges, mass in self._units(query):
            total += mass
            if token in matched or not bridges.isdisjoint(matched):
                covered += mass
        return covered / total if total else 0.0

    def uncovered(self, query: _Query) -> list[str]:
        """Return the demand's telling terms that no indexed profile contains, heaviest first.

        Everyday words (frequent in general Chinese: 夏天, 原因) are left out: they are not
        needs a profile could be expected to name.
        """
        found = [
            (mass, token)
            for token, bridges, mass in self._units(query)
            if self.telling(token)
            and not self.sparse.df(token)
            and not any(self.sparse.df(bridge) for bridge in bridges)
            and not everyday_word(token)
        ]
        return [token for _, token in sorted(found, key=lambda pair: -pair[0])]

    def _units(self, query: _Query) -> list[tuple[str, frozenset[str], float]]:
        """Return (term, its bridges, its mass) for each distinct term the demand says."""
        if query.units is None:
            weight = dict(query.terms)
            units = []
            for token in dict.fromkeys(query.tokens):
                if len(token) < 2 or token not in weight:
                    continue
                bridges = frozenset(
                    target
                    for target, source in query.term_sources.items()
                    if source == token or token in self.analyzer.tokens(source)
                )
                idf = self.sparse.idf(token) if self.sparse.df(token) else UNSEEN_IDF
                units.append((token, bridges, weight[token] * idf))
            query.units = units
        return query.units

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
        """Return (expert id, score) pairs, best first: the benchmarks' Ranker protocol."""
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

    def observe_demands(
        self, demands: Iterable[Demand], marks: Mapping[str, Hashable] | None = None
    ) -> None:
        """Count these demands' terms in the demand vocabulary (added or replaced by id).

        The engine then weighs down query terms most demands use (boilerplate of calls and
        forms); see :mod:`tepai.matching.vocabulary`. Callers keep it current with the
        demands they hold (``marks`` records each demand's version, see
        ``vocabulary.marks()``); a demand ranked is not counted unless observed.
        """
        for demand in demands:
            mark = marks.get(demand.id) if marks is not None else None
            self.vocabulary.put(demand.id, self.analyzer.tokens(demand_text(demand)), mark)

    def forget_demand(self, demand_id: str) -> None:
        """Remove one demand from the demand vocabulary."""
        self.vocabulary.remove(demand_id)

    def query_terms(self, demand: Demand) -> list[tuple[str, float]]:
        """Return the weighted terms ``demand`` is matched by, heaviest first.

        Each term weighs 1 (thesaurus expansions ``expansion_weight``), times ``title_weight``
        if the title says it, times the demand vocabulary's factor (boilerplate most demands
        share weighs little).
        """
        return sorted(self._query(demand).terms, key=lambda pair: (-pair[1], pair[0]))

    def _query(self, demand: Demand) -> _Query:
        text = demand_text(demand)
        tokens = self.analyzer.tokens(text)
        weights: dict[str, float] = {}
        for term, weight in self.analyzer.expand(tokens):
            weights[term] = max(weights.get(term, 0.0), weight)
        if demand.title and self.config.title_weight != 1.0:
            for term, _weight in self.analyzer.expand(self.analyzer.tokens(demand.title)):
                weights[term] *= self.config.title_weight
        for term in weights:
            weights[term] *= self.vocabulary.weight(term)
            if (
                self.config.everyday_weight != 1.0
                and everyday_word(term)
                and term not in self.disciplines
            ):
                weights[term] *= self.config.everyday_weight
        sources = dict(self.analyzer.expansion_sources(tokens))
        vector = None
        if self.encoder is not None:
            vector = self.encoder.encode([text])[0]  # type: ignore[attr-defined]
        # A disease or pest category reached from a word's head character (布鲁氏菌病 → 病害)
        # says "disease", not whose: only the words themselves place the demand.
        discipline = self.disciplines.vector(
            (term, weight)
            for term, weight in weights.items()
            if term in tokens or term not in CATEGORY_TERMS
        )
        return _Query(demand, list(weights.items()), sources, vector, tokens, discipline)

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

    def _candidates(self, query: _Query, within: Sequence[str] | None = None) -> list[str]:
        """Return the experts worth scoring (``within`` them all, when given), and keep the
        BM25 scores of their parts in ``query.sparse_scores``."""
        found: dict[str, None] = {}
        scores = self.sparse.score_array(query.terms)
        if within is not None:
            found = dict.fromkeys(within)
        else:
            self._retrieve(query, scores, found)
        # Part scores are kept only for the candidates' parts: building a dict of every
        # matching part was the slowest step of a query at 100,000 experts.
        keys = [key for expert_id in found for key in self._parts_of.get(expert_id, [])]
        slots = self.sparse.slots(keys)
        values: np.ndarray | list[float] = (
            np.where(slots >= 0, scores[np.maximum(slots, 0)], 0.0) if keys else []
        )
        query.sparse_scores = {
            key: float(value) for key, value in zip(keys, values, strict=True) if value > 0
        }
        return list(found)

    def _retrieve(self, query: _Query, scores: np.ndarray, found: dict[str, None]) -> None:
        """Add to ``found`` the best experts by BM25, by dense similarity and by discipline."""
        pool = self.config.candidates
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
            if self.coarse.active:
                nearest, _ = self.coarse.top(self.expert_vectors, query.vector, pool)
                found.update(dict.fromkeys(nearest))
            else:
                ids, sims = self.expert_vectors.similarities(query.vector)
                for row in _best_rows(sims, pool):
                    expert_id = ids[row]
                    if expert_id is not None:
                        found[expert_id] = None
        # Experts of the demand's discipline are candidates even when no word is shared: a
        # roster line ("纺织工程、纺纱学") and a plain complaint ("细纱断头") share none. Many
        # experts share a discipline, so this path adds a few, not a whole pool.
        if query.discipline is not None and len(self.discipline_vectors):
            ids, sims = self.discipline_vectors.similarities(query.discipline.astype(np.float32))
            for row in _best_rows(sims, self.config.discipline_candidates):
                expert_id = ids[row]
                if expert_id is not None and sims[row] > 0:
                    found[expert_id] = None

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
        worth: np.ndarray | float = 1.0
        if not config.profile_weight == config.item_weight == 1.0:
            worth = np.fromiter(
                (self._part_worth(self.parts[key].source) for key in part_keys),
                np.float64,
                len(part_keys),
            )
        sparse_values = np.fromiter(
            (sparse_scores.get(key, 0.0) for key in part_keys), np.float64, len(part_keys)
        )
        raw_sparse = _aggregate_groups(sparse_values * worth, owner, count, config)
        dense_part: dict[str, float] = {}
        raw_dense = np.zeros(count)
        if query.vector is not None and self.part_vectors is not None and part_keys:
            sims = self.part_vectors.get(part_keys) @ query.vector.astype(np.float32)
            dense_part = dict(zip(part_keys, sims.tolist(), strict=True))
            raw_dense = _aggregate_groups(sims.astype(np.float64) * worth, owner, count, config)
        ceiling = self._sparse_ceiling(query) or 1.0
        discipline = np.zeros(count)
        if query.discipline is not None and config.discipline_weight:
            for position, expert_id in enumerate(expert_ids):
                vector = self._discipline_of.get(expert_id)
                if vector is not None:
                    discipline[position] = float(vector @ query.discipline)
        text = (
            config.sparse_weight * raw_sparse / ceiling
            + (config.dense_weight * raw_dense if dense_part else 0.0)
            + config.discipline_weight * discipline
        )
        structured = [self._structured(self.experts[e], query.demand) for e in expert_ids]
        bonus = np.array([value for value, _ in structured], dtype=np.float64)
        signals = [found for _, found in structured]
        return _Scored(
            list(expert_ids),
            text + bonus,
            raw_sparse / ceiling,
            raw_dense,
            discipline,
            text,
            bonus,
            signals,
            dense_part,
        )

    def skill_terms(self, demand: Demand, k: int = 4) -> list[str]:
        """Return up to ``k`` skills a team for ``demand`` should cover, most salient first.

        The demand's stated needs (所需技能) when it lists any; otherwise its technical terms:
        words of the domain dictionary or the discipline lexicon, or the technical side of a
        thesaurus bridge from its plain words ("断头" → 断头率), never an everyday word
        (夏天, 车间) or a generic one (生产, 项目). Weighed as the query weighs them (the
        title counts double, boilerplate little) times IDF; a term contained in one already
        chosen is skipped.
        """
        if demand.skills:
            return list(dict.fromkeys(skill.strip() for skill in demand.skills if skill.strip()))
        query = self._query(demand)
        technical = _jieba_domain_words()
        candidates: list[tuple[float, str]] = []
        for term, weight in query.terms:
            bridged = term in query.term_sources
            if not self.telling(term) or not (
                bridged or term in technical or term in self.disciplines
            ):
                continue
            idf = self.sparse.idf(term) if self.sparse.df(term) else UNSEEN_IDF
            candidates.append((weight * idf, term))
        salience = dict((term, value) for value, term in candidates)
        chosen: list[str] = []
        for _, term in sorted(candidates, key=lambda pair: (-pair[0], -len(pair[1]), pair[1])):
            if any(term in other for other in chosen):
                continue
            # "细纱断头" says more than "断头" alone: a longer term that contains a chosen
            # one replaces it when it is nearly as salient.
            shorter = [other for other in chosen if other in term]
            if shorter:
                if salience[term] >= 0.5 * max(salience[other] for other in shorter):
                    chosen = [other for other in chosen if other not in shorter] + [term]
                continue
            if len(chosen) < k:
                chosen.append(term)
        return chosen

    def demand_disciplines(self, demand: Demand, k: int = 2) -> list[str]:
        """Return the (at most ``k``) disciplines ``demand`` belongs to, strongest first.

        A discipline counts when it carries at least a third of the strongest one's weight.
        """
        vector = self._query(demand).discipline
        if vector is None:
            return []
        order = np.argsort(-vector)
        best = float(vector[order[0]])
        return [
            self.disciplines.codes[int(i)]
            for i in order[:k]
            if vector[i] > 0 and vector[i] >= best / 3
        ]

    def institutions_in(self, disciplines: Sequence[str], limit: int = 3) -> list[str]:
        """Return the institutions most of whose indexed experts work in ``disciplines``.

        Ranked by how many of their experts have one of them as their main discipline; for an
        officer who must ask the dispatching institutions for someone new.
        """
        wanted = {self.disciplines.codes.index(code) for code in disciplines}
        counts: dict[str, int] = {}
        for expert_id, vector in self._discipline_of.items():
            institution = self.experts[expert_id].institution
            if institution and int(np.argmax(vector)) in wanted:
                counts[institution] = counts.get(institution, 0) + 1
        return sorted(counts, key=lambda name: (-counts[name], name))[:limit]

    def telling(self, term: str) -> bool:
        """Return True if ``term`` is worth showing as a reason for a match in this pool.

        Beyond :func:`~tepai.matching.explain.telling` (no single characters, no generic
        words), a term that a large share of the indexed profile parts contain does not
        tell one expert from another, and an everyday word (夏天, 车间) is no expertise
        unless the discipline lexicon names it (棉花 is everyday Chinese and a field).
        """
        if not telling(term):
            return False
        if everyday_word(term) and term not in self.disciplines:
            return False
        parts = len(self.sparse)
        return parts < 20 or self.sparse.df(term) <= GENERIC_PART_SHARE * parts

    def _expert_discipline(
        self, expert: Expert, part_tokens: Sequence[tuple[str, list[str]]]
    ) -> np.ndarray | None:
        """Return the discipline vector of an expert, from their fields first.

        ``part_tokens`` are the (source, tokens) of the indexed parts. A research field counts
        whole ("纺织工程") and by its words; work-item titles count half and the bio a
        quarter, so a long bio cannot outweigh what the person names as their fields. (Item
        titles are segmented on their own: short, and more telling than the item's text.)
        """
        terms: list[tuple[str, float]] = [
            (normalize(field_text.strip()), 1.0) for field_text in expert.fields
        ]
        fields_text = " ".join(expert.fields)
        terms.extend((token, 1.0) for token in self.analyzer.tokens(fields_text))
        for source, tokens in part_tokens:
            if source == "profile":
                terms.extend((token, 0.25) for token in tokens)
        for item in expert.items:
            terms.extend((token, 0.5) for token in self.analyzer.tokens(item.title))
        return self.disciplines.vector(terms)

    def _discipline_signal(self, query: _Query, expert_id: str, gained: float) -> tuple[str, ...]:
        """Return the shared-discipline reason, with what it added, if it added enough."""
        vector = self._discipline_of.get(expert_id)
        if query.discipline is None or vector is None or gained < 0.01:
            return ()
        shared = self.disciplines.codes[int(np.argmax(vector * query.discipline))]
        return (f"研究方向同属{shared}领域（+{gained:.2f}）",)

    def _part_worth(self, source: str) -> float:
        config = self.config
        return config.profile_weight if source == "profile" else config.item_weight

    def _sparse_ceiling(self, query: _Query) -> float:
        """Return the highest BM25 score any document could reach for the query.

        With ``config.ceiling_seen_only`` only terms some profile contains count: a plain
        demand full of words no profile uses ("屁股", "七八只") would otherwise divide its
        matches by a ceiling no expert could approach, and score below a technical demand
        with an equally good match.
        """
        saturation = self.sparse.k1 + 1
        seen_only = self.config.ceiling_seen_only
        return sum(
            weight * self.sparse.idf(term) * saturation
            for term, weight in query.terms
            if not seen_only or self.sparse.df(term)
        )

    def _structured(self, expert: Expert, demand: Demand) -> tuple[float, tuple[str, ...]]:
        config = self.config
        bonus = 0.0
        signals: list[str] = []
        if demand.cluster not in UNINFORMATIVE_CLUSTERS and demand.cluster in expert.clusters:
            bonus += config.cluster_bonus
            signals.append(f"服务同一产业集群（{demand.cluster}，+{config.cluster_bonus:.2f}）")
        if demand.enterprise and demand.enterprise in expert.enterprises:
            bonus += config.collaboration_bonus
            signals.append(f"曾与该企业合作（+{config.collaboration_bonus:.2f}）")
        if demand.region and demand.region == expert.region:
            bonus += config.region_bonus
            signals.append(f"同在{demand.region}（+{config.region_bonus:.2f}）")
        if expert.max_load:
            spare = max(0.0, 1 - expert.load / expert.max_load)
            gained = config.spare_capacity_bonus * spare
            bonus += gained
            if expert.load == 0 and gained > 0:
                signals.append(f"目前尚无对接任务（+{gained:.2f}）")
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
            terms = tuple(term for term, _ in matched if self.telling(term))[:6]
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
    tokens: list[str] = field(default_factory=list)  # the demand's own tokens, in order
    discipline: np.ndarray | None = None  # unit vector over disciplines, None if none named
    sparse_scores: dict[str, float] | None = None
    units: list[tuple[str, frozenset[str], float]] | None = None  # see MatchingEngine._units


@dataclass(frozen=True)
class _Scored:
    """Scores of a list of experts, position by position, and the parts' dense similarity."""

    ids: list[str]
    total: np.ndarray
    sparse: np.ndarray  # calibrated: BM25 over the query's ceiling
    dense: np.ndarray
    discipline: np.ndarray  # cosine of the discipline vectors, 0 when either has none
    text: np.ndarray
    structured: np.ndarray
    signals: list[tuple[str, ...]]
    dense_part: dict[str, float]

    def components(self, position: int) -> dict[str, float]:
        return {
            "sparse": round(float(self.sparse[position]), 6),
            "dense": round(float(self.dense[position]), 6),
            "discipline": round(float(self.discipline[position]), 6),
            "text": round(float(self.text[position]), 6),
            "structured": round(float(self.structured[position]), 6),
        }


def _best_rows(sims: np.ndarray, k: int) -> np.ndarray:
    """Return the rows of the ``k`` largest values of ``sims``, largest first."""
    take = min(k, len(sims))
    if take <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-sims, take - 1)[:take] if take < len(sims) else np.arange(len(sims))
    return top[np.argsort(-sims[top])]


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
