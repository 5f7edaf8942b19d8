"""The plain data the engine works on: experts, demands, and what it answers with.

Framework-free: callers (the Django apps, the CLI, benchmarks) convert their records into
these dataclasses, so the engine never sees an ORM object.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkItem:
    """A piece of evidence of expertise: a past project, paper or patent."""

    title: str
    text: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Expert:
    """An expert (commissioner) as the engine sees them.

    ``profile`` is the free-text self-description (bio); ``fields`` the research-field
    keywords; ``items`` past work. ``clusters`` are industry-cluster codes the expert serves,
    ``enterprises`` ids of enterprises they have worked with (past collaboration),
    ``conflicts`` ids of enterprises they must not be matched to, ``load`` their current
    number of assignments and ``max_load`` how many they may take (None: no limit).
    """

    id: str
    name: str = ""
    title: str = ""
    institution: str = ""
    profile: str = ""
    fields: tuple[str, ...] = ()
    items: tuple[WorkItem, ...] = ()
    clusters: tuple[str, ...] = ()
    region: str = ""
    enterprises: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    load: int = 0
    max_load: int | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Demand:
    """A technology demand (or any query text) to find experts for."""

    id: str
    title: str = ""
    text: str = ""
    skills: tuple[str, ...] = ()
    cluster: str = ""
    region: str = ""
    enterprise: str = ""


@dataclass(frozen=True)
class Evidence:
    """One profile part that drove a score: which part, how strongly, which terms matched."""

    source: str  # "profile" (research fields and bio) or "item:<n>"
    label: str  # human-readable, e.g. the work item's title
    score: float
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """Why an expert was recommended: matched terms, driving evidence, and a Chinese sentence."""

    matched_terms: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    signals: tuple[str, ...]  # structured signals in Chinese, e.g. "同属棉花和纺织服装产业"
    text: str  # one or two sentences a programme clerk can read


@dataclass(frozen=True)
class Recommendation:
    """An expert recommended for a demand, with the score's parts and its explanation."""

    rank: int
    expert_id: str
    score: float
    components: dict[str, float] = field(default_factory=dict)
    explanation: Explanation | None = None
    confidence: str = ""  # "高", "中" or "低": how sure the engine is that this one fits


@dataclass(frozen=True)
class MatchResult:
    """The answer for one demand: the recommendations, and whether anyone fits at all.

    ``no_fit`` is the engine's judgement that nobody indexed really fits the demand (the
    recommendations are then the nearest misses, each with low confidence); ``no_fit_reason``
    says why in Chinese, and ``uncovered`` lists the demand's key needs no profile covers.
    ``fit_probability`` is the calibrated probability that the best recommendation fits.
    """

    demand_id: str
    recommendations: list[Recommendation]
    no_fit: bool = False
    no_fit_reason: str = ""
    uncovered: tuple[str, ...] = ()
    fit_probability: float = 1.0
