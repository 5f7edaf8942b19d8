"""Programme KPIs counted from project, contract and activity records, for any period.

Nothing here is stored: every figure is recomputed from the records, and each comes with the
ids of the records it counted so that a number in a report can be traced and checked.

A report covers a :class:`~tepai.reports.periods.Period` (records dated in it: work records
by 日期, projects and contracts by 签约日期; ``None`` for all time) and a scope: a batch (by
:mod:`tepai.reports.attribution`, the commissioners' membership at the record's date), an
innovation centre and a dispatching institution (of the record's commissioners) and an
industry cluster (of the enterprise served). :func:`compare_kpis` sets a period beside the
previous one and the same period a year earlier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from tepai.activities.models import Activity, ActivityKind
from tepai.core.choices import IndustryCluster
from tepai.enterprises.models import Enterprise
from tepai.institutions.models import Institution
from tepai.programs.models import Batch, InnovationCentre
from tepai.projects.models import CONTRACT_KINDS, PROVINCIAL_OR_HIGHER, Project, ProjectKind
from tepai.reports.attribution import attributed, commissioner_link
from tepai.reports.numbers import Style, idiomatic
from tepai.reports.periods import Period, PeriodError, within


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

# The work-record KPIs and the kind of record whose 数量 each adds up; the other three count
# projects (led, contracts) and enterprises served. Used wherever a KPI is counted.
SUMMED_ACTIVITY_KINDS: dict[str, ActivityKind] = {
    "varieties_introduced": ActivityKind.VARIETY,
    "local_staff_trained": ActivityKind.TRAINING,
    "visit_person_times": ActivityKind.VISIT,
    "investment_delegations": ActivityKind.INVESTMENT,
    "projects_landed": ActivityKind.LANDING,
}


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
    """Every KPI for one period and scope; ``period=None`` is all time (累计)."""

    batch: Batch | None
    figures: dict[str, KpiFigure]
    variety_examples: list[str]
    period: Period | None = None
    centre: InnovationCentre | None = None
    cluster: str | None = None
    institution: Institution | None = None

    @property
    def scope_label(self) -> str:
        """Return who the figures cover, in Chinese: "第二批·浙江大学" or "全部批次"."""
        parts = [
            self.batch.name if self.batch else "",
            self.centre.name if self.centre else "",
            self.institution.name if self.institution else "",
            cluster_label(self.cluster) if self.cluster else "",
        ]
        return "·".join(part for part in parts if part) or "全部批次"

    def narrative(self) -> str:
        """Return the KPIs as one paragraph in the official style of programme bulletins.

        All time: "第二批科技特派员累计主持…"; a period: "2024年第二季度，第二批科技特派员
        主持…". Chinese whatever the interface language: it is the text of an official document.
        """
        f = self.figures
        subject = "科技特派员"
        if self.institution:
            subject = f"{self.institution.name}派出的{subject}"
        if self.centre:
            subject = f"{self.centre.name}{subject}"
        if self.batch:
            subject = f"{self.batch.name}{subject}"
        if self.cluster:
            subject += f"在{cluster_label(self.cluster)}产业"
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
        if not any(figure.value for figure in f.values()):
            # Eight zeros ("累计主持…0项，签订…0份…") read as a failure report; a batch that has
            # just set out (or a quiet period) has simply nothing to count yet.
            when = "" if self.period is None else f"{chinese_label(self.period)}，"
            return f"{when}{subject}暂无计入工作成效的项目合同和工作记录。"
        if self.period is None:
            return f"{subject}累计" + "，".join(clauses) + "。"
        return f"{chinese_label(self.period)}，{subject}" + "，".join(clauses) + "。"

    def values(self) -> dict[str, int]:
        """Return each KPI's value by key, in the order of :data:`KPI_DEFINITIONS`."""
        return {key: figure.value for key, figure in self.figures.items()}

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"batch": self.batch.name if self.batch else None}
        data["period"] = period_dict(self.period)
        data["scope"] = {
            "batch": self.batch.name if self.batch else None,
            "centre": self.centre.name if self.centre else None,
            "cluster": self.cluster,
            "institution": self.institution.name if self.institution else None,
            "label": self.scope_label,
        }
        for key, figure in self.figures.items():
            data[key] = figure.value
        data["records"] = {key: figure.records for key, figure in self.figures.items()}
        data["phrases"] = {key: figure.phrase for key, figure in self.figures.items()}
        data["definitions"] = {d.key: d.definition for d in KPI_DEFINITIONS}
        data["narrative"] = self.narrative()
        return data


def chinese_label(period: Period) -> str:
    """Return the period as a Chinese document names it, whatever the interface language."""
    with translation.override("zh-hans"):
        return period.label


def period_dict(period: Period | None) -> dict[str, str | None]:
    """Return ``period`` for JSON: ``{"from", "to", "label"}`` (all time: no dates, 累计)."""
    if period is None:
        return {"from": None, "to": None, "label": "累计"}
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "label": chinese_label(period),
    }


def cluster_label(code: str) -> str:
    """Return the Chinese name of industry cluster ``code`` (the code itself if unknown)."""
    with translation.override("zh-hans"):
        return str(dict(IndustryCluster.choices).get(code, code))


# Unordered queries: the ids are sorted here, and an ORDER BY would make the database sort
# every row of a large programme first (the dashboard computes these on each view).
def _ids(queryset: QuerySet[Any]) -> list[int]:
    return sorted(queryset.order_by().values_list("pk", flat=True))


def _activity_sum(activities: QuerySet[Activity], kind: str) -> tuple[int, list[int]]:
    rows = list(activities.filter(kind=kind).order_by().values_list("pk", "quantity"))
    return sum(quantity for _, quantity in rows), sorted(pk for pk, _ in rows)


def _scoped(
    queryset: QuerySet[Any],
    centre: InnovationCentre | None,
    cluster: str | None,
    institution: Institution | None,
) -> QuerySet[Any]:
    """Return the records one of whose commissioners is in ``centre`` / from ``institution``,
    and whose enterprise (a work record: one of its enterprises) is in ``cluster``."""
    model: type[Model] = queryset.model
    link = commissioner_link(model)._base_manager
    mine = f"{model._meta.model_name}_id"
    if centre is not None:
        queryset = queryset.filter(pk__in=link.filter(commissioner__centres=centre).values(mine))
    if institution is not None:
        queryset = queryset.filter(
            pk__in=link.filter(commissioner__institution=institution).values(mine)
        )
    if cluster is not None:
        if model is Project:
            queryset = queryset.filter(enterprise__cluster=cluster)
        else:
            served = Activity.enterprises.through._base_manager
            queryset = queryset.filter(
                pk__in=served.filter(enterprise__cluster=cluster).values("activity_id")
            )
    return queryset


def figures_over(
    projects: QuerySet[Project], activities: QuerySet[Activity], cluster: str | None = None
) -> dict[str, KpiFigure]:
    """Return the eight KPIs counted over ``projects`` (confirmed ones: ``counted()``) and
    ``activities``, in :data:`KPI_DEFINITIONS` order, each with the ids of what it counted.

    The one computation behind the programme's figures (:func:`kpi_report`) and a
    commissioner's own (:func:`tepai.engagements.kpi.contribution`). With ``cluster``, only
    enterprises of that cluster count as benefited.
    """
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
    for key, kind in SUMMED_ACTIVITY_KINDS.items():
        total, ids = _activity_sum(activities, kind)
        figures[key] = KpiFigure(definitions[key], total, {"activities": ids})

    service = activities.filter(kind=ActivityKind.ENTERPRISE_SERVICE)
    served = Enterprise.objects.filter(
        pk__in=Activity.enterprises.through._base_manager.filter(
            activity_id__in=service.values("pk")
        ).values("enterprise_id")
    )
    if cluster is not None:
        served = served.filter(cluster=cluster)
    enterprise_ids = _ids(served)
    figures["enterprises_benefited"] = KpiFigure(
        definitions["enterprises_benefited"],
        len(enterprise_ids),
        {"enterprises": enterprise_ids, "activities": _ids(service)},
    )
    return {d.key: figures[d.key] for d in KPI_DEFINITIONS}


def kpi_report(
    batch: Batch | None = None,
    period: Period | None = None,
    *,
    centre: InnovationCentre | None = None,
    cluster: str | None = None,
    institution: Institution | None = None,
) -> KpiReport:
    """Return the programme KPIs for ``period`` (None: all time) within a scope.

    ``batch`` counts the records that belong to it by :func:`~tepai.reports.attribution.
    attributed`; ``centre`` and ``institution`` those with a commissioner of that centre or
    from that institution; ``cluster`` (an :class:`IndustryCluster` code) those serving an
    enterprise of that cluster, whose enterprises alone then count as benefited. Raises
    ValueError for an unknown cluster code.
    """
    if cluster is not None and cluster not in IndustryCluster.values:
        raise ValueError(f"unknown industry cluster {cluster!r}")
    projects = within(
        _scoped(attributed(Project.objects.counted(), batch), centre, cluster, institution),
        "signed_on",
        period,
    )
    activities = within(
        _scoped(attributed(Activity.objects.all(), batch), centre, cluster, institution),
        "date",
        period,
    )

    ordered = figures_over(projects, activities, cluster)
    examples = [
        notes
        for notes in activities.filter(kind=ActivityKind.VARIETY)
        .order_by("date", "id")
        .values_list("notes", flat=True)[:3]
        if notes
    ]
    return KpiReport(
        batch,
        ordered,
        [_variety_name(n) for n in examples],
        period=period,
        centre=centre,
        cluster=cluster,
        institution=institution,
    )


def _variety_name(notes: str) -> str:
    """Return the variety named at the start of an activity note ("金线莲：…" → "金线莲")."""
    for separator in ("：", ":", "，", ",", "。", " "):
        notes = notes.split(separator, 1)[0]
    return notes[:12]


# ----- comparison ----------------------------------------------------------------------------
@dataclass(frozen=True)
class KpiChange:
    """A KPI's value beside the same KPI in a comparison period."""

    value: int
    base: int

    @property
    def absolute(self) -> int:
        return self.value - self.base

    @property
    def percent(self) -> float | None:
        """Return the change in per cent of the base (one decimal), None when the base is 0."""
        if self.base == 0:
            return None
        return round((self.value - self.base) * 100 / self.base, 1)

    def to_dict(self) -> dict[str, int | float | None]:
        return {"base": self.base, "absolute": self.absolute, "percent": self.percent}


Against = str  # "previous" or "year_earlier"
COMPARISONS: tuple[tuple[Against, str], ...] = (
    ("previous", gettext_noop("上期")),
    ("year_earlier", gettext_noop("上年同期")),
)


@dataclass
class KpiComparison:
    """The KPIs of a period, of the period before it and of the same period a year earlier.

    ``previous`` and ``year_earlier`` are None for all time, and for a period whose
    comparison would fall outside the calendar tepai accepts.
    """

    current: KpiReport
    previous: KpiReport | None
    year_earlier: KpiReport | None

    def report(self, against: Against) -> KpiReport | None:
        if against not in ("previous", "year_earlier"):
            raise ValueError(f"unknown comparison {against!r}")
        return self.previous if against == "previous" else self.year_earlier

    def change(self, key: str, against: Against = "previous") -> KpiChange | None:
        """Return KPI ``key`` against the ``previous`` or ``year_earlier`` period (or None)."""
        base = self.report(against)
        if base is None:
            return None
        return KpiChange(self.current.figures[key].value, base.figures[key].value)

    def to_dict(self) -> dict[str, Any]:
        """Return the current report's dict (every key kept) plus the comparison periods.

        ``previous`` / ``year_earlier``: ``{"period": {...}, <kpi>: value…}`` or None;
        ``changes``: ``{<kpi>: {"previous": {"base", "absolute", "percent"}, "year_earlier":
        …}}`` (percent None when the base is 0).
        """
        data = self.current.to_dict()
        for against, _label in COMPARISONS:
            base = self.report(against)
            data[against] = (
                None if base is None else {"period": period_dict(base.period), **base.values()}
            )
        data["changes"] = {
            key: {
                against: (None if change is None else change.to_dict())
                for against, _label in COMPARISONS
                for change in [self.change(key, against)]
            }
            for key in self.current.figures
        }
        return data


def _no_comparison(current: KpiReport, against: Against) -> str:
    """Say why the period of ``current`` has no ``against`` period beside it."""
    assert current.period is not None
    batch = current.batch
    if batch is not None and comparison_period(current.period, against) is not None:
        return f"无（{batch.name}尚未派出）"
    return "无"


def comparison_period(
    period: Period, against: Against | str, batch: Batch | None = None
) -> Period | None:
    """Return the period ``period`` is set beside (``against``: "previous" or "year_earlier").

    None when there is nothing to compare with: the period would fall outside tepai's
    calendar (before 1949, an open-ended period), or it ends before ``batch`` set out — the
    zeros of a batch's time before its dispatch are no base for "增加" (its first quarter).
    """
    try:
        other = period.previous() if against == "previous" else period.year_earlier()
    except PeriodError:
        return None
    if batch is not None and other.end < batch.dispatch_date:
        return None
    return other


def compare_kpis(
    period: Period | None,
    batch: Batch | None = None,
    *,
    centre: InnovationCentre | None = None,
    cluster: str | None = None,
    institution: Institution | None = None,
) -> KpiComparison:
    """Return the KPIs of ``period`` beside the previous period and the same one a year earlier.

    Same scope for all three. ``period=None`` (all time) has nothing to compare with.
    """
    scope: dict[str, Any] = {"centre": centre, "cluster": cluster, "institution": institution}
    current = kpi_report(batch, period, **scope)
    others: dict[str, KpiReport | None] = {}
    for against, _label in COMPARISONS:
        other = None if period is None else comparison_period(period, against, batch)
        others[against] = None if other is None else kpi_report(batch, other, **scope)
    return KpiComparison(current, others["previous"], others["year_earlier"])


# ----- text ----------------------------------------------------------------------------------
def _signed(number: float) -> str:
    return f"+{number}" if number > 0 else str(number)


# The records a KPI counts, named in the report's Chinese text (the keys of
# ``KpiFigure.records`` are the registries' slugs, which read as English inside it).
RECORD_KINDS = {"projects": "项目合同", "activities": "工作记录", "enterprises": "企业"}


def format_kpi_report(report: KpiReport | KpiComparison) -> str:
    """Return the KPIs as text: a table with the counted records, then the narrative.

    Given a comparison, each KPI also shows the previous period's and the year-earlier figure
    and the change ("上期 2，+4，+200.0%"; "—" where the base is 0).
    """
    comparison = report if isinstance(report, KpiComparison) else None
    current = comparison.current if comparison else report
    assert isinstance(current, KpiReport)
    period = "累计" if current.period is None else chinese_label(current.period)
    lines = [f"工作成效（{current.scope_label}，{period}）"]
    if comparison:
        for against, label in COMPARISONS:
            base = comparison.report(against)
            if base is not None and base.period is not None:
                lines.append(f"  {label}：{chinese_label(base.period)}")
            elif current.period is not None:
                lines.append(f"  {label}：{_no_comparison(current, against)}")
    for key, figure in current.figures.items():
        counted = "，".join(
            f"{RECORD_KINDS.get(name, name)} {len(ids)} 条" for name, ids in figure.records.items()
        )
        line = (
            f"  {figure.definition.label}：{figure.value} {figure.definition.unit}"
            f"（{figure.phrase}；依据 {counted}）"
        )
        for against, label in COMPARISONS if comparison else ():
            change = comparison.change(key, against) if comparison else None
            if change is not None:
                percent = "—" if change.percent is None else f"{_signed(change.percent)}%"
                line += f"｜{label} {change.base}，{_signed(change.absolute)}，{percent}"
        lines.append(line)
    lines.append("")
    lines.append(current.narrative())
    return "\n".join(lines)
