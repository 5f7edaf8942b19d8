"""Programme KPIs counted from project, contract and activity records.

Nothing here is stored: every figure is recomputed from the records, and each comes with the
ids of the records it counted so that a number in a report can be traced and checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_noop

from tepai.activities.models import Activity, ActivityKind
from tepai.enterprises.models import Enterprise
from tepai.programs.models import Batch
from tepai.projects.models import CONTRACT_KINDS, PROVINCIAL_OR_HIGHER, Project, ProjectKind
from tepai.reports.numbers import Style, idiomatic


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI: its JSON key, its Chinese name, the unit and phrasing its narrative uses."""

    key: str
    label: str
    unit: str
    definition: str
    style: Style = "余"

    # label/unit stay Chinese: the official narrative is Chinese in every interface language.
    # Pages show these, translated into the active language.
    @property
    def display_label(self) -> str:
        return gettext(self.label)

    @property
    def display_unit(self) -> str:
        return gettext(self.unit)

    @property
    def display_definition(self) -> str:
        return gettext(self.definition)


KPI_DEFINITIONS: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        "provincial_projects_led",
        gettext_noop("主持省部级以上项目"),
        gettext_noop("项"),
        gettext_noop("类型为科研项目、级别为国家级或省部级、由特派员主持的项目数"),
    ),
    KpiDefinition(
        "service_contracts",
        gettext_noop("签订技术服务合同"),
        gettext_noop("份"),
        gettext_noop("技术服务、技术开发、技术转让合同的份数"),
    ),
    KpiDefinition(
        "varieties_introduced",
        gettext_noop("引进新品种"),
        gettext_noop("个"),
        gettext_noop("“品种引进”工作记录的数量之和"),
    ),
    KpiDefinition(
        "local_staff_trained",
        gettext_noop("培训帮带本地人才"),
        gettext_noop("人"),
        gettext_noop("“培训帮带”工作记录的数量（人数）之和"),
    ),
    KpiDefinition(
        "visit_person_times",
        gettext_noop("入疆服务"),
        gettext_noop("人次"),
        gettext_noop("“入疆服务”工作记录的数量（人次）之和"),
        style="超",
    ),
    KpiDefinition(
        "enterprises_benefited",
        gettext_noop("惠及企业"),
        gettext_noop("家"),
        gettext_noop("“企业服务”工作记录中列出的不同企业数"),
    ),
    KpiDefinition(
        "investment_delegations",
        gettext_noop("引进招商考察团"),
        gettext_noop("批次"),
        gettext_noop("“招商考察”工作记录的数量（批次）之和"),
    ),
    KpiDefinition(
        "projects_landed",
        gettext_noop("推动项目落地"),
        gettext_noop("个"),
        gettext_noop("“项目落地”工作记录的数量之和"),
    ),
)


@dataclass
class KpiFigure:
    definition: KpiDefinition
    value: int
    records: dict[str, list[int]] = field(default_factory=dict)

    @property
    def phrase(self) -> str:
        return idiomatic(self.value, self.definition.unit, self.definition.style)


@dataclass
class KpiReport:
    batch: Batch | None
    figures: dict[str, KpiFigure]
    variety_examples: list[str]

    def narrative(self) -> str:
        """Return the KPIs as one paragraph in the official style of programme bulletins."""
        f = self.figures
        subject = f"{self.batch.name}科技特派员" if self.batch else "科技特派员"
        varieties = f["varieties_introduced"].phrase
        if self.variety_examples and f["varieties_introduced"].value:
            varieties += f"（含{'、'.join(self.variety_examples)}等）"
        clauses = [
            f"主持省部级以上科研项目{f['provincial_projects_led'].phrase}",
            f"签订技术服务合同{f['service_contracts'].phrase}",
            f"引进试验示范新品种{varieties}",
            f"培训帮带本地技术人才{f['local_staff_trained'].phrase}",
            f"开展入疆服务{f['visit_person_times'].phrase}",
            f"服务惠及企业{f['enterprises_benefited'].phrase}",
            f"引进招商考察团{f['investment_delegations'].phrase}",
            f"推动项目落地{f['projects_landed'].phrase}",
        ]
        return f"{subject}累计" + "，".join(clauses) + "。"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"batch": self.batch.name if self.batch else None}
        for key, figure in self.figures.items():
            data[key] = figure.value
        data["records"] = {key: figure.records for key, figure in self.figures.items()}
        data["phrases"] = {key: figure.phrase for key, figure in self.figures.items()}
        data["definitions"] = {d.key: d.definition for d in KPI_DEFINITIONS}
        data["narrative"] = self.narrative()
        return data


# Unordered queries: the ids are sorted here, and an ORDER BY would make the database sort
# every row of a large programme first (the dashboard computes these on each view).
def _ids(queryset: QuerySet[Any]) -> list[int]:
    return sorted(queryset.order_by().values_list("pk", flat=True))


def _activity_sum(activities: QuerySet[Activity], kind: str) -> tuple[int, list[int]]:
    rows = list(activities.filter(kind=kind).order_by().values_list("pk", "quantity"))
    return sum(quantity for _, quantity in rows), sorted(pk for pk, _ in rows)


def kpi_report(batch: Batch | None = None) -> KpiReport:
    """Return the programme KPIs, for one batch or (``batch=None``) for the whole programme."""
    projects = Project.objects.all()
    activities = Activity.objects.all()
    if batch is not None:
        projects = projects.filter(batch=batch)
        activities = activities.filter(batch=batch)

    figures: dict[str, KpiFigure] = {}
    definitions = {d.key: d for d in KPI_DEFINITIONS}

    led = projects.filter(
        kind=ProjectKind.RESEARCH, level__in=PROVINCIAL_OR_HIGHER, led_by_commissioner=True
    )
    led_ids = _ids(led)
    figures["provincial_projects_led"] = KpiFigure(
        definitions["provincial_projects_led"], len(led_ids), {"projects": led_ids}
    )
    contract_ids = _ids(projects.filter(kind__in=CONTRACT_KINDS))
    figures["service_contracts"] = KpiFigure(
        definitions["service_contracts"], len(contract_ids), {"projects": contract_ids}
    )
    for key, kind in (
        ("varieties_introduced", ActivityKind.VARIETY),
        ("local_staff_trained", ActivityKind.TRAINING),
        ("visit_person_times", ActivityKind.VISIT),
        ("investment_delegations", ActivityKind.INVESTMENT),
        ("projects_landed", ActivityKind.LANDING),
    ):
        total, ids = _activity_sum(activities, kind)
        figures[key] = KpiFigure(definitions[key], total, {"activities": ids})

    service = activities.filter(kind=ActivityKind.ENTERPRISE_SERVICE)
    enterprise_ids = _ids(Enterprise.objects.filter(activities__in=service).distinct())
    figures["enterprises_benefited"] = KpiFigure(
        definitions["enterprises_benefited"],
        len(enterprise_ids),
        {"enterprises": enterprise_ids, "activities": _ids(service)},
    )
    ordered = {d.key: figures[d.key] for d in KPI_DEFINITIONS}
    examples = [
        notes
        for notes in activities.filter(kind=ActivityKind.VARIETY)
        .order_by("date", "id")
        .values_list("notes", flat=True)[:3]
        if notes
    ]
    return KpiReport(batch, ordered, [_variety_name(n) for n in examples])


def _variety_name(notes: str) -> str:
    """Return the variety named at the start of an activity note ("金线莲：…" → "金线莲")."""
    for separator in ("：", ":", "，", ",", "。", " "):
        notes = notes.split(separator, 1)[0]
    return notes[:12]


def format_kpi_report(report: KpiReport) -> str:
    """Return the KPIs as text: a table with the counted records, then the narrative."""
    scope = report.batch.name if report.batch else "全部批次"
    lines = [f"工作成效（{scope}）"]
    for figure in report.figures.values():
        counted = "，".join(f"{name} {len(ids)} 条" for name, ids in figure.records.items())
        lines.append(
            f"  {figure.definition.label}：{figure.value} {figure.definition.unit}"
            f"（{figure.phrase}；依据 {counted}）"
        )
    lines.append("")
    lines.append(report.narrative())
    return "\n".join(lines)
