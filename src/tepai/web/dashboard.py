"""What the dashboard (总览) shows: KPIs, batch profile, charts and funnels, each number linked.

Every number here is a :class:`~tepai.web.figures.Figure` whose link opens the registry list of
exactly the records it counts; :meth:`Dashboard.figures` lists them all (the tests follow every
link and compare).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from tepai.accounts.permissions import visible
from tepai.accounts.roles import Role, role_of
from tepai.commissioners.models import Commissioner, DatePrecision
from tepai.core.choices import Degree, IndustryCluster, TitleLevel
from tepai.core.cleaning import PartialDate, age_on
from tepai.demands.models import DemandStatus
from tepai.outcomes.models import IntentStatus
from tepai.programs.models import Batch, InnovationCentre
from tepai.reports.kpi import kpi_report
from tepai.reports.numbers import one_decimal, percent
from tepai.web.figures import (
    KPI_TARGETS,
    SUMMED_KPIS,
    Figure,
    Params,
    count_figure,
    grouped_figures,
    kpi_periods,
    kpi_token,
    list_url,
    tally,
)


@dataclass
class Series:
    """One coloured series of a chart: a figure per group."""

    name: str
    figures: list[Figure]


@dataclass
class Chart:
    """A bar chart: group labels (bars or rows) and one or more series over them."""

    title: str
    caption: str
    groups: list[str]
    series: list[Series]

    @property
    def empty(self) -> bool:
        return not any(f.value for s in self.series for f in s.figures)


@dataclass
class Dashboard:
    batches: list[Batch]
    batch: Batch | None
    granularity: str
    overview: list[Figure] = field(default_factory=list)
    profile_note: str = ""
    kpis: list[Figure] = field(default_factory=list)
    kpi_links: bool = True
    narrative: str = ""
    kpi_charts: list[Chart] = field(default_factory=list)
    centre_chart: Chart | None = None
    cluster_chart: Chart | None = None
    demand_funnel: list[Figure] = field(default_factory=list)
    outcome_funnel: list[Figure] = field(default_factory=list)

    def figures(self) -> list[Figure]:
        """Return every figure on the page."""
        found = [*self.overview, *self.kpis, *self.demand_funnel, *self.outcome_funnel]
        for chart in [*self.kpi_charts, self.centre_chart, self.cluster_chart]:
            if chart is not None:
                found.extend(f for s in chart.series for f in s.figures)
        return found


def _sees_everything(user: Any) -> bool:
    """KPIs count all records; only roles that see all of them get links to the lists."""
    return role_of(user) in (Role.ADMIN, Role.AUDITOR)


def _with_batch(params: Params, batch: Batch | None, param: str = "batch") -> Params:
    return {**params, param: batch.pk} if batch else dict(params)


MONTH = DatePrecision.MONTH


def average_age(batch: Batch) -> float | None:
    """Return the members' average age on the dispatch date, as ``batch_report`` computes it.

    Reads two columns instead of whole records: the dashboard must stay fast for big batches.
    """
    on = batch.dispatch_date
    rows = (
        Commissioner.objects.filter(batches=batch)
        .order_by()
        .values_list("birth_date", "birth_date_precision")
    )
    # Born before the dispatch year, a member is the difference of the years old, less one
    # while their birthday (or birth month) is still to come that year. age_on decides that
    # once per birthday rather than once per member (a batch has thousands of members but at
    # most 366 + 12 birthdays); members born in the dispatch year go through age_on whole.
    behind: dict[tuple[int, int | None], int] = {}
    total = count = 0
    for born, precision in rows:
        # As Commissioner.partial_birth_date: a month-precision birth date has no day.
        birthday = (born.month, None if precision == MONTH else born.day)
        years = on.year - born.year
        if years < 1:
            total += age_on(PartialDate(born.year, *birthday), on)
        else:
            if birthday not in behind:
                behind[birthday] = years - age_on(PartialDate(born.year, *birthday), on)
            total += years - behind[birthday]
        count += 1
    return one_decimal(Decimal(total) / count) if count else None


def _profile(user: Any, batch: Batch) -> tuple[list[Figure], str]:
    members = {"batches": batch.pk}
    senior = [level.value for level in (TitleLevel.SENIOR, TitleLevel.VICE_SENIOR)]
    # One grouped query for the three counts of members.
    counted = tally(user, "commissioners", ("title_level", "degree"), members)
    figures = [
        counted.figure(_("特派员")),
        count_figure(user, _("派出单位"), "institutions", {"batch": batch.pk}),
        counted.figure(_("高级职称"), title_level=senior),
        counted.figure(_("博士"), degree=Degree.DOCTORATE.value),
    ]
    units = [_("人"), _("家"), _("人"), _("人")]
    members_count = figures[0].value
    percents = [
        None,
        None,
        percent(figures[2].value, members_count),
        percent(figures[3].value, members_count),
    ]
    shaped = [
        Figure(
            f.label,
            f.value,
            f.url,
            unit=unit,
            note="" if percent is None else _("占 %(percent)s%%") % {"percent": percent},
        )
        for f, unit, percent in zip(figures, units, percents, strict=True)
    ]
    note = ""
    age = average_age(batch)
    if age is not None:
        note = _("平均年龄 %(age)s 岁（按派出日期 %(date)s 计）") % {
            "age": age,
            "date": batch.dispatch_date.isoformat(),
        }
    return shaped, note


def _totals(user: Any) -> list[Figure]:
    labels = (
        (_("特派员"), "commissioners", _("人")),
        (_("单位"), "institutions", _("家")),
        (_("企业"), "enterprises", _("家")),
        (_("技术需求"), "demands", _("项")),
        (_("科技成果"), "outcomes", _("项")),
        (_("项目合同"), "projects", _("项")),
    )
    result = []
    for label, slug, unit in labels:
        figure = count_figure(user, label, slug)
        result.append(Figure(figure.label, figure.value, figure.url, unit=unit))
    return result


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    result = []
    while f"{year:04d}-{month:02d}" <= last:
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def _kpi_section(dashboard: Dashboard, batch: Batch | None, granularity: str, links: bool) -> None:
    report = kpi_report(batch)
    dashboard.narrative = report.narrative()
    dashboard.kpi_links = links
    for key, figure in report.figures.items():
        slug = KPI_TARGETS[key][0]
        dashboard.kpis.append(
            Figure(
                figure.definition.display_label,
                figure.value,
                list_url(slug, {"kpi": kpi_token(batch, key)}) if links else None,
                measure="quantity" if key in SUMMED_KPIS else "count",
                unit=figure.definition.display_unit,
                note=figure.definition.display_definition,
            )
        )
    by_period = kpi_periods(report, granularity)
    periods = sorted({p for slices in by_period.values() for p in slices})
    if periods and granularity == "month":
        periods = _months_between(periods[0], periods[-1])
    elif periods:
        periods = [str(y) for y in range(int(periods[0]), int(periods[-1]) + 1)]
    for key, figure in report.figures.items():
        slug = KPI_TARGETS[key][0]
        bars = []
        for period in periods:
            found = by_period[key].get(period)
            params = {"kpi": kpi_token(batch, key), "period": period}
            bars.append(
                Figure(
                    period,
                    found.value if found else 0,
                    list_url(slug, params) if links else None,
                    measure="quantity" if key in SUMMED_KPIS else "count",
                )
            )
        dashboard.kpi_charts.append(
            Chart(
                f"{figure.definition.display_label}（{figure.definition.display_unit}）",
                "",
                periods,
                [Series(figure.definition.display_label, bars)],
            )
        )


def _centre_chart(user: Any, batch: Batch | None) -> Chart:
    centres = visible(user, InnovationCentre.objects.all())
    if batch is not None:
        centres = centres.filter(batch=batch)
    groups = [(centre.pk, centre.name) for centre in centres.order_by("name")]
    members = grouped_figures(
        user, "commissioners", "centres", groups, _with_batch({}, batch, "batches")
    )
    projects = grouped_figures(user, "projects", "centre", groups, _with_batch({}, batch))
    return Chart(
        _("按创新中心"),
        _("成员人数；成员参与的项目合同数（一个项目有多个中心的成员时各计一次）"),
        [name for _pk, name in groups],
        [Series(_("成员"), members), Series(_("项目合同"), projects)],
    )


def _cluster_chart(user: Any, batch: Batch | None) -> Chart:
    groups = [(value, str(label)) for value, label in IndustryCluster.choices]
    enterprises = grouped_figures(user, "enterprises", "cluster", groups)
    demands = grouped_figures(user, "demands", "cluster", groups)
    projects = grouped_figures(
        user, "projects", "enterprise_cluster", groups, _with_batch({}, batch)
    )
    return Chart(
        _("按产业集群"),
        _("企业与技术需求为全部记录；项目合同按签约企业的产业集群统计"),
        [label for _value, label in groups],
        [
            Series(_("企业"), enterprises),
            Series(_("技术需求"), demands),
            Series(_("项目合同"), projects),
        ],
    )


def _demand_funnel(user: Any) -> list[Figure]:
    path = [DemandStatus.PUBLISHED, DemandStatus.MATCHING, DemandStatus.SIGNED]
    path.append(DemandStatus.COMPLETED)
    by_status = tally(user, "demands", ("status",))
    steps = []
    for index, status in enumerate(path):
        reached = [s.value for s in path[index:]]
        steps.append(by_status.figure(str(status.label), status=reached))
    return steps


def _outcome_funnel(user: Any, batch: Batch | None) -> list[Figure]:
    base = _with_batch({"roadshow": "1"}, batch)
    stages = [
        (_("路演"), []),
        (_("意向"), [IntentStatus.INTENT, IntentStatus.SIGNED, IntentStatus.TRANSFERRED]),
        (_("签约"), [IntentStatus.SIGNED, IntentStatus.TRANSFERRED]),
        (_("转化"), [IntentStatus.TRANSFERRED]),
    ]
    steps = []
    for label, statuses in stages:
        params = {**base, "intent_status": [s.value for s in statuses]} if statuses else base
        steps.append(count_figure(user, label, "outcomes", params))
    return steps


def build_dashboard(user: Any, batch: Batch | None, granularity: str = "month") -> Dashboard:
    """Return the dashboard of ``batch`` (None: the whole programme) as ``user`` may see it."""
    dashboard = Dashboard(list(Batch.objects.order_by("dispatch_date", "name")), batch, granularity)
    if batch is not None:
        dashboard.overview, dashboard.profile_note = _profile(user, batch)
    else:
        dashboard.overview = _totals(user)
    _kpi_section(dashboard, batch, granularity, _sees_everything(user))
    dashboard.centre_chart = _centre_chart(user, batch)
    dashboard.cluster_chart = _cluster_chart(user, batch)
    dashboard.demand_funnel = _demand_funnel(user)
    dashboard.outcome_funnel = _outcome_funnel(user, batch)
    return dashboard
