"""The charts of a document: the dashboard's charts, counted for the document's period and scope.

Each is drawn by :mod:`tepai.reports.documents.svg` (the functions behind the dashboard's
template tags) and kept as SVG; the Word renderer turns it into PNG.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from tepai.activities.models import Activity
from tepai.commissioners.models import Commissioner
from tepai.core.choices import IndustryCluster
from tepai.demands.models import Demand, DemandStatus
from tepai.enterprises.models import Enterprise
from tepai.outcomes.models import IntentStatus, Outcome
from tepai.programs.models import Batch, InnovationCentre
from tepai.projects.models import Project
from tepai.reports.attribution import attributed
from tepai.reports.documents import svg
from tepai.reports.documents.figures import Line
from tepai.reports.kpi import KpiReport
from tepai.reports.periods import Period, within


@dataclass(frozen=True)
class Bar:
    """One drawn number; documents link nowhere, so ``url`` is always None."""

    label: str
    value: int
    url: str | None = None


@dataclass(frozen=True)
class Series:
    name: str
    figures: list[Bar]


@dataclass(frozen=True)
class Chart:
    title: str
    groups: list[str]
    series: list[Series] = field(default_factory=list)


@dataclass(frozen=True)
class Drawn:
    """A chart ready for a document: its caption, a note on what it counts, and the SVG."""

    title: str
    note: str
    svg: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "note": self.note, "svg": self.svg}


def comparison_chart(kpi_lines: list[Line]) -> Drawn:
    """Return the KPIs of the period beside the previous period's (本期/上期)."""
    groups = [f"{line.label}（{line.unit}）" for line in kpi_lines]
    series = [
        Series("本期", [Bar(g, line.value) for g, line in zip(groups, kpi_lines, strict=True)])
    ]
    if any(line.previous is not None for line in kpi_lines):
        series.append(
            Series(
                "上期",
                [Bar(g, line.previous or 0) for g, line in zip(groups, kpi_lines, strict=True)],
            )
        )
    chart = Chart("工作成效指标", groups, series)
    return Drawn(
        "工作成效指标（本期与上期）", "本期与上一个同样长的时间段对比", svg.bar_chart(chart, 560)
    )


def _months(period: Period) -> list[str]:
    year, month, result = period.start.year, period.start.month, []
    while (year, month) <= (period.end.year, period.end.month):
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def _dates_of(report: KpiReport, key: str) -> list[tuple[datetime.date, int]]:
    records = report.figures[key].records
    if "projects" in records:
        rows = Project.objects.filter(pk__in=records["projects"]).values_list(
            "signed_on", flat=True
        )
        return [(day, 1) for day in rows]
    return list(
        Activity.objects.filter(pk__in=records.get("activities", [])).values_list(
            "date", "quantity"
        )
    )


def over_time(report: KpiReport, key: str, period: Period) -> Drawn:
    """Return one KPI of ``report`` month by month over ``period`` (by year beyond 24 months)."""
    months = _months(period)
    by_year = len(months) > 24
    slots = sorted({m[:4] for m in months}) if by_year else months
    totals: dict[str, int] = defaultdict(int)
    for day, quantity in _dates_of(report, key):
        totals[f"{day:%Y}" if by_year else f"{day:%Y-%m}"] += quantity
    definition = report.figures[key].definition
    bars = [Bar(slot, totals.get(slot, 0)) for slot in slots]
    chart = Chart(definition.label, slots, [Series(definition.label, bars)])
    title = f"{definition.label}（{definition.unit}，{'按年' if by_year else '按月'}）"
    return Drawn(title, "按签约日期或工作记录日期归入各月", svg.column_chart(chart, 560, 170))


def by_centre(batch: Batch | None, period: Period | None) -> Drawn:
    """Return members and the projects they signed in ``period`` per innovation centre."""
    centres = InnovationCentre.objects.order_by("name")
    if batch is not None:
        centres = centres.filter(batch=batch)
    members = Commissioner.objects.all()
    if batch is not None:
        members = members.filter(batches=batch)
    projects = within(attributed(Project.objects.counted(), batch), "signed_on", period)
    groups, member_bars, project_bars = [], [], []
    for centre in centres:
        groups.append(centre.name)
        member_bars.append(Bar(centre.name, members.filter(centres=centre).count()))
        signed = projects.filter(commissioners__centres=centre).distinct().count()
        project_bars.append(Bar(centre.name, signed))
    chart = Chart(
        "按创新中心", groups, [Series("成员", member_bars), Series("项目合同", project_bars)]
    )
    return Drawn(
        "按创新中心",
        "成员人数；成员参与、本期签订的项目合同数（一个项目有多个中心的成员时各计一次）",
        svg.bar_chart(chart, 560),
    )


def by_cluster(batch: Batch | None, period: Period | None) -> Drawn:
    """Return enterprises, demands and the period's projects per industry cluster."""
    projects = within(attributed(Project.objects.counted(), batch), "signed_on", period)

    def counts(rows: list[tuple[str, int]]) -> dict[str, int]:
        return dict(rows)

    enterprises = counts(list(Enterprise.objects.values_list("cluster").annotate(n=Count("pk"))))
    demands = counts(list(Demand.objects.values_list("cluster").annotate(n=Count("pk"))))
    signed = counts(
        list(projects.order_by().values_list("enterprise__cluster").annotate(n=Count("pk")))
    )
    groups = [(value, str(label)) for value, label in IndustryCluster.choices]
    names = [label for _, label in groups]
    chart = Chart(
        "按产业集群",
        names,
        [
            Series("企业", [Bar(label, enterprises.get(value, 0)) for value, label in groups]),
            Series("技术需求", [Bar(label, demands.get(value, 0)) for value, label in groups]),
            Series("项目合同", [Bar(label, signed.get(value, 0)) for value, label in groups]),
        ],
    )
    return Drawn(
        "按产业集群",
        "企业与技术需求为截至目前的全部记录；项目合同为本期签订的、按签约企业的产业集群统计",
        svg.bar_chart(chart, 560),
    )


def demand_funnel() -> tuple[Drawn, list[Bar]]:
    """Return the demand funnel: demands that reached 已发布, 对接中, 已签约, 已完成."""
    path = [
        DemandStatus.PUBLISHED,
        DemandStatus.MATCHING,
        DemandStatus.SIGNED,
        DemandStatus.COMPLETED,
    ]
    by_status = dict(Demand.objects.order_by().values_list("status").annotate(n=Count("pk")))
    steps = [
        Bar(str(status.label), sum(by_status.get(s.value, 0) for s in path[index:]))
        for index, status in enumerate(path)
    ]
    drawn = Drawn("技术需求对接漏斗", "截至目前各环节的需求数", svg.funnel(steps, 560))
    return drawn, steps


def outcome_funnel(batch: Batch | None) -> tuple[Drawn, list[Bar]]:
    """Return the roadshow funnel: outcomes shown, with an intent, signed, transferred."""
    outcomes = Outcome.objects.filter(roadshow_event__isnull=False)
    if batch is not None:
        outcomes = outcomes.filter(roadshow_event__batch=batch)
    stages = [
        ("路演", None),
        ("意向", [IntentStatus.INTENT, IntentStatus.SIGNED, IntentStatus.TRANSFERRED]),
        ("签约", [IntentStatus.SIGNED, IntentStatus.TRANSFERRED]),
        ("转化", [IntentStatus.TRANSFERRED]),
    ]
    steps = []
    for label, statuses in stages:
        chosen = outcomes if statuses is None else outcomes.filter(Q(intents__status__in=statuses))
        steps.append(Bar(label, chosen.distinct().count()))
    drawn = Drawn(
        "科技成果路演转化漏斗", "路演成果中已有合作意向、签约、转化的成果数", svg.funnel(steps, 560)
    )
    return drawn, steps
