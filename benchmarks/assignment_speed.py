"""Speed and memory of tepai.matching's global assignment on a seeded synthetic instance.

Each demand's candidates are its top-k experts by the dot product of random low-dimensional
"topic" vectors, so popular experts appear in many lists and their loads bind, as in real
data. Every expert may take 1-4 demands (minus a current load of 0-1); each demand needs
2-3 experts; 2 % of candidate pairs are conflicts and a few pairs are forced.

    python benchmarks/assignment_speed.py --demands 2000 --experts 20000 --candidates 50
    python benchmarks/assignment_speed.py ... --fair --format json

The last line printed is JSON: demands, experts, pairs, seconds (solve only), peak_mb
(the process's peak resident memory, generation included) and objective.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np

from tepai.matching.assignment import solve_assignment


def generate(demands: int, experts: int, candidates: int, seed: int) -> dict[str, object]:
    """Return solve_assignment's keyword arguments for a seeded synthetic instance."""
    rng = np.random.default_rng(seed)
    dim = 16
    d_vec = rng.normal(size=(demands, dim)).astype(np.float32)
    e_vec = rng.normal(size=(experts, dim)).astype(np.float32)
    # A few very broad experts: they top many lists, so their loads are contested.
    e_vec *= rng.lognormal(0.0, 0.35, size=(experts, 1)).astype(np.float32)
    k = min(candidates, experts)
    pd_list, pe_list, ps_list = [], [], []
    for lo in range(0, demands, 256):  # chunks keep the dense block small
        sims = d_vec[lo : lo + 256] @ e_vec.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        rows = np.repeat(np.arange(lo, lo + len(top)), k)
        pd_list.append(rows)
        pe_list.append(top.ravel())
        ps_list.append(np.take_along_axis(sims, top, axis=1).ravel() / dim)
    pd = np.concatenate(pd_list)
    pe = np.concatenate(pe_list)
    ps = np.concatenate(ps_list).astype(np.float64)
    d_ids = [f"D-{i}" for i in range(demands)]
    e_ids = [f"E-{i}" for i in range(experts)]
    pairs = [(d_ids[d], e_ids[e], float(s)) for d, e, s in zip(pd, pe, ps, strict=True)]
    conflict_idx = rng.choice(len(pairs), size=len(pairs) // 50, replace=False)
    conflicts = [(pairs[i][0], pairs[i][1]) for i in conflict_idx]
    conflicted = set(conflict_idx.tolist())
    forced_idx = [i for i in rng.choice(len(pairs), size=20, replace=False) if i not in conflicted]
    forced = [(pairs[i][0], pairs[i][1]) for i in forced_idx]
    max_load = {e: int(m) for e, m in zip(e_ids, rng.integers(1, 5, size=experts), strict=True)}
    current = {e: int(c) for e, c in zip(e_ids, rng.integers(0, 2, size=experts), strict=True)}
    for _d, e in forced:  # a forced expert keeps room for its forced demands
        current[e] = 0
        max_load[e] = max(max_load[e], sum(1 for _, f in forced if f == e))
    dmin = {d: int(m) for d, m in zip(d_ids, rng.integers(2, 4, size=demands), strict=True)}
    return {
        "pairs": pairs,
        "max_load": max_load,
        "current_load": current,
        "per_demand_min": dmin,
        "per_demand_max": 3,
        "conflicts": conflicts,
        "forced": forced,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures (last line JSON); return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=2000)
    parser.add_argument("--experts", type=int, default=20000)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--fair", action="store_true")
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)

    kwargs = generate(args.demands, args.experts, args.candidates, args.seed)
    started = time.perf_counter()
    result = solve_assignment(**kwargs, fair=args.fair, time_limit=args.time_limit)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    # ru_maxrss is KiB on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures: dict[str, object] = {
        "demands": args.demands,
        "experts": args.experts,
        "pairs": len(kwargs["pairs"]),  # type: ignore[arg-type]
        "seconds": round(seconds, 3),
        "peak_mb": round(peak_mb, 1),
        "objective": result.objective,
    }
    if args.fair:
        figures["min_demand_score"] = result.min_demand_score
        figures["min_demand_bound"] = result.min_demand_bound
        figures["optimal"] = result.optimal
    if args.format == "text":
        print(
            f"{len(result.assignments)} assignments, objective {result.objective:.6f}, "
            f"{seconds:.2f} s, peak {peak_mb:.0f} MB",
            file=sys.stderr,
        )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
