"""Indexes of outcomes and open demands, kept in step with the database incrementally.

The expert index answers "who can solve this demand"; these answer "which roadshow outcomes
fit this demand" and "which open demands fit this commissioner". Each is a process-wide
:class:`~tepai.recommender.live.LiveIndex` (copy-on-write, refreshed before use from
fingerprints), so a changed record is re-indexed and nothing else, and ranking never holds
the index's lock.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from tepai.demands.models import Demand as DemandRecord
from tepai.demands.models import DemandStatus
from tepai.matching import (
    DEMAND_WORDING,
    OUTCOME_WORDING,
    Demand,
    Expert,
    MatchingEngine,
    Recommendation,
)
from tepai.outcomes.models import Outcome
from tepai.recommender.conversion import demand_document, outcome_document, outcome_queryset
from tepai.recommender.live import Fingerprint, LiveIndex

# Demands a commissioner can still take up.
OPEN_DEMAND_STATUSES = (DemandStatus.PUBLISHED, DemandStatus.MATCHING)


def _outcome_fingerprints() -> dict[int, Fingerprint]:
    """{outcome id: its and its institution's updated_at, its owners' count and latest edit}."""
    owners = {
        row["outcome_id"]: (row["n"], row["changed"])
        for row in Outcome.owners.through.objects.values("outcome_id").annotate(
            n=Count("id"), changed=Max("commissioner__updated_at")
        )
    }
    rows = Outcome.objects.values_list("pk", "updated_at", "institution__updated_at")
    return {pk: (updated, institution, owners.get(pk)) for pk, updated, institution in rows}


def _load_outcomes(pks: Collection[int] | None) -> QuerySet[Outcome]:
    outcomes = outcome_queryset()
    return outcomes if pks is None else outcomes.filter(pk__in=list(pks))


def _open_demands() -> QuerySet[DemandRecord]:
    return DemandRecord.objects.filter(status__in=OPEN_DEMAND_STATUSES)


def _open_demand_fingerprints() -> dict[int, Fingerprint]:
    rows = _open_demands().values_list("pk", "updated_at", "enterprise__updated_at")
    return {pk: (updated, enterprise) for pk, updated, enterprise in rows}


def _load_open_demands(pks: Collection[int] | None) -> QuerySet[DemandRecord]:
    demands = _open_demands().select_related("enterprise")
    return demands if pks is None else demands.filter(pk__in=list(pks))


OUTCOMES = LiveIndex(
    "项科技成果",
    snapshot="outcomes",
    fingerprints=_outcome_fingerprints,
    load=_load_outcomes,
    to_document=outcome_document,
    wording=OUTCOME_WORDING,
)
OPEN_DEMANDS = LiveIndex(
    "项开放需求",
    snapshot="open-demands",
    fingerprints=_open_demand_fingerprints,
    load=_load_open_demands,
    to_document=demand_document,
    wording=DEMAND_WORDING,
)


@dataclass(frozen=True)
class CatalogMatch:
    """A recommended outcome or demand: its database id, title, score and explanation."""

    id: int
    title: str
    score: float
    explanation_text: str
    matched_terms: tuple[str, ...]


def recommend(
    index: LiveIndex,
    query: Demand,
    k: int,
    keep: Callable[[Expert], bool] | None = None,
    *,
    confident_only: bool = False,
) -> list[CatalogMatch]:
    """Return the ``k`` best records of ``index`` for ``query`` (current with the database).

    With ``confident_only``, nothing when the engine judges that no record fits, and only
    records of high or medium confidence otherwise: an unrelated outcome offered as "what
    to do when nobody fits" would mislead more than an empty list.
    The index's lock is held only while it refreshes; ranking runs on the published engine.
    """
    engine = index.get()
    if not confident_only:
        # The no-fit judgement is only needed to filter; a plain ranking skips it.
        return [_catalog_match(engine, item) for item in engine.recommend(query, k, keep=keep)]
    result = engine.match(query, k, keep=keep)
    if result.no_fit:
        return []
    return [
        _catalog_match(engine, item) for item in result.recommendations if item.confidence != "低"
    ]


def _catalog_match(engine: MatchingEngine, item: Recommendation) -> CatalogMatch:
    explanation = item.explanation
    return CatalogMatch(
        id=int(item.expert_id),
        title=engine.experts[item.expert_id].name,
        score=item.score,
        explanation_text=explanation.text if explanation else "",
        matched_terms=explanation.matched_terms if explanation else (),
    )
