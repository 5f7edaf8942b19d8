"""A first, approximate pass over many expert vectors: the dense candidates of a large pool.

The dense retrieval path scans every expert's vector for each demand. At 100,000 experts that
is a 100,000 × 512 float32 matrix (205 MB) read per query, a third of a query's time and
memory-bound. Above ``min_rows`` experts this keeps a copy of the vectors projected on their
``dims`` principal axes (fitted on the pool itself; an eighth of the bytes at 64 of 512
dimensions), scans that, and re-scores the best ``widen`` × k rows exactly with the full
vectors. The exact pass decides the order, so the only loss is a true top-k row that the
projection ranks below ``widen`` × k. Measured by ``benchmarks/coarse_recall.py`` over
20,000 USE profiles and 200 demands: 64 axes keep 99.7 % of the exact 200 nearest (every
final top 10 identical), 32 axes 93 %, 128 axes all.

Below ``min_rows`` nothing is kept and the caller scans exactly: small pools (every dev set,
most programmes) are ranked exactly as before.
"""

from __future__ import annotations

import numpy as np

from tepai.matching.vectors import VectorStore


class CoarseScan:
    """Projected copies of a :class:`VectorStore`'s rows, kept in step by put and remove."""

    def __init__(self, dims: int = 64, min_rows: int = 20_000, widen: int = 4) -> None:
        self.dims = dims
        self.min_rows = min_rows
        self.widen = widen
        self._basis: np.ndarray | None = None  # (dim, dims) float32, orthonormal columns
        self._mean: np.ndarray | None = None
        self._store: VectorStore | None = None
        self._fitted_at = 0

    @property
    def active(self) -> bool:
        """True when the projection is fitted and queries go through it."""
        return self._store is not None

    def sync(self, full: VectorStore) -> None:
        """Fit (or refit, once the pool has doubled since the last fit) from ``full``'s rows.

        Called after each indexing batch; cheap when nothing needs fitting. A refit keeps the
        axes in step with a pool that grew into new fields.
        """
        rows = len(full)
        if rows < self.min_rows or full.dim <= self.dims:
            self._store = self._basis = self._mean = None
            self._fitted_at = 0
            return
        if self._store is not None and rows < 2 * self._fitted_at:
            return
        ids, matrix = full.live_rows()
        self._fit(matrix)
        store = VectorStore(self.dims, np.float32)
        store.put(ids, self._project(matrix))
        self._store = store
        self._fitted_at = rows

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        """Insert or replace the projections of ``keys`` (no-op until fitted)."""
        if self._store is not None and len(keys):
            self._store.put(keys, self._project(vectors))

    def remove(self, key: str) -> None:
        """Forget ``key``'s projection."""
        if self._store is not None:
            self._store.remove(key)

    def top(self, full: VectorStore, query: np.ndarray, k: int) -> tuple[list[str], np.ndarray]:
        """Return (ids, exact similarities) of about the ``k`` most similar rows, best first.

        The projection picks ``widen`` × k rows; their full vectors decide the order.
        """
        assert self._store is not None and self._basis is not None and self._mean is not None
        query32 = query.astype(np.float32)
        ids, coarse = self._store.similarities(query32 @ self._basis)
        take = min(self.widen * k, len(coarse))
        if take <= 0:
            return [], np.zeros(0, dtype=np.float32)
        rows = np.argpartition(-coarse, take - 1)[:take] if take < len(coarse) else np.arange(take)
        keys = [ids[row] for row in rows.tolist() if ids[row] is not None]
        exact = full.get(keys) @ query32
        order = np.argsort(-exact, kind="stable")[:k]
        return [keys[i] for i in order.tolist()], exact[order]

    def _fit(self, matrix: np.ndarray) -> None:
        # Principal axes of a seeded sample: 20,000 rows fix 64 axes of a 512-d space well,
        # and fitting stays around a second.
        sample = matrix
        if len(matrix) > 20_000:
            rows = np.random.default_rng(0).choice(len(matrix), 20_000, replace=False)
            sample = matrix[np.sort(rows)]
        sample = sample.astype(np.float64)
        self._mean = sample.mean(axis=0).astype(np.float32)
        centred = sample - sample.mean(axis=0)
        # Eigenvectors of the d × d covariance: one matrix product and a small eigh, where a
        # full SVD of the sample took a minute on a busy 2-core machine.
        values, vectors = np.linalg.eigh(centred.T @ centred)
        order = np.argsort(values)[::-1][: self.dims]
        self._basis = np.ascontiguousarray(vectors[:, order], dtype=np.float32)

    def _project(self, vectors: np.ndarray) -> np.ndarray:
        # Centred: the mean direction all vectors share carries no ranking information,
        # so the axes go to what tells rows apart. A dot product with the projected query
        # then ranks by similarity up to a constant per query.
        assert self._basis is not None and self._mean is not None
        projected: np.ndarray = (vectors.astype(np.float32) - self._mean) @ self._basis
        return projected
