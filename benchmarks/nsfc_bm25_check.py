"""Quick expert-finding check of the BM25 text path on real NSFC project titles.

Data: ``../shared/data/nsfc-management-projects/`` (NSFC Management Sciences projects; its
README documents no split). Experts are keyed by (PI, institution). A seeded hash puts half of
them in a *dev* half; this script only ever reads the dev half, the other half stays unseen
for a final evaluation elsewhere.

Task, for dev PIs with >= 3 projects: query = the PI's latest project title (by start date,
then grant number), profile = the PI's other titles concatenated. Two candidate pools are
ranked with BM25: "pool_3plus" holds just those PIs' profiles, "pool_all" adds every other dev
PI (all their titles) as distractors. Reported: MRR and Recall@10 of the true PI (ties count
at their expected rank), and a paired standard error of each variant's MRR gain over (a).
Variants:

  a. plain jieba (its own dictionary only, no stop words; punctuation dropped)
  b. tepai Analyzer words (domain dictionary, stop words, ASCII/number handling)
  c. b + thesaurus expansion of the query (weight 0.5)
  d. c + sub-words of words longer than two characters: the domain-dictionary terms inside
     them ("domain", the default), all jieba-dictionary words inside them ("dictionary"),
     or all character bigrams ("bigrams")
  e. the default Analyzer (= d domain, HMM off) with jieba's HMM for unknown words on

Usage: ``python benchmarks/nsfc_bm25_check.py [--data CSV]``; the last stdout line is JSON.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tepai.matching.sparse import BM25Index
from tepai.matching.text import Analyzer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (
    ROOT.parent / "shared" / "data" / "nsfc-management-projects" / "natural-2017-09-26.csv"
)
SPLIT_SEED = "tepai-nsfc-dev-v1"  # changing it would leak the held-out half: don't

Tokenize = Callable[[str], list[str]]
Expand = Callable[[list[str]], list[tuple[str, float]]]


def in_dev(name: str, institution: str) -> bool:
    """Return whether the PI (name, institution) belongs to the dev half."""
    digest = hashlib.sha256(f"{SPLIT_SEED}\t{name}\t{institution}".encode()).digest()
    return digest[0] % 2 == 0


Task = tuple[str, str, list[str]]


def load_dev(path: Path) -> tuple[list[Task], list[tuple[str, list[str]]]]:
    """Return the dev tasks (PI key, query title, profile titles) of PIs with >= 3 projects,
    and the other dev PIs as (key, all titles) distractors."""
    projects: dict[str, list[tuple[str, str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name, institution = row["负责人"].strip(), row["依托单位"].strip()
            title = row["项目名称"].strip()
            if not (name and institution and title) or not in_dev(name, institution):
                continue
            start = row["起止年月"].split("-")[0].strip()
            projects.setdefault(f"{name}|{institution}", []).append(
                (start, row["项目批准号"].strip(), title)
            )
    tasks: list[Task] = []
    others: list[tuple[str, list[str]]] = []
    for key, rows in sorted(projects.items()):
        rows.sort()
        if len(rows) >= 3:
            tasks.append((key, rows[-1][2], [title for _, _, title in rows[:-1]]))
        else:
            others.append((key, [title for _, _, title in rows]))
    return tasks, others


def plain_jieba() -> Tokenize:
    """Return a tokenizer that is jieba with its own dictionary, minus punctuation."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()

    def tokenize(text: str) -> list[str]:
        return [word for word in tokenizer.cut(text) if any(ch.isalnum() for ch in word)]

    return tokenize


def evaluate(
    tasks: list[Task],
    distractors: list[tuple[str, list[str]]],
    tokenize: Tokenize,
    expand: Expand | None,
) -> list[float]:
    """Return the reciprocal rank of each task's PI among all profiles."""
    index = BM25Index()
    profiles = [(key, titles) for key, _, titles in tasks] + distractors
    for key, titles in profiles:
        index.add(key, [token for title in titles for token in tokenize(title)])
    position = {doc_id: slot for slot, doc_id in enumerate(index.doc_ids)}
    reciprocal = []
    for key, query_title, _ in tasks:
        tokens = tokenize(query_title)
        query = expand(tokens) if expand is not None else [(token, 1.0) for token in tokens]
        scores = index.score_array(query)
        own = scores[position[key]]
        # Rank = 1 + documents scoring strictly higher + half the others tied with it, so
        # ties (e.g. an all-zero query) get their expected rank, not a lucky one.
        higher = int((scores > own).sum())
        tied = int((scores == own).sum()) - 1
        rank = 1 + higher + tied / 2
        reciprocal.append(1.0 / rank if own > 0 else 0.0)
    return reciprocal


def summarise(reciprocal: list[float], baseline: list[float]) -> dict[str, float]:
    """Return MRR, Recall@10 and the paired standard error of the MRR gain over baseline."""
    values = np.asarray(reciprocal)
    gain = values - np.asarray(baseline)
    return {
        "mrr": round(float(values.mean()), 4),
        "recall@10": round(float((values >= 0.1).mean()), 4),
        "gain_vs_a": round(float(gain.mean()), 4),
        "gain_se": round(float(gain.std(ddof=1) / np.sqrt(len(gain))), 4),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the check and print a table and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"NSFC data not found: {args.data}", file=sys.stderr)
        return 2
    tasks, others = load_dev(args.data)
    variants: dict[str, tuple[Tokenize, Expand | None]] = {}
    variants["a_plain_jieba"] = (plain_jieba(), None)
    words = Analyzer(subwords="none")  # everything else at the defaults
    variants["b_analyzer"] = (words.tokens, None)
    variants["c_analyzer_thesaurus"] = (words.tokens, words.expand)
    for mode in ("domain", "dictionary", "bigrams"):
        analyzer = Analyzer(subwords=mode)  # type: ignore[arg-type]
        variants[f"d_subwords_{mode}"] = (analyzer.tokens, analyzer.expand)
    with_hmm = Analyzer(hmm=True)
    variants["e_default_with_hmm"] = (with_hmm.tokens, with_hmm.expand)
    results: dict[str, object] = {"split": "dev", "queries": len(tasks)}
    for pool, distractors in (("pool_3plus", []), ("pool_all", others)):
        table: dict[str, object] = {"candidates": len(tasks) + len(distractors)}
        baseline: list[float] = []
        for name, (tokenize, expand) in variants.items():
            reciprocal = evaluate(tasks, distractors, tokenize, expand)
            baseline = baseline or reciprocal
            table[name] = summarise(reciprocal, baseline)
            print(f"{pool:10s} {name:34s} {table[name]}")
        results[pool] = table
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
