import numpy as np

from tepai.matching.coarse import CoarseScan
from tepai.matching.dense import HashingEncoder
from tepai.matching.engine import EngineConfig, MatchingEngine
from tepai.matching.records import Demand, Expert, WorkItem
from tepai.matching.vectors import VectorStore


def _clustered(rows: int, dim: int, seed: int) -> np.ndarray:
    """Unit vectors near a few dozen directions of a low-dimensional subspace, as text
    embeddings are: most of their variance lies on far fewer axes than they have."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.normal(size=(dim, 24)))[0]
    centres = rng.normal(size=(40, 24))
    matrix = centres[rng.integers(0, 40, rows)] + 0.35 * rng.normal(size=(rows, 24))
    matrix = matrix @ basis.T + 0.05 * rng.normal(size=(rows, dim))
    unit: np.ndarray = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)
    return unit


def _store(matrix: np.ndarray) -> VectorStore:
    store = VectorStore(matrix.shape[1], np.float32)
    store.put([f"e{i}" for i in range(len(matrix))], matrix)
    return store


def test_it_stays_off_below_its_threshold() -> None:
    store = _store(_clustered(300, 64, 1))
    scan = CoarseScan(dims=16, min_rows=301)
    scan.sync(store)
    assert not scan.active


def test_its_top_rows_are_the_exact_top_rows_in_exact_order() -> None:
    matrix = _clustered(3000, 128, 2)
    store = _store(matrix)
    scan = CoarseScan(dims=32, min_rows=1000)
    scan.sync(store)
    assert scan.active
    queries = _clustered(30, 128, 3)
    recalls = []
    for query in queries:
        ids, sims = scan.top(store, query, 50)
        exact = np.argsort(-(matrix @ query))[:50]
        recalls.append(len({f"e{i}" for i in exact} & set(ids)) / 50)
        assert list(sims) == sorted(sims, reverse=True)
        np.testing.assert_allclose(sims, [matrix[int(key[1:])] @ query for key in ids], atol=1e-5)
    assert np.mean(recalls) >= 0.95


def test_updates_and_removals_reach_the_projection() -> None:
    matrix = _clustered(2000, 64, 4)
    store = _store(matrix)
    scan = CoarseScan(dims=16, min_rows=1000)
    scan.sync(store)
    query = matrix[7]
    assert scan.top(store, query, 1)[0] == ["e7"]
    store.remove("e7")
    scan.remove("e7")
    assert "e7" not in scan.top(store, query, 20)[0]
    store.put(["new"], query[None, :])
    scan.put(["new"], query[None, :])
    assert scan.top(store, query, 1)[0] == ["new"]


def test_it_refits_once_the_pool_has_doubled() -> None:
    store = _store(_clustered(1000, 64, 5))
    scan = CoarseScan(dims=16, min_rows=1000)
    scan.sync(store)
    basis = scan._basis
    more = _clustered(1200, 64, 6)
    store.put([f"m{i}" for i in range(len(more))], more)
    scan.put([f"m{i}" for i in range(len(more))], more)
    scan.sync(store)
    assert scan._basis is not basis


FIELDS = ["棉花栽培", "纺纱工艺", "染整", "果树病害", "滴灌", "煤化工", "电网调度", "肉羊养殖"]


def _experts(count: int) -> list[Expert]:
    return [
        Expert(
            id=f"x{i:03d}",
            name=f"专家{i}",
            fields=(FIELDS[i % len(FIELDS)], FIELDS[(i * 3 + 1) % len(FIELDS)]),
            profile=f"长期从事{FIELDS[i % len(FIELDS)]}研究，第{i}号课题组。",
            items=(WorkItem(title=f"{FIELDS[(i * 5 + 2) % len(FIELDS)]}示范项目{i}"),),
        )
        for i in range(count)
    ]


def test_the_engine_ranks_a_large_pool_through_it_as_an_exact_scan_does() -> None:
    experts = _experts(120)
    exact = MatchingEngine(EngineConfig(coarse_above=0), encoder=HashingEncoder())
    coarse = MatchingEngine(EngineConfig(coarse_above=60), encoder=HashingEncoder())
    for engine in (exact, coarse):
        engine.index(experts)
    assert coarse.coarse.active and not exact.coarse.active
    for title in ("棉纺厂细纱断头多", "苹果树腐烂病", "羊羔腹泻"):
        demand = Demand(id="d", title=title)
        want = [(r.expert_id, r.score) for r in exact.recommend(demand, 5)]
        assert [(r.expert_id, r.score) for r in coarse.recommend(demand, 5)] == want
