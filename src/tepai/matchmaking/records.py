"""Converting the platform's records into the matching engine's plain dataclasses."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from tepai.commissioners.models import Commissioner, WorkItem
from tepai.core.choices import IndustryCluster
from tepai.demands.models import Demand as DemandRecord
from tepai.matching import Demand, Expert
from tepai.matching import WorkItem as EngineWorkItem


def commissioner_queryset() -> QuerySet[Commissioner]:
    """Return commissioners with everything the engine needs, in a fixed number of queries."""
    return Commissioner.objects.select_related("institution").prefetch_related(
        Prefetch("work_items", queryset=WorkItem.objects.order_by("id")),
        "centres",
        "teams",
        "projects__enterprise",
        "activities__enterprises",
    )


def _cluster_label(code: str) -> str:
    return str(IndustryCluster(code).label) if code in IndustryCluster.values else code


def expert_from(commissioner: Commissioner) -> Expert:
    """Return the engine's view of a commissioner."""
    clusters = {_cluster_label(c.cluster) for c in commissioner.centres.all() if c.cluster}
    clusters |= {_cluster_label(t.cluster) for t in commissioner.teams.all() if t.cluster}
    # Enterprises are identified by name on both sides, so the engine can also tell when an
    # expert works for the enterprise itself (institution == enterprise name).
    enterprises = {p.enterprise.name for p in commissioner.projects.all() if p.enterprise_id}
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
