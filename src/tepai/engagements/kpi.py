"""One commissioner's contribution to the programme KPIs, counted as tepai.reports.kpi counts.

The programme figures count projects and activity records; a commissioner's share is the same
count over the records they are named on. A record shared by several commissioners counts in
full for each of them (the programme total counts it once), which is how the bulletins credit
team work.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tepai.activities.models import Activity, ActivityKind
from tepai.commissioners.models import Commissioner
from tepai.enterprises.models import Enterprise
from tepai.projects.models import CONTRACT_KINDS, PROVINCIAL_OR_HIGHER, Project, ProjectKind
from tepai.reports.kpi import KPI_DEFINITIONS, KpiFigure

# The activity kind each activity-based KPI sums, as in tepai.reports.kpi.kpi_report.
_SUMMED_KINDS = {
    "varieties_introduced": ActivityKind.VARIETY,
    "local_staff_trained": ActivityKind.TRAINING,
    "visit_person_times": ActivityKind.VISIT,
    "investment_delegations": ActivityKind.INVESTMENT,
    "projects_landed": ActivityKind.LANDING,
}


def _ids(queryset: QuerySet) -> list[int]:
    return sorted(queryset.values_list("pk", flat=True))


def contribution(commissioner: Commissioner) -> list[KpiFigure]:
    """Return the KPI figures counted over ``commissioner``'s projects and activities."""
    projects = Project.objects.counted().filter(commissioners=commissioner)
    activities = Activity.objects.filter(commissioners=commissioner)
    definitions = {d.key: d for d in KPI_DEFINITIONS}
    figures: dict[str, KpiFigure] = {}
    led = _ids(
        projects.filter(
            kind=ProjectKind.RESEARCH, level__in=PROVINCIAL_OR_HIGHER, led_by_commissioner=True
        )
    )
    figures["provincial_projects_led"] = KpiFigure(
        definitions["provincial_projects_led"], len(led), {"projects": led}
    )
    contracts = _ids(projects.filter(kind__in=CONTRACT_KINDS))
    figures["service_contracts"] = KpiFigure(
        definitions["service_contracts"], len(contracts), {"projects": contracts}
    )
    for key, kind in _SUMMED_KINDS.items():
        rows = list(activities.filter(kind=kind).values_list("pk", "quantity"))
        figures[key] = KpiFigure(
            definitions[key],
            sum(quantity for _, quantity in rows),
            {"activities": sorted(pk for pk, _ in rows)},
        )
    service = activities.filter(kind=ActivityKind.ENTERPRISE_SERVICE)
    served = _ids(Enterprise.objects.filter(activities__in=service).distinct())
    figures["enterprises_benefited"] = KpiFigure(
        definitions["enterprises_benefited"],
        len(served),
        {"enterprises": served, "activities": _ids(service)},
    )
    return [figures[d.key] for d in KPI_DEFINITIONS]
