"""What the demand matching page shows, gathered in one place (the page and the API can share it).

For one demand: the recommended commissioners with their explanations, a suggested team (组团)
with who covers which skill, the research outcomes that fit, and the proposals made so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand
from tepai.engagements.models import OPEN_STATUSES, Proposal
from tepai.outcomes.models import Outcome
from tepai.recommender import service
from tepai.recommender.live import shared_engine
from tepai.recommender.service import CatalogMatch, Explanation


@dataclass(frozen=True)
class Candidate:
    """A recommended commissioner, the score and why, and any open proposal for the pair."""

    rank: int
    commissioner: Commissioner
    score: float
    explanation: Explanation | None
    open_proposal: Proposal | None
    confidence: str = ""  # 高 / 中 / 低


@dataclass(frozen=True)
class TeamMember:
    commissioner: Commissioner
    covers: list[str]
    affinity: float


@dataclass(frozen=True)
class OutcomeCandidate:
    outcome: Outcome
    match: CatalogMatch


@dataclass
class DemandMatching:
    demand: Demand
    candidates: list[Candidate]
    skills: list[str]
    team: list[TeamMember]
    uncovered: list[str]
    outcomes: list[OutcomeCandidate]
    proposals: list[Proposal] = field(default_factory=list)
    # Nobody among the (filtered) commissioners fits: why, and what the office can do.
    no_fit: bool = False
    no_fit_reason: str = ""
    advice: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MatchingFilters:
    """Which commissioners the page ranks: a batch, centre, institution; full ones too?"""

    batch: str | None = None
    centre: str | None = None
    institution: str | None = None
    include_full: bool = False


def demand_matching(
    demand: Demand,
    *,
    k: int = 10,
    team_size: int = 4,
    filters: MatchingFilters | None = None,
) -> DemandMatching:
    """Return everything the matching page shows for ``demand``.

    Raises ``service.NotFound`` when a filter names a batch, centre or institution that
    does not exist.
    """
    filters = filters or MatchingFilters()
    engine = shared_engine()
    result = service.recommend(
        engine,
        demand,
        k,
        batch=filters.batch,
        centre=filters.centre,
        institution=filters.institution,
        include_full=filters.include_full,
    )
    found = result.recommendations
    advice = service.no_fit_advice(
        engine,
        demand,
        result,
        batch=filters.batch,
        centre=filters.centre,
        institution=filters.institution,
    )
    team = service.propose_team(engine, demand, max_size=team_size)
    ids = {int(r.expert_id) for r in found} | {int(m.expert_id) for m in team.team.members}
    people = Commissioner.objects.select_related("institution").in_bulk(ids)
    proposals = list(
        Proposal.objects.filter(demand=demand).select_related(
            "commissioner__institution", "created_by", "project"
        )
    )
    open_by_person = {p.commissioner_id: p for p in proposals if p.status in OPEN_STATUSES}
    candidates = [
        Candidate(
            rank=r.rank,
            commissioner=people[int(r.expert_id)],
            score=r.score,
            explanation=r.explanation,
            open_proposal=open_by_person.get(int(r.expert_id)),
            confidence=r.confidence,
        )
        for r in found
        if int(r.expert_id) in people
    ]
    members = [
        TeamMember(people[int(m.expert_id)], list(m.covers), m.affinity)
        for m in team.team.members
        if int(m.expert_id) in people
    ]
    matches = service.recommend_outcomes(demand, 5)
    outcomes_by_id = Outcome.objects.in_bulk([m.id for m in matches])
    outcomes = [
        OutcomeCandidate(outcomes_by_id[m.id], m) for m in matches if m.id in outcomes_by_id
    ]
    return DemandMatching(
        demand=demand,
        candidates=candidates,
        skills=list(team.skills),
        team=members,
        uncovered=list(team.team.uncovered),
        outcomes=outcomes,
        proposals=proposals,
        no_fit=result.no_fit,
        no_fit_reason=result.no_fit_reason,
        advice=advice,
    )
