"""Converting the platform's records into the matching engine's plain dataclasses."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils import translation

from tepai.commissioners.models import Commissioner, WorkItem
from tepai.core.choices import IndustryCluster
from tepai.demands.models import Demand as DemandRecord
from tepai.matching import Demand, Expert
from tepai.matching import WorkItem as EngineWorkItem
from tepai.outcomes.models import Outcome
from tepai.projects.models import ProjectStatus

# Projects that still take a commissioner's time count against their 同时对接上限.
ACTIVE_PROJECT_STATUSES = (ProjectStatus.SIGNED, ProjectStatus.IN_PROGRESS)


def commissioner_queryset() -> QuerySet[Commissioner]:
    """Return commissioners with everything the engine needs, in a fixed number of queries."""
    return Commissioner.objects.select_related("institution").prefetch_related(
        Prefetch("work_items", queryset=WorkItem.objects.order_by("id")),
        "centres",
        "teams",
        "projects__enterprise",
        "activities__enterprises",
        "declared_conflicts__enterprise",
    )


def _cluster_label(code: str) -> str:
    """Return the Chinese label of an industry-cluster code, whatever the request's language.

    The label is what the engine compares and prints in its (Chinese) explanations; built
    in the current language, an English page compared "Cotton and textiles" with a profile
    indexed as 棉花和纺织服装, and the same commissioner saw other recommendations.
    """
    if code not in IndustryCluster.values:
        return code
    with translation.override("zh-hans"):
        return str(IndustryCluster(code).label)


def expert_from(commissioner: Commissioner) -> Expert:
    """Return the engine's view of a commissioner."""
    clusters = {_cluster_label(c.cluster) for c in commissioner.centres.all() if c.cluster}
    clusters |= {_cluster_label(t.cluster) for t in commissioner.teams.all() if t.cluster}
    # Enterprises are identified by name on both sides, so the engine can also tell when an
    # expert works for the enterprise itself (institution == enterprise name).
    enterprises = {
        p.enterprise.name for p in commissioner.projects.all() if p.enterprise is not None
    }
    for activity in commissioner.activities.all():
        enterprises |= {e.name for e in activity.enterprises.all()}
    return Expert(
        id=str(commissioner.pk),
        name=commissioner.name,
        title=commissioner.title,
        institution=commissioner.institution.name,
        profile=commissioner.bio,
        fields=tuple(commissioner.research_fields),
        items=tuple(
            EngineWorkItem(item.title, item.text, item.kind)
            for item in commissioner.work_items.all()
        ),
        clusters=tuple(sorted(clusters)),
        enterprises=tuple(sorted(enterprises)),
        conflicts=tuple(sorted(c.enterprise.name for c in commissioner.declared_conflicts.all())),
        load=sum(1 for p in commissioner.projects.all() if p.status in ACTIVE_PROJECT_STATUSES),
        max_load=commissioner.max_load,
    )


def experts_from(commissioners: Iterable[Commissioner]) -> list[Expert]:
    return [expert_from(commissioner) for commissioner in commissioners]


def demand_from(record: DemandRecord) -> Demand:
    """Return the engine's view of a technology demand."""
    text = "\n".join(
        piece for piece in (record.problem, record.current_solution, record.target) if piece
    )
    return Demand(
        id=str(record.pk),
        title=record.title,
        text=text,
        skills=tuple(record.required_skills),
        cluster=_cluster_label(record.cluster) if record.cluster else "",
        enterprise=record.enterprise.name,
    )


def outcome_queryset() -> QuerySet[Outcome]:
    return Outcome.objects.select_related("institution").prefetch_related("owners")


def outcome_document(outcome: Outcome) -> Expert:
    """Return a research outcome shaped as a rankable record (the engine ranks any Expert)."""
    owners = "、".join(owner.name for owner in outcome.owners.all())
    return Expert(
        id=str(outcome.pk),
        name=outcome.title,
        institution=outcome.institution.name if outcome.institution is not None else "",
        profile=" ".join(
            piece for piece in (outcome.description, outcome.intellectual_property) if piece
        ),
        fields=(outcome.title,),
        clusters=(_cluster_label(outcome.cluster),) if outcome.cluster else (),
        tags=(owners,) if owners else (),
    )


def demand_document(record: DemandRecord) -> Expert:
    """Return a demand shaped as a rankable record, to find demands for an expert."""
    query = demand_from(record)
    return Expert(
        id=query.id,
        name=record.title,
        institution=record.enterprise.name,
        profile=query.text,
        fields=(record.title, *query.skills),
        clusters=(query.cluster,) if query.cluster else (),
    )


def expert_query(commissioner: Commissioner) -> Demand:
    """Return a commissioner's profile as a query, to rank demands for them.

    ``enterprise`` stays empty: the commissioner's own employer is excluded by the caller.
    """
    expert = expert_from(commissioner)
    items = " ".join(f"{item.title} {item.text}" for item in expert.items)
    return Demand(
        id=expert.id,
        title=" ".join(expert.fields),
        text=" ".join(piece for piece in (expert.profile, items) if piece),
        cluster=expert.clusters[0] if len(expert.clusters) == 1 else "",
    )
