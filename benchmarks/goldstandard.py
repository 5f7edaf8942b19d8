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
import csv
import json
import math
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

from tepai.matching import Demand, Expert, InvalidInput, WorkItem

try:  # run as `python -m benchmarks.goldstandard` from the repository root
    from benchmarks.baselines import TfidfBaseline, english_words
    from benchmarks.ranking import Scorer
except ImportError:  # run as `python benchmarks/goldstandard.py`: benchmarks/ is on sys.path
    from baselines import TfidfBaseline, english_words  # type: ignore[no-redef]
    from ranking import Scorer  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "goldstandard"
# The same vector cache as chinese_retrieval.py, wherever the script is run from.
EMBEDDINGS_CACHE = ROOT / ".benchmark-cache" / "embeddings"
DEFAULT_SCORER = "tepai"


# --- the metric, exactly as upstream scripts/scoring.py defines it --------------------------

Ratings = Mapping[str, Mapping[str, float]]


def load_goldstandard_evaluations(path: str | Path) -> dict[str, dict[str, float]]:
    """Return reviewer id → {paper id: expertise 1–5} from the gold standard's ``evaluations.csv``.

    The file is tab-separated with columns ``ParticipantID``, ``Paper1..Paper10`` and
    ``Expertise1..Expertise10``; blank paper cells are skipped, as upstream ``to_dicts`` does.
    Raise :class:`InvalidInput` naming the line of a rating that is missing or not a number,
    or of a paper rated twice by one reviewer.
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from error
    ratings: dict[str, dict[str, float]] = {}
    with handle:
        reader = csv.DictReader(handle, delimiter="\t")
        columns = ["ParticipantID"] + [
            f"{kind}{n}" for kind in ("Paper", "Expertise") for n in range(1, 11)
        ]
        missing = [name for name in columns if name not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(f"{path}:1: missing column {missing[0]!r}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            reviewer = (row["ParticipantID"] or "").strip()
            if not reviewer:
                raise InvalidInput(f"{where}: empty ParticipantID")
            if reviewer in ratings:
                raise InvalidInput(f"{where}: participant {reviewer} occurs twice")
            papers: dict[str, float] = {}
            for n in range(1, 11):
                paper = (row[f"Paper{n}"] or "").strip()
                if not paper:
                    continue
                raw = (row[f"Expertise{n}"] or "").strip()
                try:
                    value = float(raw)
                except ValueError:
                    raise InvalidInput(f"{where}: Expertise{n} {raw!r} is not a number") from None
                if paper in papers:
                    raise InvalidInput(f"{where}: paper {paper} is rated twice")
                papers[paper] = value
            ratings[reviewer] = papers
    return ratings


def _rated_pairs(
    predictions: Ratings, evaluations: Ratings
) -> Iterator[tuple[float, float, float, float]]:
    """Yield (e1, e2, s1, s2) for every within-reviewer pair of rated papers."""
    for reviewer, rated in evaluations.items():
        for paper1, paper2 in combinations(rated, 2):
            yield (
                float(rated[paper1]),
                float(rated[paper2]),
                _prediction(predictions, reviewer, paper1),
                _prediction(predictions, reviewer, paper2),
            )


def _prediction(predictions: Ratings, reviewer: str, paper: str) -> float:
    try:
        value = float(predictions[reviewer][paper])
    except KeyError:
        raise InvalidInput(f"no predicted score for reviewer {reviewer}, paper {paper}") from None
    if math.isnan(value):
        raise InvalidInput(f"predicted score for reviewer {reviewer}, paper {paper} is NaN")
    return value


def goldstandard_loss(predictions: Ratings, evaluations: Ratings) -> float:
    """Return the gold standard's main metric, a weighted Kendall's-tau-style loss (lower: better).

    ``Σ |Δ| · (1[δ·Δ < 0] + ½·1[δ·Δ = 0]) / Σ |Δ|`` over every reviewer's pairs of rated
    papers, Δ the difference in self-rated expertise, δ the difference in predicted similarity.
    So an inverted pair costs its rating gap, a predicted tie half of it, and a constant
    predictor scores 0.5. ``predictions`` must score every rated (reviewer, paper) pair.
    """
    total = loss = 0.0
    for e1, e2, s1, s2 in _rated_pairs(predictions, evaluations):
        true_diff, pred_diff = e1 - e2, s1 - s2
        total += abs(true_diff)
        if pred_diff * true_diff == 0:
            loss += abs(true_diff) / 2
        elif pred_diff * true_diff < 0:
            loss += abs(true_diff)
    if total == 0:
        raise InvalidInput("the evaluations have no pair of papers with different ratings")
    return loss / total


def _regime_holds(e1: float, e2: float, regime: str) -> bool:
    if e1 == e2:
        return False
    if regime == "hard":  # both papers expert-level (≥ 4)
        return min(e1, e2) >= 4
    # easy: one clearly expert (≥ 4) and one clearly non-expert (≤ 2) paper
    return max(e1, e2) >= 4 and min(e1, e2) <= 2


def goldstandard_resolution(
    predictions: Ratings, evaluations: Ratings, regime: Literal["easy", "hard"]
) -> float:
    """Return the fraction of "easy" or "hard" pairs the predictions order correctly.

    Pairs with equal ratings are skipped. *easy*: max rating ≥ 4 and min ≤ 2; *hard*: both
    ≥ 4. A pair is correct when δ·Δ > 0, so a predicted tie counts as wrong.
    """
    if regime not in ("easy", "hard"):
        raise InvalidInput(f"regime must be 'easy' or 'hard', got {regime!r}")
    pairs = correct = 0
    for e1, e2, s1, s2 in _rated_pairs(predictions, evaluations):
        if not _regime_holds(e1, e2, regime):
            continue
        pairs += 1
        if (s1 - s2) * (e1 - e2) > 0:
            correct += 1
    if pairs == 0:
        raise InvalidInput(f"the evaluations have no {regime} pair")
    return correct / pairs


def goldstandard_pair_counts(evaluations: Ratings) -> dict[str, int]:
    """Return how many within-reviewer pairs there are: all, untied, easy and hard."""
    counts = {"pairs": 0, "untied": 0, "easy": 0, "hard": 0}
    for rated in evaluations.values():
        for paper1, paper2 in combinations(rated, 2):
            e1, e2 = float(rated[paper1]), float(rated[paper2])
            counts["pairs"] += 1
            counts["untied"] += e1 != e2
            counts["easy"] += _regime_holds(e1, e2, "easy")
            counts["hard"] += _regime_holds(e1, e2, "hard")
    return counts


# --- the systems scored ---------------------------------------------------------------------


def _engine(kind: str) -> Callable[[], Scorer]:
    """Return a factory of the engine as shipped ("tepai") or one of its components alone."""

    def build() -> Scorer:
        # Imported on use, so the baseline still runs while the engine is being changed.
        from tepai.matching import CachedEncoder, EngineConfig, MatchingEngine, UseEncoder

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
