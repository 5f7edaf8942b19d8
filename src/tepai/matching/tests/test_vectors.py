import numpy as np

from tepai.matching.vectors import VectorStore


def _unit(rows: int, dim: int, seed: int) -> np.ndarray:
    matrix = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    unit: np.ndarray = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    return unit


def test_it_stores_replaces_and_removes_vectors() -> None:
    store = VectorStore(8)
    vectors = _unit(3, 8, 1)
    store.put(["a", "b", "c"], vectors)
    store.put(["b"], vectors[:1])
    store.remove("c")
    assert len(store) == 2 and "c" not in store
    np.testing.assert_allclose(store.get(["a", "b"]), vectors[[0, 0]], atol=1e-3)
    assert not store.get(["c"]).any()


def test_similarities_match_a_brute_force_dot_product_after_compaction() -> None:
    store = VectorStore(16)
    vectors = _unit(100, 16, 2)
    keys = [f"k{i}" for i in range(100)]
    store.put(keys, vectors)
    for key in keys[:60]:
        store.remove(key)  # crosses the compaction threshold
    query = _unit(1, 16, 3)[0]
    ids, sims = store.similarities(query)
    live = {key: sim for key, sim in zip(ids, sims, strict=True) if key is not None}
    assert set(live) == set(keys[60:])
    for index in range(60, 100):
        assert abs(live[f"k{index}"] - float(vectors[index] @ query)) < 2e-3


def test_similarities_cover_only_stored_rows_not_spare_capacity() -> None:
    store = VectorStore(4)
    store.put(["a", "b", "c"], _unit(3, 4, 5))
    ids, sims = store.similarities(_unit(1, 4, 6)[0])
    assert len(ids) == len(sims) == 3


def test_half_precision_rows_convert_exactly() -> None:
    from tepai.matching.vectors import _single

    every = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    np.testing.assert_array_equal(
        _single(every.reshape(256, 256)), every.astype(np.float32).reshape(256, 256)
    )
    store = VectorStore(8)
    vectors = _unit(5, 8, 9)
    store.put(list("abcde"), vectors)
    np.testing.assert_array_equal(
        store.get(["e", "a"]), vectors[[4, 0]].astype(np.float16).astype(np.float32)
    )
