"""Indexes of outcomes and open demands, kept in step with the database incrementally.

The expert index answers "who can solve this demand"; these answer "which roadshow outcomes
fit this demand" and "which open demands fit this commissioner". Each is one process-wide
engine refreshed before use from (pk, updated_at) pairs, so a changed record is re-indexed
and nothing else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Model, QuerySet

from tepai.demands.models import Demand as DemandRecord
from tepai.demands.models import DemandStatus
from tepai.matching import Demand, Expert, Recommendation
from tepai.matching.engine import MatchingEngine
from tepai.matching.explain import DEMAND_WORDING, OUTCOME_WORDING, Wording
from tepai.matchmaking.records import demand_document, outcome_document, outcome_queryset

# Demands a commissioner can still take up.
OPEN_DEMAND_STATUSES = (DemandStatus.PUBLISHED, DemandStatus.MATCHING)


class LiveIndex:
    """One engine over a queryset, refreshed incrementally and safe to share between threads.

    Refreshing changes the engine in place, so ranking goes through :meth:`recommend`, which
    holds the lock for both; these catalogs are small and a query takes milliseconds.
    """

    def __init__(
        self,
        queryset: Callable[[], QuerySet],
        to_document: Callable[[Model], Expert],
        wording: Wording,
        encoder_factory: Callable[[], object | None],
    ) -> None:
        self._queryset = queryset
        self._to_document = to_document
        self._wording = wording
        self._encoder_factory = encoder_factory
        self._lock = threading.Lock()
        self._engine: MatchingEngine | None = None
        self._encoder_choice = ""
        self._seen: dict[int, datetime] = {}

    def recommend(
        self, query: Demand, k: int, keep: Callable[[Expert], bool] | None = None
    ) -> list[CatalogMatch]:
        """Return the ``k`` best records for ``query`` (current with the database)."""
        with self._lock:
            engine = self._refreshed()
            return [_catalog_match(engine, item) for item in engine.recommend(query, k, keep=keep)]

    def engine(self) -> MatchingEngine:
        """Return the refreshed engine; callers must not rank while another thread refreshes."""
        with self._lock:
            return self._refreshed()

    def _refreshed(self) -> MatchingEngine:
        choice = settings.TEPAI_MATCH_ENCODER
        if self._engine is None or choice != self._encoder_choice:
            self._engine = MatchingEngine(encoder=self._encoder_factory(), wording=self._wording)
            self._encoder_choice = choice
            self._seen = {}
        current = dict(self._queryset().values_list("pk", "updated_at"))
        for pk in set(self._seen) - set(current):
            self._engine.remove(str(pk))
        changed = [pk for pk, stamp in current.items() if self._seen.get(pk) != stamp]
        if changed:
            records = self._queryset().filter(pk__in=changed)
            self._engine.index(self._to_document(record) for record in records)
        self._seen = current
        return self._engine

    def reset(self) -> None:
        """Forget everything (tests, or after the encoder setting changed)."""
        with self._lock:
            self._engine = None
            self._seen = {}


def _open_demands() -> QuerySet[DemandRecord]:
    return DemandRecord.objects.filter(status__in=OPEN_DEMAND_STATUSES).select_related("enterprise")


def _encoder() -> object | None:
    from tepai.matchmaking.service import build_encoder  # service imports this module

    return build_encoder()


OUTCOMES = LiveIndex(outcome_queryset, outcome_document, OUTCOME_WORDING, _encoder)
OPEN_DEMANDS = LiveIndex(_open_demands, demand_document, DEMAND_WORDING, _encoder)


@dataclass(frozen=True)
class CatalogMatch:
    """A recommended outcome or demand: its database id, title, score and explanation."""

    id: int
    title: str
    score: float
    explanation_text: str
    matched_terms: tuple[str, ...]


def _catalog_match(engine: MatchingEngine, item: Recommendation) -> CatalogMatch:
    explanation = item.explanation
    return CatalogMatch(
        id=int(item.expert_id),
        title=engine.experts[item.expert_id].name,
        score=item.score,
        explanation_text=explanation.text if explanation else "",
        matched_terms=explanation.matched_terms if explanation else (),
    )
