"""Tune the engine's fusion weights on a dataset's DEV split (never on test).

The engine scores an expert as ``sparse_weight · BM25/ceiling + dense_weight · cosine``
(plus structured signals, absent from these datasets); ranking depends only on the ratio of
the two weights and on how item scores are aggregated. The script scores every candidate of
every dev query once per aggregation setting, then re-ranks under each weight ratio.

    python benchmarks/tune_fusion.py --dataset nsfc --format json
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

try:
    from benchmarks import datasets as builders
    from benchmarks.ranking import evaluate_run
except ImportError:  # run as a script: benchmarks/ is on sys.path
    import datasets as builders  # type: ignore[no-redef]
    from ranking import evaluate_run  # type: ignore[no-redef]

from tepai.matching import (
    CachedEncoder,
    EngineConfig,
    MatchingEngine,
    UseEncoder,
    load_corpus,
    load_qrels,
    load_queries,
)

RATIOS = (0.0, 0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 1e6)
BEST_PART_WEIGHTS = (0.5, 0.7, 0.85, 1.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(builders.BUILDERS), default="nsfc")
    parser.add_argument("--data", type=Path, default=builders.DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=builders.DEFAULT_CACHE)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    folder = builders.ensure_built(
        args.dataset, args.data, args.cache, builders.DEFAULT_SEED, False
    )["dev"]
    experts = load_corpus(folder / "corpus.jsonl")
    demands = load_queries(folder / "queries.jsonl")
    qrels = load_qrels(folder / "qrels.tsv")
    encoder = CachedEncoder(UseEncoder(), args.cache / "embeddings")
    engine = MatchingEngine(encoder=encoder)
    engine.index(experts)
    results = []
    for best_part in BEST_PART_WEIGHTS:
        engine.config = replace(EngineConfig(), best_part_weight=best_part)
        components: dict[str, dict[str, tuple[float, float]]] = {}
        for demand in demands:
            query = engine._query(demand)
            details = engine._score(query, engine._candidates(query))
            components[demand.id] = {
                expert: (detail.components["sparse"], detail.components["dense"])
                for expert, detail in details.items()
            }
        for ratio in RATIOS:
            run = {
                qid: sorted(
                    ((expert, ratio * sparse + dense) for expert, (sparse, dense) in rows.items()),
                    key=lambda pair: (-pair[1], pair[0]),
                )[:100]
                for qid, rows in components.items()
            }
            metrics = evaluate_run(run, qrels)
            results.append(
                {
                    "best_part_weight": best_part,
                    "sparse_to_dense": ratio,
                    "mrr": round(metrics["mrr"], 4),
                    "ndcg@10": round(metrics["ndcg@10"], 4),
                }
            )
            if args.format == "text":
                print(
                    f"best_part={best_part:<5} ratio={ratio:<8g} mrr={metrics['mrr']:.4f} "
                    f"ndcg@10={metrics['ndcg@10']:.4f}",
                    file=sys.stderr,
                )
    best = max(results, key=lambda row: (row["ndcg@10"], row["mrr"]))
    print(
        json.dumps(
            {"dataset": args.dataset, "split": "dev", "best": best, "grid": results},
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
