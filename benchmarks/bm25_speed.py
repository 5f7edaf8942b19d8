"""Speed of tepai.matching.sparse.BM25Index: indexing rate and query latency.

Documents are synthetic "work items": 8-40 tokens drawn from a Zipf distribution (s = 1.05)
over the shipped thesaurus and domain-dictionary vocabulary plus a long tail of compound
terms, so term frequencies look like real text (a few terms in a large share of documents,
most in very few). Queries are 20 distinct terms drawn from the same distribution (common
terms included, so this is close to the worst case), weighted 1.0 or 0.5 like a demand with
thesaurus expansions.

"query" times score_array on a static index (per-term BM25 impacts cached, as between
re-indexing runs); "cold" times it right after an update (impacts recomputed); "top100" is
top(query, 100) on the static index.

Usage: ``python benchmarks/bm25_speed.py [--docs 300000] [--queries 300] [--seed 7]``;
the last stdout line is JSON with docs indexed/s and query p50/p99 in ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from tepai.matching.sparse import BM25Index
from tepai.matching.text import Thesaurus
from tepai.matching.text._jieba import domain_words


def vocabulary(rng: np.random.Generator, tail: int) -> list[str]:
    """Return the shipped vocabulary plus ``tail`` synthetic compounds, in a random rank order."""
    words = sorted(set(Thesaurus.load().vocabulary()) | domain_words())
    pairs = rng.integers(0, len(words), size=(tail, 2))
    compounds = {words[a] + words[b] for a, b in pairs if a != b}
    terms = np.array(words + sorted(compounds - set(words)))
    rng.shuffle(terms)
    return terms.tolist()


def zipf_sampler(rng: np.random.Generator, size: int, s: float = 1.05):
    """Return a function drawing term ranks with P(rank r) ∝ 1 / r**s."""
    weights = 1.0 / np.arange(1, size + 1) ** s
    cumulative = np.cumsum(weights / weights.sum())

    def draw(n: int) -> np.ndarray:
        return np.minimum(np.searchsorted(cumulative, rng.random(n)), size - 1)

    return draw


def main(argv: list[str] | None = None) -> int:
    """Build the index, time queries, print a summary and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--terms", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    terms = vocabulary(rng, tail=60_000)
    draw = zipf_sampler(rng, len(terms))
    lengths = rng.integers(8, 41, size=args.docs)
    ranks = draw(int(lengths.sum()))
    documents: list[list[str]] = []
    position = 0
    for length in lengths:
        documents.append([terms[r] for r in ranks[position : position + length]])
        position += length

    index = BM25Index()
    started = time.perf_counter()
    for number, tokens in enumerate(documents):
        index.add(f"item-{number}", tokens)
    build_seconds = time.perf_counter() - started

    queries = []
    for _ in range(args.queries):
        chosen = list(dict.fromkeys(terms[r] for r in draw(args.terms * 4)))[: args.terms]
        queries.append([(term, 1.0 if i % 3 else 0.5) for i, term in enumerate(chosen)])
    index.score_array(queries[0])  # warm the length-normalisation cache
    score_ms, cold_ms, top_ms, postings = [], [], [], []
    for query in queries:
        # Cold: as right after an update, when the cached per-term BM25 impacts are stale.
        index._invalidate()
        started = time.perf_counter()
        index.score_array(query)
        cold_ms.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        index.score_array(query)
        score_ms.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        index.top(query, 100)
        top_ms.append(1000 * (time.perf_counter() - started))
        postings.append(sum(index.df(term) for term, _ in query))

    result = {
        "docs": args.docs,
        "vocabulary": len(terms),
        "mean_doc_tokens": round(float(lengths.mean()), 1),
        "index_seconds": round(build_seconds, 2),
        "docs_indexed_per_s": round(args.docs / build_seconds),
        "query_terms": args.terms,
        "mean_postings_per_query": round(float(np.mean(postings))),
        "query_ms_p50": round(float(np.percentile(score_ms, 50)), 2),
        "query_ms_p99": round(float(np.percentile(score_ms, 99)), 2),
        "cold_query_ms_p50": round(float(np.percentile(cold_ms, 50)), 2),
        "cold_query_ms_p99": round(float(np.percentile(cold_ms, 99)), 2),
        "top100_ms_p50": round(float(np.percentile(top_ms, 50)), 2),
        "top100_ms_p99": round(float(np.percentile(top_ms, 99)), 2),
    }
    print(
        f"{args.docs} docs indexed in {build_seconds:.1f} s ({result['docs_indexed_per_s']}/s); "
        f"score_array p50 {result['query_ms_p50']} ms, p99 {result['query_ms_p99']} ms; "
        f"cold p50 {result['cold_query_ms_p50']} ms, p99 {result['cold_query_ms_p99']} ms; "
        f"top(100) p50 {result['top100_ms_p50']} ms"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
