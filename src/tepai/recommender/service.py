"""Building the matching engine over the platform's database, and what the pages ask of it.

This module (with :mod:`tepai.recommender.live`, :mod:`~tepai.recommender.catalogs` and
:mod:`~tepai.recommender.assignment`) is the only layer between the Django apps and the
framework-free :mod:`tepai.matching`: other apps call these functions, never the engine.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand as DemandRecord
from tepai.demands.models import DemandList
from tepai.institutions.models import Institution
from tepai.matching import Explanation, MatchingEngine, MatchResult
from tepai.programs.models import Batch, InnovationCentre
from tepai.recommender import catalogs
from tepai.recommender.catalogs import OPEN_DEMANDS, OUTCOMES, CatalogMatch
from tepai.recommender.conversion import (
    commissioner_queryset,
    demand_from,
    expert_from,
    expert_query,
)
from tepai.recommender.live import shared_engine

if TYPE_CHECKING:
    # SciPy (≈0.5 s to import) is loaded only by the commands and pages that assemble teams.
    from tepai.matching import CachedEncoder, TeamResult

__all__ = [
    "CatalogMatch",
    "ConflictOfInterest",
    "Explanation",
    "NotFound",
    "TeamProposal",
    "build_encoder",
    "commissioners_by_id",
    "explain_pair",
    "find_commissioner",
    "find_demand",
    "find_demand_list",
    "no_fit_advice",
    "propose_team",
    "recommend",
    "recommend_demands",
    "recommend_outcomes",
    "team_skills",
]

_encoders: dict[tuple[str, str], CachedEncoder] = {}
_encoders_lock = threading.Lock()


def build_encoder() -> CachedEncoder | None:
    """Return the process-wide dense encoder chosen by TEPAI_MATCH_ENCODER (or None).

    One instance per choice (and cache directory) per process, shared by every index and
    thread: the USE model it wraps takes ~100 MB and loads only when a text is not in the
    on-disk vector cache. Thread-safe.
    """
    choice = settings.TEPAI_MATCH_ENCODER
    if choice == "none":
        return None
    directory = settings.TEPAI_CACHE_DIR / "embeddings"
    key = (choice, str(directory))
    with _encoders_lock:
        encoder = _encoders.get(key)
        if encoder is None:
            from tepai.matching import CachedEncoder, HashingEncoder, UseEncoder

            directory.mkdir(parents=True, exist_ok=True)
            inner = UseEncoder() if choice == "use" else HashingEncoder()
            encoder = _encoders[key] = CachedEncoder(inner, directory)
        return encoder


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
    found: Commissioner = _by_code_or_id(
        Commissioner.objects.all(), token, f"找不到特派员“{token}”（请填写特派员编号或数据库 ID）"
    )
    return found


def find_demand(token: str) -> DemandRecord:
    """Return the demand with database id or 编号 ``token``."""
    found: DemandRecord = _by_code_or_id(
        DemandRecord.objects.select_related("enterprise"),
        token,
        f"找不到技术需求“{token}”（请填写需求编号或数据库 ID）",
    )
    return found


def find_demand_list(token: str) -> DemandList:
    """Return the demand list (需求发布批次) named ``token``, or with 编号 ``token``."""
    found = (
        DemandList.objects.filter(name=token).first()
        or DemandList.objects.filter(code=token).first()
    )
    if found is None:
        raise NotFound(f"找不到需求发布批次“{token}”")
    return found


def _allowed(batch: str | None, centre: str | None, institution: str | None) -> set[str] | None:
    """Return the ids of the commissioners within the named batch/centre/institution."""
    if not (batch or centre or institution):
        return None
    people = Commissioner.objects.all()
    if batch:
        if not Batch.objects.filter(name=batch).exists():
            raise NotFound(f"批次“{batch}”不存在")
        people = people.filter(batches__name=batch)
    if centre:
        if not InnovationCentre.objects.filter(name=centre).exists():
            raise NotFound(f"创新中心“{centre}”不存在")
        people = people.filter(centres__name=centre)
    if institution:
        if not Institution.objects.filter(name=institution).exists():
            raise NotFound(f"单位“{institution}”不存在")
        people = people.filter(institution__name=institution)
    return {str(pk) for pk in people.values_list("pk", flat=True)}


def recommend(
    engine: MatchingEngine,
    record: DemandRecord,
    k: int,
    *,
    batch: str | None = None,
    centre: str | None = None,
    institution: str | None = None,
    include_full: bool = False,
) -> MatchResult:
    """Return the top ``k`` commissioners for a stored demand and whether anyone fits.

    Optionally only within a batch, centre and/or institution. Commissioners whose active
    projects reached their 同时对接上限 are left out unless ``include_full``; declared
    conflicts and the enterprise's own staff always are. Each recommendation carries its
    confidence (高/中/低); a demand nobody fits says so (``no_fit``, ``no_fit_reason``).
    """
    allowed = _allowed(batch, centre, institution)
    keep = None if allowed is None else (lambda expert: expert.id in allowed)
    return engine.match(demand_from(record), k, keep=keep, respect_capacity=not include_full)


def no_fit_advice(
    engine: MatchingEngine,
    record: DemandRecord,
    result: MatchResult,
    *,
    batch: str | None = None,
    centre: str | None = None,
    institution: str | None = None,
) -> list[str]:
    """Return what an officer can do when nobody fits ``record``, in Chinese, best first.

    ``result`` is :func:`recommend`'s answer for the same filters; nothing when it found
    someone who fits. Otherwise: research outcomes that fit; when the search was limited to a
    batch, centre or institution, whether someone outside the limit fits; and which
    disciplines to ask the dispatching institutions for, with the institutions whose
    commissioners work in them.
    """
    if not result.no_fit:
        return []
    filtered = bool(batch or centre or institution)
    advice: list[str] = []
    outcomes = recommend_outcomes(record, 3)
    if outcomes:
        titles = "、".join(f"《{match.title}》" for match in outcomes)
        advice.append(f"可对接的科技成果：{titles}。")
    if filtered:
        wider = engine.match(demand_from(record), 3, explain=False)
        if not wider.no_fit and wider.recommendations:
            people = commissioners_by_id([item.expert_id for item in wider.recommendations])
            names = "、".join(
                people[item.expert_id].name
                for item in wider.recommendations
                if item.expert_id in people
            )
            advice.append(f"不限批次、中心和单位时有合适人选：{names}。")
    disciplines = engine.demand_disciplines(demand_from(record))
    if disciplines:
        fields = "、".join(disciplines)
        institutions = engine.institutions_in(disciplines)
        where = f"，如{'、'.join(institutions)}" if institutions else ""
        advice.append(f"建议向派出单位征集{fields}方向的专家{where}。")
    return advice


class ConflictOfInterest(Exception):
    """The engine bars this pair: a declared conflict, or the commissioner works there."""


def explain_pair(
    demand: DemandRecord, commissioner: Commissioner, engine: MatchingEngine | None = None
) -> tuple[float, str, list[str]]:
    """Return the engine's score, explanation text and matched terms for one pair.

    ``engine`` defaults to the process-wide one. Raises ConflictOfInterest (with a Chinese
    message) when the engine bars the pair: a declared conflict of interest, or the
    commissioner works for the enterprise. A commissioner the engine has not indexed (or who
    shares nothing with the demand) scores 0 with no explanation.
    """
    engine = engine if engine is not None else shared_engine()
    query = demand_from(demand)
    expert = engine.experts.get(str(commissioner.pk))
    if (
        expert is not None
        and query.enterprise
        and (query.enterprise in expert.conflicts or query.enterprise == expert.institution)
    ):
        raise ConflictOfInterest(
            _("特派员“%(name)s”与企业“%(enterprise)s”存在利益冲突，不能推荐对接")
            % {"name": commissioner.name, "enterprise": query.enterprise}
        )
    found = engine.pair(query, str(commissioner.pk))
    if found is None or found.explanation is None:
        return 0.0, "", []
    return found.score, found.explanation.text, list(found.explanation.matched_terms)


# Below these fused scores the demo data's best match was from another industry (an outcome
# about air-cooled condensers for a coal-slurry demand scored 0.147; true pairs 0.16–0.27), so
# a shorter honest list beats a padded one.
OUTCOME_MIN_SCORE = 0.15
DEMAND_MIN_SCORE = 0.10


def recommend_outcomes(
    record: DemandRecord,
    k: int = 5,
    *,
    min_score: float = OUTCOME_MIN_SCORE,
    confident_only: bool = True,
) -> list[CatalogMatch]:
    """Return the research outcomes (路演成果) that best fit a demand, with explanations.

    By default only outcomes the engine is confident about (none when it judges that no
    outcome fits), scoring at least ``min_score``.
    """
    demand = replace(demand_from(record), enterprise="")  # an outcome has no employer conflict
    found = catalogs.recommend(OUTCOMES, demand, k, confident_only=confident_only)
    return [match for match in found if match.score >= min_score]


def recommend_demands(
    commissioner: Commissioner,
    k: int = 10,
    *,
    min_score: float = DEMAND_MIN_SCORE,
) -> list[CatalogMatch]:
    """Return the open demands (已发布/对接中) that best fit a commissioner, with explanations.

    Demands of the commissioner's employer and of enterprises they declared a conflict with
    are left out. The open-demand index finds the candidates; each is then scored and
    explained by the process-wide commissioner engine exactly as the demand's matching page
    scores the pair, so the same pair shows the same score and wording on every page.
    """
    engine = shared_engine()
    person = commissioner_queryset().get(pk=commissioner.pk)
    expert = expert_from(person)
    barred = {expert.institution, *expert.conflicts}
    found = catalogs.recommend(
        OPEN_DEMANDS,
        expert_query(person),
        3 * k,
        keep=lambda document: document.institution not in barred,
    )
    records = DemandRecord.objects.select_related("enterprise").in_bulk(
        [match.id for match in found]
    )
    rescored: list[CatalogMatch] = []
    for match in found:
        record = records.get(match.id)
        if record is None:
            continue
        try:
            score, text, terms = explain_pair(record, person, engine)
        except ConflictOfInterest:
            continue
        if score >= min_score:
            rescored.append(
                replace(match, score=score, explanation_text=text, matched_terms=tuple(terms))
            )
    rescored.sort(key=lambda match: (-match.score, match.id))
    return rescored[:k]


def team_skills(engine: MatchingEngine, record: DemandRecord) -> list[str]:
    """Return the skills a team for ``record`` must cover: its 所需技能, else its technical
    terms (never everyday words; :meth:`MatchingEngine.skill_terms`)."""
    return engine.skill_terms(demand_from(record))


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
    from tepai.matching import TeamCandidate, assemble_team

    demand = demand_from(record)
    skills = team_skills(engine, record)
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


def commissioners_by_id(ids: list[str]) -> dict[str, Commissioner]:
    return {str(c.pk): c for c in Commissioner.objects.filter(pk__in=[int(i) for i in ids])}
