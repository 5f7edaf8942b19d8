"""Run a ranker on a built Chinese expert-finding benchmark and print its metrics.

The dataset is built into the cache first if needed (see ``benchmarks/datasets.py``). Tune on
``--split dev`` only; ``test`` is for the figures you report. With ``--format json`` the last
line is ``{"ndcg@5", "ndcg@10", "recall@10", "mrr", "queries", ...}``; ``seconds`` is the
wall time of indexing plus ranking, ``index_seconds`` the indexing part of it.

Usage, from the repository root::

    python benchmarks/chinese_retrieval.py --dataset nsfc --split dev --ranker tfidf
    python benchmarks/chinese_retrieval.py --dataset csl --split dev --format json
    python benchmarks/chinese_retrieval.py --dataset nsfc-full --split test --ranker tepai

The ``dense`` and ``tepai`` rankers keep USE vectors in ``.benchmark-cache/embeddings`` (the
engine's ``CachedEncoder``), so only the first run on a dataset pays for encoding it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tepai.matching import Demand, Expert, InvalidInput, load_corpus, load_qrels, load_queries

try:  # run as `python -m benchmarks.chinese_retrieval` from the repository root
    from benchmarks import datasets as builders
    from benchmarks.baselines import TfidfBaseline, char_bigrams
    from benchmarks.ranking import Ranker, evaluate_run, run_ranker
except ImportError:  # run as `python benchmarks/chinese_retrieval.py`: benchmarks/ is on sys.path
    import datasets as builders  # type: ignore[no-redef]
    from baselines import TfidfBaseline, char_bigrams  # type: ignore[no-redef]
    from ranking import Ranker, evaluate_run, run_ranker  # type: ignore[no-redef]


# EngineConfig overrides for tuning on dev splits (--config NAME=VALUE).
CONFIG_OVERRIDES: dict[str, str] = {}


def _engine(kind: str) -> Callable[[], Ranker]:
    """Return a factory of the engine as shipped ("tepai") or one of its components alone."""

    def build() -> Ranker:
        # Imported on use, so the baseline still runs while the engine is being changed.
        from dataclasses import replace

        from tepai.matching import CachedEncoder, EngineConfig, MatchingEngine, UseEncoder

        config = EngineConfig()
        for name, value in CONFIG_OVERRIDES.items():
            current = getattr(config, name)
            parsed = value.lower() in ("1", "true", "yes") if isinstance(current, bool) else value
            config = replace(config, **{name: type(current)(parsed)})
        if kind == "bm25":
            return MatchingEngine(config, encoder=None)
        encoder = CachedEncoder(UseEncoder(), builders.DEFAULT_CACHE / "embeddings")
        if kind == "dense":
            dense_only = replace(config, sparse_weight=0.0, dense_weight=1.0)
            return MatchingEngine(dense_only, encoder=encoder)
        return MatchingEngine(config, encoder=encoder)

    return build


class _TimedIndex:
    """A Ranker that passes everything to ``inner`` and records how long ``index`` took."""

    def __init__(self, inner: Ranker) -> None:
        self.inner = inner
        self.index_seconds = 0.0

    def index(self, experts: Sequence[Expert]) -> None:
        started = time.perf_counter()
        self.inner.index(experts)
        self.index_seconds += time.perf_counter() - started

    def rank(self, demand: Demand, k: int) -> list[tuple[str, float]]:
        return self.inner.rank(demand, k)


# Name → factory of a Ranker; a new system is one more line here.
RANKERS: dict[str, Callable[[], Ranker]] = {
    "tfidf": lambda: TfidfBaseline(char_bigrams),
    "bm25": _engine("bm25"),
    "dense": _engine("dense"),
    "tepai": _engine("tepai"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(builders.BUILDERS), required=True)
    parser.add_argument("--split", choices=builders.SPLITS, default="dev")
    parser.add_argument("--ranker", choices=sorted(RANKERS), default="tfidf")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--k", type=int, default=100, help="ranking depth asked of the ranker")
    parser.add_argument(
        "--config", action="append", default=[], help="EngineConfig NAME=VALUE (tuning on dev)"
    )
    parser.add_argument("--data", type=Path, default=builders.DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=builders.DEFAULT_CACHE)
    parser.add_argument("--seed", type=int, default=builders.DEFAULT_SEED)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the dataset first")
    args = parser.parse_args(argv)

    try:
        folder = builders.ensure_built(
            args.dataset, args.data, args.cache, args.seed, args.rebuild
        )[args.split]
        experts = load_corpus(folder / "corpus.jsonl")
        demands = load_queries(folder / "queries.jsonl")
        qrels = load_qrels(folder / "qrels.tsv")
        started = time.perf_counter()
        CONFIG_OVERRIDES.update(item.split("=", 1) for item in args.config)
        ranker = _TimedIndex(RANKERS[args.ranker]())
        # The engine learns the demand corpus as the live path learns every stored demand
        # (tepai.matching.vocabulary); baselines have nothing to learn.
        observe = getattr(ranker.inner, "observe_demands", None)
        if observe is not None:
            observe(demands)
        run = run_ranker(ranker, experts, demands, k=args.k)
        seconds = time.perf_counter() - started
    except InvalidInput as error:
        print(f"chinese_retrieval: {error}", file=sys.stderr)
        return 2
    metrics = evaluate_run(run, qrels, ks=(5, 10))
    result: dict[str, Any] = {
        "ndcg@5": metrics["ndcg@5"],
        "ndcg@10": metrics["ndcg@10"],
        "recall@10": metrics["recall@10"],
        "mrr": metrics["mrr"],
        "queries": metrics["queries"],
        "recall@5": metrics["recall@5"],
        "dataset": args.dataset,
        "split": args.split,
        "ranker": args.ranker,
        "experts": len(experts),
        "k": args.k,
        "seconds": round(seconds, 3),
        "index_seconds": round(ranker.index_seconds, 3),
    }
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(
            f"{args.dataset}/{args.split} with {args.ranker}: {result['queries']} queries, "
            f"{len(experts)} experts, {seconds:.1f} s ({ranker.index_seconds:.1f} s indexing)"
        )
        for name in ("ndcg@5", "ndcg@10", "recall@5", "recall@10", "mrr"):
            print(f"  {name:<10} {result[name]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
