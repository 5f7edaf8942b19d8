"""Building the matching engine over the platform's database."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand as DemandRecord
from tepai.demands.models import DemandList, DemandStatus
from tepai.matching import Recommendation
from tepai.matching.assignment import AssignmentResult, solve_assignment
from tepai.matching.dense import CachedEncoder, HashingEncoder, UseEncoder
from tepai.matching.engine import MatchingEngine
from tepai.matching.teams import TeamCandidate, TeamResult, assemble_team
from tepai.matchmaking.catalogs import OPEN_DEMANDS, OUTCOMES, CatalogMatch
from tepai.matchmaking.records import (
    commissioner_queryset,
    demand_from,
    expert_from,
    expert_query,
    experts_from,
)
from tepai.programs.models import Batch, InnovationCentre


def build_encoder() -> object | None:
    """Return the dense encoder chosen by TEPAI_MATCH_ENCODER, with an on-disk vector cache."""
    choice = settings.TEPAI_MATCH_ENCODER
    if choice == "none":
        return None
    directory = settings.TEPAI_CACHE_DIR / "embeddings"
    directory.mkdir(parents=True, exist_ok=True)
    inner = UseEncoder() if choice == "use" else HashingEncoder()
    return CachedEncoder(inner, directory)


def stderr_progress(label: str) -> Callable[[int, int], None]:
    """Return a progress callback that redraws one line on stderr (for long index builds)."""

    def report(done: int, total: int) -> None:
        if total < 200 or not sys.stderr.isatty():
            return
        sys.stderr.write(f"\r{label}：{done}/{total}（{done * 100 // total}%）")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


def build_engine(progress: Callable[[int, int], None] | None = None) -> MatchingEngine:
    """Return an engine indexing every commissioner in the database."""
    engine = MatchingEngine(encoder=build_encoder())
    engine.index(experts_from(commissioner_queryset()), progress=progress)
    return engine


# ----- demands, teams and assignment on the database -----


class NotFound(Exception):
    """A demand, list or batch named on the command line does not exist."""


def _by_code_or_id(queryset: QuerySet, token: str, missing: str) -> Any:
    """Return the record whose 编号 is ``token``, else whose database id it is; or NotFound."""
    found = queryset.filter(code=token).first()
    if found is None and token.isdigit():
        found = queryset.filter(pk=int(token)).first()
    if found is None:
        raise NotFound(missing)
    return found


def find_commissioner(token: str) -> Commissioner:
    """Return the commissioner with database id or 编号 ``token``."""
    return _by_code_or_id(
        Commissioner.objects.all(), token, f"找不到特派员“{token}”（请填写特派员编号或数据库 ID）"
    )


def find_demand(token: str) -> DemandRecord:
    """Return the demand with database id or 编号 ``token``."""
    return _by_code_or_id(
        DemandRecord.objects.select_related("enterprise"),
        token,
        f"找不到技术需求“{token}”（请填写需求编号或数据库 ID）",
    )


def recommend(
    engine: MatchingEngine,
    record: DemandRecord,
    k: int,
    *,
    batch: str | None = None,
    centre: str | None = None,
    include_full: bool = False,
) -> list[Recommendation]:
    """Return the top ``k`` commissioners for a stored demand, optionally within a batch/centre.

    Commissioners whose active projects reached their 同时对接上限 are left out unless
    ``include_full``; declared conflicts and the enterprise's own staff always are.
    """
    allowed: set[str] | None = None
    if batch or centre:
        people = Commissioner.objects.all()
        if batch:
            if not Batch.objects.filter(name=batch).exists():
                raise NotFound(f"批次“{batch}”不存在")
            people = people.filter(batches__name=batch)
        if centre:
            if not InnovationCentre.objects.filter(name=centre).exists():
                raise NotFound(f"创新中心“{centre}”不存在")
            people = people.filter(centres__name=centre)
        allowed = {str(pk) for pk in people.values_list("pk", flat=True)}
    keep = None if allowed is None else (lambda expert: expert.id in allowed)
    return engine.recommend(demand_from(record), k, keep=keep, respect_capacity=not include_full)


# Below these fused scores the demo data's best match was from another industry (an outcome
# about air-cooled condensers for a coal-slurry demand scored 0.147; true pairs 0.16–0.27), so
# a shorter honest list beats a padded one.
OUTCOME_MIN_SCORE = 0.15
DEMAND_MIN_SCORE = 0.10


def recommend_outcomes(
    record: DemandRecord, k: int = 5, *, min_score: float = OUTCOME_MIN_SCORE
) -> list[CatalogMatch]:
    """Return the research outcomes (路演成果) that best fit a demand, with explanations."""
    demand = replace(demand_from(record), enterprise="")  # an outcome has no employer conflict
    return [match for match in OUTCOMES.recommend(demand, k) if match.score >= min_score]


def recommend_demands(
    engine: MatchingEngine | None,
    commissioner: Commissioner,
    k: int = 10,
    *,
    min_score: float = DEMAND_MIN_SCORE,
) -> list[CatalogMatch]:
    """Return the open demands (已发布/对接中) that best fit a commissioner, with explanations.

    Demands of the commissioner's employer and of enterprises they declared a conflict with
    are left out. ``engine`` is accepted for symmetry with :func:`recommend` and unused: the
    demand index has its own engine kept in step with the database.
    """
    del engine
    person = commissioner_queryset().get(pk=commissioner.pk)
    expert = expert_from(person)
    barred = {expert.institution, *expert.conflicts}
    found = OPEN_DEMANDS.recommend(
        expert_query(person), k, keep=lambda document: document.institution not in barred
    )
    return [match for match in found if match.score >= min_score]


@dataclass(frozen=True)
class TeamProposal:
    skills: list[str]
    team: TeamResult


def propose_team(
    engine: MatchingEngine,
    record: DemandRecord,
    *,
    max_size: int = 4,
    threshold: float = 0.5,
    pool: int = 50,
) -> TeamProposal:
    """Return a team (组团) covering the demand's required skills from its top candidates.

    A candidate's affinity to a skill is the engine's score of the skill phrase alone; the
    skills are the demand's 所需技能, or its salient keywords when none are listed.
    """
    demand = demand_from(record)
    skills = list(demand.skills) or engine.analyzer.keywords(demand.text, 4)
    candidates = engine.recommend(demand, pool, explain=False)
    ids = [candidate.expert_id for candidate in candidates]
    per_skill = {skill: engine.skill_affinity(skill, ids) for skill in skills}
    team_candidates = [
        TeamCandidate(
            expert_id=candidate.expert_id,
            skills={skill: per_skill[skill][candidate.expert_id] for skill in skills},
            affinity=candidate.score,
            institution=engine.experts[candidate.expert_id].institution,
        )
        for candidate in candidates
    ]
    team = assemble_team(skills, team_candidates, max_size=max_size, threshold=threshold)
    # A member who covers none of the skills only adds general relevance; proposing them as
    # part of a "team covering the skills" would mislead, so they are left out.
    members = [member for member in team.members if member.covers]
    if len(members) != len(team.members):
        institutions = {engine.experts[m.expert_id].institution for m in members}
        team = replace(team, members=members, institutions=len(institutions))
    return TeamProposal(skills, team)


def assign_list(
    engine: MatchingEngine,
    name: str,
    *,
    max_load: int,
    per_demand_min: int,
    per_demand_max: int,
    candidates: int = 50,
    fair: bool = False,
) -> tuple[list[DemandRecord], AssignmentResult]:
    """Return the demands of list ``name`` and their optimal assignment to commissioners."""
    demand_list = (
        DemandList.objects.filter(name=name).first() or DemandList.objects.filter(code=name).first()
    )
    if demand_list is None:
        raise NotFound(f"找不到需求发布批次“{name}”")
    records = list(
        demand_list.demands.exclude(
            status__in=[DemandStatus.CLOSED, DemandStatus.COMPLETED, DemandStatus.DRAFT]
        ).select_related("enterprise")
    )
    pairs = []
    for record in records:
        for recommendation in engine.recommend(
            demand_from(record), candidates, explain=False, respect_capacity=False
        ):
            pairs.append((str(record.pk), recommendation.expert_id, recommendation.score))
    result = solve_assignment(
        pairs,
        max_load=max_load,
        per_demand_min=per_demand_min,
        per_demand_max=per_demand_max,
        fair=fair,
    )
    return records, result


def commissioners_by_id(ids: list[str]) -> dict[str, Commissioner]:
    return {str(c.pk): c for c in Commissioner.objects.filter(pk__in=[int(i) for i in ids])}
