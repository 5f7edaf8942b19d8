"""What the coarse dense pass (tepai.matching.coarse) loses against an exact scan.

Indexes N synthetic experts (``benchmarks/profile_generator.py``) with the real encoder, then
for Q synthetic demands compares, with the projection fitted on the pool and without it:

- ``dense_recall@200``: the share of the exact 200 nearest experts (mean vectors, the dense
  candidate path) that the coarse pass also returns;
- ``top10_same``: the share of demands whose final top 10 (ids and order, after fusion) is
  identical; ``top10_overlap``: the mean share of the exact top 10 the coarse engine keeps.

    python benchmarks/coarse_recall.py --experts 20000 --queries 200 --encoder use --cache /tmp/c

The vectors go through a :class:`~tepai.matching.dense.CachedEncoder` in ``--cache`` (a temp
directory by default), so a second run with the same cache does not encode again.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

try:
    import tepai.matching  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tepai.matching.coarse import CoarseScan
from tepai.matching.dense import CachedEncoder, HashingEncoder, UseEncoder
from tepai.matching.engine import EngineConfig, MatchingEngine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matching_speed import log, progress_printer
from profile_generator import generate_demands, generate_experts


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the figures (last line JSON with --format json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--encoder", choices=("use", "hashing"), default="use")
    parser.add_argument("--dims", type=int, default=128, help="projected dimensions")
    parser.add_argument("--widen", type=int, default=4, help="rows re-scored per wanted row")
    parser.add_argument("--cache", help="vector cache directory (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)

    cache = Path(args.cache or tempfile.mkdtemp(prefix="tepai-coarse-"))
    inner = UseEncoder() if args.encoder == "use" else HashingEncoder(dim=512)
    encoder = CachedEncoder(inner, cache)
    engine = MatchingEngine(EngineConfig(coarse_above=0), encoder=encoder)
    start = time.perf_counter()
    engine.index(generate_experts(args.experts, args.seed), progress=progress_printer("index"))
    log(f"indexed {args.experts} experts in {time.perf_counter() - start:.0f} s")
    assert engine.expert_vectors is not None

    scan = CoarseScan(dims=args.dims, min_rows=1, widen=args.widen)
    start = time.perf_counter()
    scan.sync(engine.expert_vectors)
    fit_s = time.perf_counter() - start

    demands = generate_demands(args.queries, args.seed + 1)
    recalls: list[float] = []
    same = 0
    overlaps: list[float] = []
    exact_scan = engine.coarse
    for demand in demands:
        query = engine._query(demand)
        assert query.vector is not None
        ids, sims = engine.expert_vectors.similarities(query.vector)
        take = min(200, len(sims))
        exact = {ids[row] for row in np.argpartition(-sims, take - 1)[:take].tolist()}
        coarse = set(scan.top(engine.expert_vectors, query.vector, take)[0])
        recalls.append(len(exact & coarse) / take)
        engine.coarse = exact_scan
        want = [r.expert_id for r in engine.recommend(demand, 10, explain=False)]
        engine.coarse = scan
        got = [r.expert_id for r in engine.recommend(demand, 10, explain=False)]
        engine.coarse = exact_scan
        same += got == want
        overlaps.append(len(set(got) & set(want)) / max(1, len(want)))
    figures = {
        "experts": args.experts,
        "queries": len(demands),
        "encoder": inner.name,
        "dims": args.dims,
        "widen": args.widen,
        "fit_s": round(fit_s, 2),
        "dense_recall@200": round(float(np.mean(recalls)), 4),
        "dense_recall@200_min": round(float(np.min(recalls)), 4),
        "top10_same": round(same / len(demands), 4),
        "top10_overlap": round(float(np.mean(overlaps)), 4),
    }
    for key, value in figures.items():
        log(f"{key}: {value}")
    if args.format == "json":
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
