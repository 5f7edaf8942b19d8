"""An in-memory store of unit vectors keyed by string ids, with cheap incremental updates."""

from __future__ import annotations

import numpy as np


class VectorStore:
    """Rows of float vectors addressed by id; removal leaves a tombstone, compaction reclaims.

    Vectors are kept as float16 (half the memory; cosine error ~1e-3, far below what changes
    a ranking) and scored in float32 blocks.
    """

    def __init__(self, dim: int, dtype: type[np.floating] = np.float16) -> None:
        self.dim = dim
        self._dtype = dtype
        self._matrix = np.zeros((0, dim), dtype=dtype)
        self._ids: list[str | None] = []
        self._row_of: dict[str, int] = {}
        self._size = 0

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, key: str) -> bool:
        return key in self._row_of

    def _grow(self, needed: int) -> None:
        capacity = self._matrix.shape[0]
        if needed <= capacity:
            return
        new_capacity = max(needed, int(capacity * 1.5) + 64)
        grown = np.zeros((new_capacity, self.dim), dtype=self._dtype)
        grown[: self._size] = self._matrix[: self._size]
        self._matrix = grown

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        """Insert or replace the vectors of ``keys``."""
        if len(keys) != len(vectors):
            raise ValueError("keys and vectors differ in length")
        for key in keys:
            self.remove(key)
        self._grow(self._size + len(keys))
        start = self._size
        self._matrix[start : start + len(keys)] = vectors.astype(self._dtype, copy=False)
        for offset, key in enumerate(keys):
            self._row_of[key] = start + offset
            self._ids.append(key)
        self._size += len(keys)

    def remove(self, key: str) -> None:
        row = self._row_of.pop(key, None)
        if row is None:
            return
        self._ids[row] = None
        self._matrix[row] = 0
        if len(self._row_of) < 0.75 * self._size:
            self.compact()

    def compact(self) -> None:
        """Drop tombstones so memory and scan time follow the live vectors."""
        live = [row for row, key in enumerate(self._ids) if key is not None]
        self._matrix = np.ascontiguousarray(self._matrix[live])
        self._ids = [self._ids[row] for row in live]
        self._row_of = {key: row for row, key in enumerate(self._ids) if key is not None}
        self._size = len(self._ids)

    def live_rows(self) -> tuple[list[str], np.ndarray]:
        """Return (ids, their vectors as float32 rows) of every live row, in row order."""
        rows = [row for row, key in enumerate(self._ids[: self._size]) if key is not None]
        ids = [self._ids[row] for row in rows]
        return ids, self._matrix[rows].astype(np.float32)  # type: ignore[return-value]

    def get(self, keys: list[str]) -> np.ndarray:
        """Return the vectors of ``keys`` as float32 rows (zero rows for unknown keys)."""
        rows = np.fromiter(
            (self._row_of.get(key, -1) for key in keys), dtype=np.int64, count=len(keys)
        )
        known = rows >= 0
        if known.all():
            return _single(self._matrix[rows])
        out = np.zeros((len(keys), self.dim), dtype=np.float32)
        out[known] = _single(self._matrix[rows[known]])
        return out

    def similarities(
        self, query: np.ndarray, block: int = 65536
    ) -> tuple[list[str | None], np.ndarray]:
        """Return (ids, dot products of every stored row with ``query``); dead rows give 0."""
        query32 = query.astype(np.float32)
        if self._matrix.dtype == np.float32:
            # No conversion copy needed: one matrix-vector product over the live rows.
            return self._ids[: self._size], self._matrix[: self._size] @ query32
        scores = np.empty(self._size, dtype=np.float32)
        for start in range(0, self._size, block):
            stop = min(start + block, self._size)
            scores[start:stop] = _single(self._matrix[start:stop]) @ query32
        return self._ids[: self._size], scores


# Every float16 bit pattern's float32 value. Looking values up here is exact and about three
# times faster than numpy's own float16 → float32 cast, which a query pays on each candidate
# part's vector (~1,600 × 512 values at 100,000 experts).
_HALF_TO_SINGLE = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
_HALF_TO_SINGLE = _HALF_TO_SINGLE.astype(np.float32)


def _single(block: np.ndarray) -> np.ndarray:
    """Return ``block`` as float32 (a new array for float16 input)."""
    if block.dtype == np.float16:
        return np.take(_HALF_TO_SINGLE, np.ascontiguousarray(block).view(np.uint16))
    return block.astype(np.float32, copy=False)
