"""A frozen reference baseline for the retrieval benchmarks: TF-IDF cosine over whole profiles.

:class:`TfidfBaseline` implements the ``Ranker`` and ``Scorer`` protocols of ``ranking.py``,
so the benchmark scripts run without the engine and its figures stay comparable over time;
:func:`char_bigrams` (Chinese) and :func:`english_words` (the English gold standard) are its
tokenisers. Nothing in tepai uses it: it is a yardstick, not the engine.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from tepai.matching import Demand, Expert, InvalidInput

__all__ = ["TfidfBaseline", "char_bigrams", "english_words"]

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
    ``Ranker`` and ``Scorer`` (``ranking.py``). Deliberately simple and frozen, so its benchmark
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
        if k < 1:
            raise InvalidInput(f"k must be at least 1, got {k}")
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
