"""Which discipline a text belongs to: the shipped term → discipline lexicon.

An expert who arrives with a roster line ("纺织工程、纺纱学、新型纱线") shares few words with a
plain complaint ("细纱断头率高，夏天车间闷热，想降低能耗"), while a power-plant engineer's long bio
shares 夏天, 车间 and 能耗. Both texts, however, name the same *discipline*: 细纱 and 纺纱 are
textile words. ``data/disciplines.tsv`` maps terms to about twenty disciplines (its header lists
them); :meth:`Disciplines.vector` turns weighted terms into a unit vector over them, so the
engine can compare a demand's discipline profile with an expert's.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from tepai.matching.text.normalize import normalize

DISCIPLINES_FILE = Path(__file__).with_name("data") / "disciplines.tsv"
# A text whose known terms carry this share of its weight is fully placed in its disciplines.
FULL_SHARE = 0.1

__all__ = ["Disciplines", "shipped_disciplines"]


class Disciplines:
    """A term → disciplines lexicon and the vectors it gives texts."""

    def __init__(self, entries: dict[str, tuple[str, ...]]) -> None:
        self.codes: tuple[str, ...] = tuple(
            sorted({code for codes in entries.values() for code in codes})
        )
        index = {code: position for position, code in enumerate(self.codes)}
        self._of: dict[str, tuple[int, ...]] = {
            term: tuple(index[code] for code in codes) for term, codes in entries.items()
        }

    @classmethod
    def load(cls, path: Path = DISCIPLINES_FILE) -> Disciplines:
        """Return the lexicon in ``path`` (``term<TAB>code[,code]``, ``#`` comments)."""
        entries: dict[str, tuple[str, ...]] = {}
        if not path.is_file():
            return cls(entries)
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            term, tab, codes = line.partition("\t")
            if not tab or not term.strip() or not codes.strip():
                raise ValueError(f"{path}:{number}: expected term<TAB>discipline[,discipline]")
            parsed = tuple(code.strip() for code in codes.split(",") if code.strip())
            key = normalize(term.strip())
            entries[key] = tuple(dict.fromkeys(entries.get(key, ()) + parsed))
        return cls(entries)

    def __len__(self) -> int:
        return len(self._of)

    def __contains__(self, term: object) -> bool:
        return term in self._of

    def of(self, term: str) -> tuple[str, ...]:
        """Return the disciplines of ``term`` (empty if it names none)."""
        return tuple(self.codes[i] for i in self._of.get(term, ()))

    def vector(self, weighted_terms: Iterable[tuple[str, float]]) -> np.ndarray | None:
        """Return the discipline vector of weighted terms, or None if none is known.

        A term of two disciplines splits its weight between them. The vector's direction
        says which disciplines; its length (at most 1) says how much of the text they
        account for: the weight share of known terms, saturating at ``FULL_SHARE``. A
        management-science title with one farming word in ten then leans on its discipline
        far less than a roster line that is all discipline names.
        """
        if not self.codes:
            return None
        out = np.zeros(len(self.codes), dtype=np.float64)
        total = known = 0.0
        for term, weight in weighted_terms:
            total += weight
            positions = self._of.get(term)
            if positions:
                known += weight
                share = weight / len(positions)
                for position in positions:
                    out[position] += share
        norm = math.sqrt(float(out @ out))
        if norm == 0 or total <= 0:
            return None
        return out / norm * min(1.0, known / total / FULL_SHARE)


@functools.cache
def shipped_disciplines() -> Disciplines:
    """Return the lexicon shipped in ``data/disciplines.tsv`` (loaded once per process)."""
    return Disciplines.load()
