"""Speed of tepai.matching's team assembly on seeded synthetic demands.

20,000 experts each know 4-12 of 400 skills (affinities in (0, 1)) and belong to one of 800
institutions; a tenth of them are at full load. Each demand needs 3-8 skills and comes with
its top-200 candidates (by summed affinity to those skills) and their per-skill affinities,
precomputed outside the timed region, as the matching engine would hand them over.

    python benchmarks/team_speed.py --demands 1000 --experts 20000 --format json

The last line printed is JSON: demands, seconds (team assembly only), per_demand_ms, and
how many teams each method built, their mean size and coverage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter

import numpy as np

from tepai.matching.teams import TeamCandidate, assemble_team

SKILLS = 400
INSTITUTIONS = 800


def generate(
    demands: int, experts: int, candidates: int, seed: int
) -> list[tuple[list[str], list[TeamCandidate]]]:
    """Return (required skills, candidates) for each seeded synthetic demand."""
    rng = np.random.default_rng(seed)
    skill_names = [f"技能{i:03d}" for i in range(SKILLS)]
    # Skills come in related groups of 10, so an expert's skills and a demand's overlap.
    aff = np.zeros((experts, SKILLS), dtype=np.float32)
    for e in range(experts):
        group = rng.integers(0, SKILLS // 10)
        near = group * 10 + rng.integers(0, 10, size=rng.integers(2, 8))
        far = rng.integers(0, SKILLS, size=rng.integers(2, 5))
        chosen = np.unique(np.concatenate([near, far]))
        aff[e, chosen] = rng.beta(2.0, 2.0, size=len(chosen))
    institution = rng.integers(0, INSTITUTIONS, size=experts)
    max_load = rng.integers(1, 6, size=experts)
    load = np.where(rng.random(experts) < 0.1, max_load, rng.integers(0, 2, size=experts))
    out = []
    k = min(candidates, experts)
    for _ in range(demands):
        group = rng.integers(0, SKILLS // 10)
        need = np.unique(group * 10 + rng.integers(0, 10, size=rng.integers(3, 9)))
        relevance = aff[:, need].sum(axis=1)
        top = np.argpartition(-relevance, k - 1)[:k]
        pool = []
        for e in top:
            overall = float(relevance[e] / len(need))
            pool.append(
                TeamCandidate(
                    expert_id=f"E-{e}",
                    skills={skill_names[s]: float(aff[e, s]) for s in need if aff[e, s] > 0},
                    affinity=round(overall, 4),
                    institution=f"单位{institution[e]}",
                    load=int(load[e]),
                    max_load=int(max_load[e]),
                )
            )
        out.append(([skill_names[s] for s in need], pool))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures (last line JSON); return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=1000)
    parser.add_argument("--experts", type=int, default=20000)
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--team-size", type=int, default=5)
    parser.add_argument("--method", choices=("auto", "exact", "greedy"), default="auto")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)

    instances = generate(args.demands, args.experts, args.candidates, args.seed)
    methods: Counter[str] = Counter()
    sizes = coverage = 0.0
    started = time.perf_counter()
    for skills, pool in instances:
        team = assemble_team(skills, pool, max_size=args.team_size, method=args.method)
        methods[team.method] += 1
        sizes += len(team.members)
        coverage += 1 - len(team.uncovered) / len(skills)
    seconds = time.perf_counter() - started
    figures = {
        "demands": args.demands,
        "seconds": round(seconds, 3),
        "per_demand_ms": round(1000 * seconds / max(args.demands, 1), 3),
        "methods": dict(methods),
        "mean_team_size": round(sizes / max(args.demands, 1), 3),
        "mean_coverage": round(coverage / max(args.demands, 1), 4),
    }
    if args.format == "text":
        print(f"{args.demands} teams in {seconds:.2f} s", file=sys.stderr)
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
