"""Speed of tepai.matching's engine end to end: indexing, re-indexing, upserts and queries.

Builds a :class:`~tepai.matching.engine.MatchingEngine` over N synthetic experts from
``benchmarks/profile_generator.py`` (Chinese bios, research fields and work items across
Xinjiang's eight industry clusters) and runs Q synthetic plain-language demands through
``match(demand, 10)`` (ranking, explanations and the no-fit judgement), as the platform does
(``tepai.recommender.service``: the dense
encoder wrapped in a :class:`~tepai.matching.dense.CachedEncoder`).

    python benchmarks/matching_speed.py --experts 2000 --queries 200 --encoder use --format json
    python benchmarks/matching_speed.py --experts 100000 --queries 300 --encoder hashing

``--encoder static`` needs the table built by ``benchmarks/build_static_encoder.py``;
``--encoder hashing --hashing-dim 512`` gives vectors the size of USE's, so the dense scan
at query time costs what it would with USE (the demand encoding does not: add USE's
``query_encode_p50_ms`` from a smaller run).

Phases, each timed with ``time.perf_counter`` (wall clock):

1. **cold index** — every expert through ``engine.index``: segmentation, BM25 and dense
   vectors, with an *empty* vector cache (a fresh temporary directory unless ``--cache`` is
   given; the output says whether that cache was empty). Model and jieba loading are done
   before and reported apart (``encoder_load_s``, ``analyzer_load_s``).
   → ``index_profiles_per_s`` = N / seconds.
2. **warm re-index** — a new engine, a new Analyzer and a new CachedEncoder over the same
   cache directory (as after a restart: the in-memory LRU is empty, vectors come from SQLite).
   → ``reindex_warm_profiles_per_s``. The cold engine is then dropped.
3. **unchanged re-index** — ``index`` again with the same experts on the live engine (the
   periodic resync path: nothing changed) → ``reindex_unchanged_profiles_per_s``.
4. **queries** — ``--warmup`` demands first (not counted; the first one's time is
   ``first_query_ms``), then Q demands, each timed around ``match(demand, 10)`` with
   explanations, *including* encoding the demand text (a cache miss: demands are new
   texts) → ``query_p50_ms``, ``query_p99_ms``...; ``query_encode_p50_ms`` is the part spent
   in the encoder.
5. **upserts** — ``--upserts`` experts, each replaced by an edited copy (one more work item,
   a longer bio: new texts to encode) with ``engine.upsert`` → ``upsert_ms`` (median) and
   ``upsert_max_ms``; after each, one query → ``query_after_upsert_ms`` (median), which pays
   for whatever caches the update invalidated.

``rss_mb`` is the resident memory at the end (one engine, the experts and the demands
alive); ``peak_rss_mb`` the process's maximum. Progress goes to stderr; the last line on
stdout is a JSON object with ``--format json``. ``--profile DIR`` also writes cProfile stats
of the cold index and of the queries to DIR and prints their top functions to stderr
(cProfile slows Python code down and does not see the encoder's worker threads: use the
timings of a run without it, and py-spy for the threads).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

try:
    import tepai.matching  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from static_encoder import StaticEncoder

from tepai.matching.dense import CachedEncoder, Encoder, HashingEncoder, UseEncoder
from tepai.matching.engine import EngineConfig, MatchingEngine, expert_parts
from tepai.matching.records import Demand, Expert
from tepai.matching.text import Analyzer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from profile_generator import changed_expert, generate_demands, generate_experts

ENCODERS = ("use", "static", "hashing", "none")


def log(message: str) -> None:
    """Write one progress line to stderr."""
    print(f"[matching_speed {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class TimedEncoder:
    """Pass-through encoder that adds up the wall time spent in ``encode``."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.seconds = 0.0
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return ``inner.encode(texts)``, timing it."""
        start = time.perf_counter()
        try:
            return self.inner.encode(texts)
        finally:
            self.seconds += time.perf_counter() - start
            self.texts += len(texts)


def make_inner(choice: str, hashing_dim: int = 256) -> Encoder | None:
    """Return the bare encoder named ``choice`` (None for "none")."""
    if choice == "use":
        return UseEncoder()
    if choice == "static":
        return StaticEncoder()
    if choice == "hashing":
        return HashingEncoder(dim=hashing_dim)
    return None


def cached_rows(directory: Path) -> int:
    """Return how many vectors the cache in ``directory`` holds (0 if none)."""
    path = directory / CachedEncoder.FILENAME
    if not path.is_file():
        return 0
    with sqlite3.connect(path) as db:
        try:
            return int(db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
        except sqlite3.DatabaseError:
            return 0


def progress_printer(label: str, every_s: float = 10.0) -> Callable[[int, int], None]:
    """Return an ``index`` progress callback logging rate and ETA at most every ``every_s``."""
    start = time.perf_counter()
    last = [start]

    def report(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] < every_s and done < total:
            return
        last[0] = now
        rate = done / max(now - start, 1e-9)
        eta = (total - done) / rate if rate else float("inf")
        log(
            f"{label}: {done}/{total} ({100 * done / total:.1f}%), {rate:.0f} profiles/s, "
            f"ETA {eta:.0f} s"
        )

    return report


@contextmanager
def profiled(directory: Path | None, name: str) -> Iterator[None]:
    """Run the body under cProfile when ``directory`` is set; print the top functions."""
    if directory is None:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name}.prof"
        profiler.dump_stats(path)
        for order in ("tottime", "cumulative"):
            buffer = io.StringIO()
            pstats.Stats(profiler, stream=buffer).sort_stats(order).print_stats(15)
            log(f"cProfile {name}, top by {order} ({path}):\n{buffer.getvalue()}")


def rss_mb() -> float:
    """Return this process's resident set size in MB (Linux; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def build_engine(
    experts: list[Expert],
    encoder: TimedEncoder | None,
    label: str,
    profile: Path | None = None,
    config: EngineConfig | None = None,
) -> tuple[MatchingEngine, float]:
    """Return a new engine indexing ``experts`` (fresh Analyzer) and the seconds it took."""
    analyzer = Analyzer()  # its own, empty segmentation cache: nothing carried over
    engine = MatchingEngine(config, analyzer=analyzer, encoder=encoder)
    gc.collect()
    with profiled(profile, label.replace(" ", "_")):
        start = time.perf_counter()
        engine.index(experts, progress=progress_printer(label))
        seconds = time.perf_counter() - start
    log(
        f"{label}: {len(experts)} experts in {seconds:.1f} s "
        f"({len(experts) / seconds:.0f} profiles/s)"
    )
    return engine, seconds


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run every phase; return the figures."""
    result: dict[str, Any] = {
        "experts": args.experts,
        "coarse_above": args.coarse_above,
        "queries": args.queries,
        "encoder": args.encoder,
    }
    # Other processes on a 2-core machine skew every figure: record how busy it was.
    result["loadavg_start"] = round(os.getloadavg()[0], 2)
    start = time.perf_counter()
    experts = generate_experts(args.experts, args.seed)
    demands = generate_demands(args.queries + args.warmup + args.upserts, args.seed)
    parts = sum(len(expert_parts(expert)) for expert in experts)
    result["generate_s"] = round(time.perf_counter() - start, 2)
    result["parts"] = parts
    log(
        f"generated {len(experts)} experts ({parts} parts) and {len(demands)} demands "
        f"in {result['generate_s']} s"
    )

    start = time.perf_counter()
    Analyzer().tokens("预热分词器")  # loads jieba and the domain dictionary once per process
    result["analyzer_load_s"] = round(time.perf_counter() - start, 2)

    temporary = args.cache is None
    cache_dir = Path(tempfile.mkdtemp(prefix="tepai-speed-")) if temporary else Path(args.cache)
    inner = make_inner(args.encoder, args.hashing_dim)
    try:
        if inner is not None:
            start = time.perf_counter()
            load = getattr(inner, "load", None)
            if load is not None:
                load()
            result["encoder_load_s"] = round(time.perf_counter() - start, 2)
            result["encoder_name"] = inner.name
            result["cache_rows_before"] = cached_rows(cache_dir)
        result.update(measure(args, experts, demands, inner, cache_dir))
    finally:
        if temporary:
            shutil.rmtree(cache_dir, ignore_errors=True)
    result["loadavg_end"] = round(os.getloadavg()[0], 2)
    result["rss_mb"] = round(rss_mb(), 1)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def measure(
    args: argparse.Namespace,
    experts: list[Expert],
    demands: list[Demand],
    inner: Encoder | None,
    cache_dir: Path,
) -> dict[str, Any]:
    """Run the timed phases over ``experts`` and ``demands``; return the figures."""
    out: dict[str, Any] = {}
    n = len(experts)
    profile = Path(args.profile) if args.profile else None

    # 1. Cold index.
    cold_encoder = TimedEncoder(CachedEncoder(inner, cache_dir)) if inner is not None else None
    config = None if args.coarse_above is None else EngineConfig(coarse_above=args.coarse_above)
    engine, seconds = build_engine(experts, cold_encoder, "cold index", profile, config)
    out["index_s"] = round(seconds, 2)
    out["index_profiles_per_s"] = round(n / seconds, 1)
    if cold_encoder is not None:
        out["index_encode_s"] = round(cold_encoder.seconds, 2)
        stats = cold_encoder.inner.stats()  # type: ignore[attr-defined]
        out["index_cache_misses"] = stats.misses
        out["index_cache_hits"] = stats.hits

    # 2. Warm re-index: a new engine and cache object over the same directory.
    if not args.skip_warm:
        warm_encoder = TimedEncoder(CachedEncoder(inner, cache_dir)) if inner is not None else None
        warm, seconds = build_engine(experts, warm_encoder, "warm re-index", config=config)
        out["reindex_warm_s"] = round(seconds, 2)
        out["reindex_warm_profiles_per_s"] = round(n / seconds, 1)
        if warm_encoder is not None:
            out["reindex_warm_encode_s"] = round(warm_encoder.seconds, 2)
            out["reindex_warm_cache_misses"] = warm_encoder.inner.stats().misses  # type: ignore[attr-defined]
        del engine
        engine = warm
        gc.collect()
    encoder = engine.encoder if isinstance(engine.encoder, TimedEncoder) else None

    # 3. Unchanged re-index on the live engine.
    start = time.perf_counter()
    engine.index(experts)
    seconds = time.perf_counter() - start
    out["reindex_unchanged_profiles_per_s"] = round(n / seconds, 1)
    log(f"unchanged re-index: {seconds:.2f} s")

    # 4. Queries.
    warmups = demands[: args.warmup]
    timed = demands[args.warmup : args.warmup + args.queries]
    after_upsert = demands[args.warmup + args.queries :]
    first = None
    for demand in warmups:
        start = time.perf_counter()
        engine.match(demand, args.k)
        first = first if first is not None else time.perf_counter() - start
    out["first_query_ms"] = round(1000 * first, 1) if first is not None else None
    latencies: list[float] = []
    encodes: list[float] = []
    gc.collect()
    with profiled(profile, "queries"):
        for number, demand in enumerate(timed, start=1):
            before = encoder.seconds if encoder is not None else 0.0
            start = time.perf_counter()
            recommendations = engine.match(demand, args.k).recommendations
            latencies.append(time.perf_counter() - start)
            if encoder is not None:
                encodes.append(encoder.seconds - before)
            if not recommendations:
                log(f"demand {demand.id} got no recommendation")
            if number % max(1, args.queries // 5) == 0:
                log(
                    f"queries: {number}/{len(timed)}, p50 so far "
                    f"{1000 * percentile(latencies, 50):.1f} ms"
                )
    ms = [1000 * value for value in latencies]
    out["query_p50_ms"] = round(percentile(ms, 50), 2)
    out["query_p90_ms"] = round(percentile(ms, 90), 2)
    out["query_p99_ms"] = round(percentile(ms, 99), 2)
    out["query_max_ms"] = round(max(ms), 2) if ms else None
    out["query_mean_ms"] = round(float(np.mean(ms)), 2) if ms else None
    if encodes:
        out["query_encode_p50_ms"] = round(percentile([1000 * e for e in encodes], 50), 2)
        out["query_encode_p99_ms"] = round(percentile([1000 * e for e in encodes], 99), 2)

    # 5. Upserts, each followed by one query.
    upserts: list[float] = []
    requery: list[float] = []
    stride = max(1, n // max(1, args.upserts))
    for number, demand in enumerate(after_upsert):
        changed = changed_expert(experts[(number * stride) % n], revision=number + 1)
        start = time.perf_counter()
        engine.upsert(changed)
        upserts.append(1000 * (time.perf_counter() - start))
        start = time.perf_counter()
        engine.match(demand, args.k)
        requery.append(1000 * (time.perf_counter() - start))
    if upserts:
        out["upsert_ms"] = round(percentile(upserts, 50), 2)
        out["upsert_max_ms"] = round(max(upserts), 2)
        out["query_after_upsert_ms"] = round(percentile(requery, 50), 2)
        log(
            f"upserts: median {out['upsert_ms']} ms, max {out['upsert_max_ms']} ms; "
            f"query right after an upsert: median {out['query_after_upsert_ms']} ms"
        )
    out["indexed_experts"] = len(engine)
    return out


SUMMARY_KEYS = (
    "experts",
    "queries",
    "encoder",
    "index_profiles_per_s",
    "reindex_warm_profiles_per_s",
    "query_p50_ms",
    "query_p99_ms",
    "rss_mb",
    "upsert_ms",
)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures (last line JSON); return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=2000, help="experts to index")
    parser.add_argument("--queries", type=int, default=200, help="timed demands")
    parser.add_argument("--encoder", choices=ENCODERS, default="use")
    parser.add_argument(
        "--hashing-dim",
        type=int,
        default=256,
        help="HashingEncoder dimension (512 = USE's, for USE-sized vector scans)",
    )
    parser.add_argument("--cache", help="vector cache directory (default: a fresh temp dir)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--k", type=int, default=10, help="recommendations per demand")
    parser.add_argument("--warmup", type=int, default=3, help="untimed demands run first")
    parser.add_argument("--upserts", type=int, default=20, help="single-expert updates")
    parser.add_argument("--skip-warm", action="store_true", help="skip the warm re-index")
    parser.add_argument("--profile", metavar="DIR", help="cProfile the index and the queries")
    parser.add_argument(
        "--coarse-above",
        type=int,
        default=None,
        help="experts above which dense candidates come from the 64-d projection "
        "(default: the engine's, 20000; 0: always scan every full vector)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    if args.experts < 1 or args.queries < 1 or args.warmup < 0 or args.upserts < 0:
        parser.error("--experts and --queries must be >= 1, --warmup and --upserts >= 0")

    result = run(args)
    ordered = {key: result.get(key) for key in SUMMARY_KEYS}
    ordered.update((key, value) for key, value in result.items() if key not in ordered)
    if args.format == "json":
        print(json.dumps(ordered, ensure_ascii=False))
    else:
        for key, value in ordered.items():
            print(f"{key:34} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
