"""What the demand corpus says about a term: how many of the office's demands use it.

A term most demands use — the wording of calls and forms (申报, 联系方式, 截止), or what every
enterprise writes (项目, 生产, 研发, 提高) — says nothing about *this* demand's problem, whatever
the expert profiles say about it. Expert-side IDF cannot see that (申报 is rare in profiles, so
BM25 rates it highly), so query terms are also weighed by their document frequency over the
demands themselves: the corpus teaches its own boilerplate, and a notice pasted into twenty
demands stops deciding their ranking. See :class:`DemandVocabulary`.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Hashable, Iterable

__all__ = ["DemandVocabulary"]


class DemandVocabulary:
    """Document frequencies of analyzer tokens over a set of demands, kept incrementally.

    ``weight(term)`` is 1 for a term at most ``share`` of the demands use, and falls as
    ``(share / used_share) ** power`` above it, never below ``floor``. With fewer than
    ``min_demands`` demands the shares are too noisy to learn from and every weight is 1.
    Thread-safe.
    """

    def __init__(
        self,
        *,
        share: float = 0.15,
        power: float = 1.0,
        floor: float = 0.15,
        min_demands: int = 20,
    ) -> None:
        if not 0.0 < share <= 1.0:
            raise ValueError(f"share must lie in (0, 1], not {share}")
        self.share = share
        self.power = power
        self.floor = floor
        self.min_demands = min_demands
        self._terms_of: dict[str, frozenset[str]] = {}
        self._marks: dict[str, Hashable] = {}
        self._df: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._terms_of)

    def put(self, demand_id: str, tokens: Iterable[str], mark: Hashable = None) -> None:
        """Count the distinct ``tokens`` of one demand, replacing what it had before.

        ``mark`` is the caller's version of the demand (e.g. its ``updated_at``), returned by
        :meth:`marks`, so a caller can tell which demands changed since they were counted.
        """
        terms = frozenset(tokens)
        with self._lock:
            self._marks[demand_id] = mark
            old = self._terms_of.get(demand_id)
            if old == terms:
                return
            if old is not None:
                self._df.subtract(old)
            self._df.update(terms)
            self._terms_of[demand_id] = terms

    def remove(self, demand_id: str) -> None:
        """Forget one demand."""
        with self._lock:
            self._marks.pop(demand_id, None)
            old = self._terms_of.pop(demand_id, None)
            if old is not None:
                self._df.subtract(old)

    def marks(self) -> dict[str, Hashable]:
        """Return {demand id: the mark it was counted with}."""
        with self._lock:
            return dict(self._marks)

    def copy(self) -> DemandVocabulary:
        """Return an independent copy (for copy-on-write holders of an engine)."""
        twin = DemandVocabulary(
            share=self.share, power=self.power, floor=self.floor, min_demands=self.min_demands
        )
        with self._lock:
            twin._terms_of = dict(self._terms_of)
            twin._marks = dict(self._marks)
            twin._df = Counter(self._df)
        return twin

    def ids(self) -> set[str]:
        """Return the ids of the demands counted."""
        with self._lock:
            return set(self._terms_of)

    def df(self, term: str) -> int:
        """Return how many counted demands use ``term``."""
        return max(0, self._df.get(term, 0))

    def used_share(self, term: str) -> float:
        """Return the share of counted demands that use ``term`` (0 with none counted)."""
        total = len(self._terms_of)
        return self.df(term) / total if total else 0.0

    def weight(self, term: str) -> float:
        """Return the factor a query term is weighed by: 1 unless most demands use it."""
        if len(self._terms_of) < self.min_demands:
            return 1.0
        used = self.used_share(term)
        if used <= self.share:
            return 1.0
        return max(self.floor, math.pow(self.share / used, self.power))
