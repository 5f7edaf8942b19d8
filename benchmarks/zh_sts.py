"""Chinese sentence similarity (C-MTEB STS sets): Spearman of cosine similarity vs gold labels.

    python benchmarks/zh_sts.py --data ../shared/data/zh-sts [--split dev|test|all]
        [--encoder use|hashing|distilled] [--limit N] [--cache DIR] [--format text|json]

The sets in ../shared/data/zh-sts are the public *test* (or validation) splits of C-MTEB; none
has a separate dev split. So each set is divided here, once and for all, by a seeded hash of
the pair: ``sha256("tepai-zh-sts-v1\t" + set + "\t" + s1 + "\t" + s2)`` below 30 % of the hash
range is ``dev`` (tune on it), the rest is ``test`` (report on it, never tune on it). ``all``
is the whole file, comparable with the C-MTEB numbers in the data README.

Scored sets (labelled pairs): ATEC, BQ, LCQMC, PAWSX, STS-B, AFQMC, QBQTC (0/1/2 relevance) and
OCNLI (entailment = 1, neutral/contradiction = 0, unlabelled "-" dropped; C-MTEB scores OCNLI
by average precision, so that column is not comparable with its table). CMRC2018 is a
retrieval set without pairs and is skipped. Scores are Spearman × 100; the last output line is
JSON ``{set: spearman, ..., "mean": mean over sets}``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from static_encoder import StaticEncoder

from tepai.matching.dense import (
    CachedEncoder,
    Encoder,
    HashingEncoder,
    UseEncoder,
)

DEV_FRACTION = 0.3
SEED = "tepai-zh-sts-v1"
# (folder, file, format) for every set with labelled pairs.
SETS: dict[str, tuple[str, str]] = {
    "ATEC": ("ATEC/test.tsv", "tsv"),
    "BQ": ("BQ/test.tsv", "tsv"),
    "LCQMC": ("LCQMC/test.tsv", "tsv"),
    "PAWSX": ("PAWSX/test.tsv", "tsv"),
    "STS-B": ("STS-B/test.tsv", "tsv"),
    "AFQMC": ("AFQMC/validation.tsv", "tsv"),
    "QBQTC": ("QBQTC/test_public.jsonl", "qbqtc"),
    "OCNLI": ("OCNLI/dev.jsonl", "ocnli"),
}

Pair = tuple[str, str, float]


def _read_pairs(path: Path, kind: str) -> Iterator[Pair]:
    """Yield (sentence1, sentence2, label) from one set file; skip unlabelled rows."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if kind == "tsv":
                parts = line.split("\t")
                if len(parts) == 3:
                    yield parts[0], parts[1], float(parts[2])
            elif kind == "qbqtc":
                row = json.loads(line)
                yield row["query"], row["title"], float(row["label"])
            else:  # OCNLI
                row = json.loads(line)
                if row["label"] != "-":
                    yield row["sentence1"], row["sentence2"], float(row["label"] == "entailment")


def in_dev(name: str, s1: str, s2: str) -> bool:
    """Return True when the pair belongs to the dev part of its set (30 %, seeded hash)."""
    digest = hashlib.sha256(f"{SEED}\t{name}\t{s1}\t{s2}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < DEV_FRACTION * 2**64


def load_sets(data: Path, split: str, limit: int | None = None) -> dict[str, list[Pair]]:
    """Return {set: pairs} for ``split`` ("dev", "test" or "all"), at most ``limit`` per set."""
    sets: dict[str, list[Pair]] = {}
    for name, (file, kind) in SETS.items():
        path = data / file
        if not path.is_file():
            print(f"skip {name}: {path} not found", file=sys.stderr)
            continue
        pairs = [
            pair
            for pair in _read_pairs(path, kind)
            if split == "all" or in_dev(name, pair[0], pair[1]) == (split == "dev")
        ]
        sets[name] = pairs[:limit] if limit else pairs
    return sets


def make_encoder(kind: str, cache: Path | None = None, **options: int) -> Encoder:
    """Return the encoder called ``kind`` (use, hashing, distilled), cached under ``cache``."""
    encoder: Encoder
    if kind == "use":
        encoder = UseEncoder(**options)
    elif kind == "hashing":
        encoder = HashingEncoder(**options)
    elif kind == "distilled":
        encoder = StaticEncoder(**options)
    else:
        raise SystemExit(f"unknown encoder {kind!r}")
    return CachedEncoder(encoder, cache) if cache else encoder


def score_sets(encoder: Encoder, sets: dict[str, list[Pair]]) -> dict[str, float]:
    """Return {set: Spearman × 100 of cosine similarity vs label} plus their "mean"."""
    scores: dict[str, float] = {}
    for name, pairs in sets.items():
        left = encoder.encode([p[0] for p in pairs])
        right = encoder.encode([p[1] for p in pairs])
        cosine = np.einsum("ij,ij->i", left, right)
        rho = spearmanr(cosine, [p[2] for p in pairs]).statistic
        scores[name] = round(float(rho) * 100, 2)
    if scores:
        scores["mean"] = round(float(np.mean(list(scores.values()))), 2)
    return scores


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark from the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/zh-sts"))
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--encoder", choices=("use", "hashing", "distilled"), default="use")
    parser.add_argument("--chunk-chars", type=int, default=None, help="USE only: chunk size")
    parser.add_argument("--limit", type=int, default=None, help="at most N pairs per set")
    parser.add_argument("--cache", type=Path, default=None, help="cache vectors in DIR")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)

    options = {"chunk_chars": args.chunk_chars} if args.chunk_chars is not None else {}
    encoder = make_encoder(args.encoder, args.cache, **options)
    sets = load_sets(args.data, args.split, args.limit)
    if not sets:
        parser.error(f"no zh-sts set found under {args.data}")
    started = time.perf_counter()
    scores = score_sets(encoder, sets)
    elapsed = time.perf_counter() - started
    if args.format == "text":
        print(f"{encoder.name}, split {args.split}, {elapsed:.1f} s")
        for name, pairs in sets.items():
            print(f"  {name:6} {len(pairs):6d} pairs  Spearman×100 {scores[name]:6.2f}")
        print(f"  mean                 {scores['mean']:6.2f}")
    print(json.dumps(scores, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
