"""Score the reviewer–paper expertise gold standard (Stelmakh et al.) with a chosen scorer.

For each of the ten ``d_20_*`` datasets: index the 58 reviewers (profile = their archive
papers, title + abstract, as work items), score every (reviewer, paper) pair that appears in
``data/evaluations.csv`` (paper = title + abstract), and compute the loss and the easy/hard
triple accuracies exactly as upstream ``scripts/scoring.py``. Print one line per dataset,
then the mean over the ten (the published protocol). With ``--format json`` each line is a
JSON object and the last one is ``{"loss", "easy", "hard", ...}``.

The default system is the product's engine, ``tepai`` (``MatchingEngine()`` with the USE
encoder, vectors cached in ``.benchmark-cache/embeddings``). ``--ranker`` selects another:
``bm25`` or ``dense`` (the engine's components alone) or ``tfidf`` (the frozen TF-IDF
baseline, which needs no encoder and runs in about 2 s).

Usage, from the repository root::

    python benchmarks/goldstandard.py --data ../shared/data/goldstandard --format json
    python benchmarks/goldstandard.py --ranker tfidf

Published (title + abstract, lower loss is better): TPMS 0.28, SPECTER 0.27, SPECTER2 0.22.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tepai.matching.errors import InvalidInput
from tepai.matching.evaluation import (
    Scorer,
    TfidfBaseline,
    english_words,
    goldstandard_loss,
    goldstandard_resolution,
    load_goldstandard_evaluations,
)
from tepai.matching.records import Demand, Expert, WorkItem

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "goldstandard"
# The same vector cache as chinese_retrieval.py, wherever the script is run from.
EMBEDDINGS_CACHE = ROOT / ".benchmark-cache" / "embeddings"
DEFAULT_SCORER = "tepai"


def _engine(kind: str) -> Callable[[], Scorer]:
    """Return a factory of the engine as shipped ("tepai") or one of its components alone."""

    def build() -> Scorer:
        # Imported on use, so the baseline still runs while the engine is being changed.
        from tepai.matching.dense import CachedEncoder, UseEncoder
        from tepai.matching.engine import EngineConfig, MatchingEngine

        if kind == "bm25":
            return MatchingEngine(encoder=None)
        EMBEDDINGS_CACHE.mkdir(parents=True, exist_ok=True)
        encoder = CachedEncoder(UseEncoder(), EMBEDDINGS_CACHE)
        if kind == "dense":
            dense_only = EngineConfig(sparse_weight=0.0, dense_weight=1.0)
            return MatchingEngine(dense_only, encoder=encoder)
        return MatchingEngine(encoder=encoder)

    return build


# Name → factory of a Scorer; a new system is one more line here.
SCORERS: dict[str, Callable[[], Scorer]] = {
    "tfidf": lambda: TfidfBaseline(english_words),
    "bm25": _engine("bm25"),
    "dense": _engine("dense"),
    "tepai": _engine("tepai"),
}


def _paper_text(content: dict[str, Any]) -> tuple[str, str]:
    # Some crawled papers have a null abstract (or title); treat it as empty text.
    return str(content.get("title") or ""), str(content.get("abstract") or "")


def load_reviewers(dataset: Path) -> list[Expert]:
    """Return the reviewers of one ``d_20_*`` folder, their archive papers as work items."""
    experts = []
    for path in sorted((dataset / "archives").glob("~*.jsonl")):
        items = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                title, abstract = _paper_text(json.loads(line)["content"])
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise InvalidInput(f"{path}:{number}: not an archive paper: {error}") from error
            items.append(WorkItem(title=title, text=abstract, kind="paper"))
        experts.append(Expert(id=path.stem.lstrip("~"), items=tuple(items)))
    return experts


def load_submissions(dataset: Path) -> dict[str, Demand]:
    """Return paper id → the paper as a demand (title + abstract) of one ``d_20_*`` folder."""
    path = dataset / "submissions.json"
    try:
        papers = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{path}: not valid JSON: {error.msg}") from error
    demands = {}
    for paper_id, paper in papers.items():
        title, abstract = _paper_text(paper.get("content") or {})
        demands[paper_id] = Demand(id=paper_id, title=title, text=abstract)
    return demands


def evaluate_dataset(
    dataset: Path, evaluations: dict[str, dict[str, float]], scorer: Scorer
) -> dict[str, float]:
    """Return loss, easy and hard of ``scorer`` on one ``d_20_*`` folder."""
    experts = load_reviewers(dataset)
    papers = load_submissions(dataset)
    known = {expert.id for expert in experts}
    scorer.index(experts)
    # Invert the ratings so each paper is encoded once and scored for all who rated it.
    raters: dict[str, list[str]] = {}
    for reviewer, rated in evaluations.items():
        if reviewer not in known:
            raise InvalidInput(f"{dataset}: reviewer {reviewer} has no archive")
        for paper in rated:
            raters.setdefault(paper, []).append(reviewer)
    predictions: dict[str, dict[str, float]] = {reviewer: {} for reviewer in evaluations}
    for paper, reviewers in sorted(raters.items()):
        if paper not in papers:
            raise InvalidInput(f"{dataset}: rated paper {paper} is not in submissions.json")
        for reviewer, score in scorer.score(papers[paper], reviewers).items():
            predictions[reviewer][paper] = score
    return {
        "loss": goldstandard_loss(predictions, evaluations),
        "easy": goldstandard_resolution(predictions, evaluations, "easy"),
        "hard": goldstandard_resolution(predictions, evaluations, "hard"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="goldstandard folder")
    parser.add_argument(
        "--ranker",
        choices=sorted(SCORERS),
        default=DEFAULT_SCORER,
        help=(
            f"system to score with (default: {DEFAULT_SCORER}, the product's engine; bm25 and "
            "dense are its components alone, tfidf the frozen TF-IDF baseline)"
        ),
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)

    try:
        evaluations = load_goldstandard_evaluations(args.data / "data" / "evaluations.csv")
        datasets = sorted(
            (args.data / "evaluation_datasets").glob("d_20_*"),
            key=lambda path: int(path.name.rsplit("_", 1)[1]),
        )
        if not datasets:
            raise InvalidInput(f"{args.data}: no evaluation_datasets/d_20_* folders")
        results = []
        for dataset in datasets:
            started = time.perf_counter()
            metrics = evaluate_dataset(dataset, evaluations, SCORERS[args.ranker]())
            seconds = time.perf_counter() - started
            results.append(metrics)
            _emit(args.format, {"dataset": dataset.name, **metrics, "seconds": seconds})
    except InvalidInput as error:
        print(f"goldstandard: {error}", file=sys.stderr)
        return 2
    summary: dict[str, Any] = {
        name: sum(result[name] for result in results) / len(results)
        for name in ("loss", "easy", "hard")
    }
    summary.update(ranker=args.ranker, datasets=len(results))
    _emit(args.format, summary)
    return 0


def _emit(form: str, record: dict[str, Any]) -> None:
    if form == "json":
        print(json.dumps(record, ensure_ascii=False), flush=True)
        return
    label = record.get("dataset", f"mean of {record.get('datasets')} ({record.get('ranker')})")
    print(
        f"{label:<24} loss {record['loss']:.4f}  easy {record['easy']:.4f}  "
        f"hard {record['hard']:.4f}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
