"""What the dashboard (总览) shows: KPIs, batch profile, charts and funnels, each number linked.

Every number here is a :class:`~tepai.web.figures.Figure` whose link opens the registry list of
exactly the records it counts; :meth:`Dashboard.figures` lists them all (the tests follow every
link and compare).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tepai.accounts.permissions import visible
from tepai.accounts.roles import Role, role_of
from tepai.activities.models import Activity
from tepai.commissioners.models import Commissioner, DatePrecision
from tepai.core.choices import Degree, IndustryCluster, TitleLevel
from tepai.core.cleaning import PartialDate, age_on
from tepai.demands.models import DemandStatus
from tepai.events.models import Event, EventKind
from tepai.outcomes.models import IntentStatus
from tepai.programs.models import Batch, InnovationCentre
from tepai.projects.models import ContractState
from tepai.reports.kpi import (
    COMPARISONS,
    KPI_DEFINITIONS,
    KpiChange,
    KpiFigure,
    KpiReport,
    comparison_period,
)
from tepai.reports.kpi import _variety_name as variety_name
from tepai.reports.numbers import one_decimal, percent
from tepai.reports.periods import Period, within
from tepai.web.figures import (
    KPI_TARGETS,
    SUMMED_KPIS,
    Figure,
    Params,
    Tally,
    count_figure,
    driver_date,
    driver_rows,
    grouped_figures,
    kpi_token,
    list_url,
    tally,
)
from tepai.web.kpi_days import KpiDays, covering, kpi_days


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
    period: Period | None = None
    overview: list[Figure] = field(default_factory=list)
    profile_note: str = ""
    kpis: list[Figure] = field(default_factory=list)
    kpi_links: bool = True
    narrative: str = ""
    kpi_charts: list[Chart] = field(default_factory=list)
    centre_chart: Chart | None = None
    cluster_chart: Chart | None = None
    demand_funnel: list[Figure] = field(default_factory=list)
    # Whose demands the funnel counts (all, the enterprise's own, published and mine).
    demand_scope: str = ""
    outcome_funnel: list[Figure] = field(default_factory=list)
    # Draft contracts (issue 11): agreed on the platform, not yet confirmed, so not in the
    # KPIs; shown apart, whatever the batch and period. None when the user sees none.
    drafts: Figure | None = None
    drafts_actionable: bool = False  # the user completes or confirms drafts (/contracts/)

    def figures(self) -> list[Figure]:
        """Return every figure on the page."""
        found = [*self.overview, *self.kpis, *self.demand_funnel, *self.outcome_funnel]
        if self.drafts is not None:
            found.append(self.drafts)
        found.extend(other for kpi in self.kpis for other in kpi.comparisons)
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


Birthdays = Counter[tuple[datetime.date | str, str]]


def average_age(batch: Batch) -> float | None:
    """Return the members' average age on the dispatch date, as ``batch_report`` computes it."""
    rows = (
        Commissioner.objects.filter(batches=batch)
        .order_by()
        .values_list(driver_date("birth_date"), "birth_date_precision")
    )
    return _average_age(Counter(driver_rows(rows)), batch.dispatch_date)


def _average_age(birthdays: Birthdays, on: datetime.date) -> float | None:
    """Return the average age on ``on`` of members counted per (birth date, its precision).

    Birth dates as the driver gives them (SQLite: ISO text), each distinct one once.
    """
    # Born before the dispatch year, a member is the difference of the years old, less one
    # while their birthday (or birth month) is still to come that year. age_on decides that
    # once per birthday rather than once per member (a batch has thousands of members but at
    # most 366 + 12 birthdays); members born in the dispatch year go through age_on whole.
    behind: dict[tuple[int, int | None], int] = {}
    total = count = 0
    for (raw, precision), members in birthdays.items():
        born = raw if isinstance(raw, datetime.date) else datetime.date.fromisoformat(raw)
        # As Commissioner.partial_birth_date: a month-precision birth date has no day.
        birthday = (born.month, None if precision == MONTH else born.day)
        years = on.year - born.year
        if years < 1:
            total += age_on(PartialDate(born.year, *birthday), on) * members
        else:
            if birthday not in behind:
                behind[birthday] = years - age_on(PartialDate(born.year, *birthday), on)
            total += (years - behind[birthday]) * members
        count += members
    return one_decimal(Decimal(total) / count) if count else None


def _profile(batch: Batch) -> tuple[list[Figure], str]:
    """Return the batch's profile figures (members, institutions, titles, degrees) and age.

    One read of the members for all of them (each read of a big batch's member rows costs
    ~10 ms on SQLite); commissioners and institutions are open to every role, so the
    figures equal what the lists they link to show any viewer.
    """
    members = {"batches": batch.pk}
    rows = Counter(
        driver_rows(
            Commissioner.objects.filter(batches=batch)
            .order_by()
            .values_list(
                "title_level",
                "degree",
                "institution_id",
                driver_date("birth_date"),
                "birth_date_precision",
            )
        )
    )
    by_title_and_degree: Counter[tuple[str | None, ...]] = Counter()
    birthdays: Birthdays = Counter()
    institutions = set()
    for (title_level, degree, institution, born, precision), n in rows.items():
        by_title_and_degree[title_level, degree] += n
        birthdays[born, precision] += n
        institutions.add(institution)
    # As tally() counts the commissioners list filtered by these two columns.
    counted = Tally("commissioners", members, ("title_level", "degree"), dict(by_title_and_degree))
    senior = [level.value for level in (TitleLevel.SENIOR, TitleLevel.VICE_SENIOR)]
    figures = [
        counted.figure(_("特派员")),
        Figure(_("派出单位"), len(institutions), list_url("institutions", {"batch": batch.pk})),
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
    age = _average_age(birthdays, batch.dispatch_date)
    if age is not None:
        note = _("平均年龄 %(age)s 岁（按派出日期 %(date)s 计）") % {
            "age": age,
            "date": batch.dispatch_date.isoformat(),
        }
    return shaped, note


def _dated(params: Params, period: Period | None) -> Params:
    """Return ``params`` plus the list's ``?from=&to=`` of ``period`` (all time: unchanged)."""
    if period is None:
        return dict(params)
    return {**params, "from": period.start.isoformat(), "to": period.end.isoformat()}


def _totals(user: Any, period: Period | None) -> list[Figure]:
    # Demands and projects are dated (published, signed); the registries of people and
    # organisations are counted as they stand.
    labels = (
        (_("特派员"), "commissioners", _("人"), False),
        (_("单位"), "institutions", _("家"), False),
        (_("企业"), "enterprises", _("家"), False),
        (_("技术需求"), "demands", _("项"), True),
        (_("科技成果"), "outcomes", _("项"), False),
        (_("项目合同"), "projects", _("项"), True),
    )
    result = []
    for label, slug, unit, dated in labels:
        figure = count_figure(user, label, slug, _dated({}, period) if dated else None)
        note = _("本期") if dated and period is not None else ""
        result.append(Figure(figure.label, figure.value, figure.url, unit=unit, note=note))
    return result


# Past this many bars a chart over time is drawn by a coarser step (month → quarter → year):
# at 36, one late record stretched the axis over 30 months of hairline bars (issue 11).
MAX_BARS = 24


def chart_periods(period: Period | None, days: list[datetime.date], by: str) -> list[Period]:
    """Return the bars of the KPI charts: the periods their values are counted over.

    All time: every month (``by="month"``) or year from the first to the last day with a
    record. A period: its days when it is a month or shorter, else its months, spanning the
    whole period (bars at either end clipped to it), so that an empty stretch shows as such.
    """
    if period is None:
        if not days:
            return []
        period = Period(days[0], days[-1])
        steps = ("month", "quarter", "year") if by == "month" else ("year",)
    elif period.days <= 31:
        return [
            Period(day, day)
            for day in (period.start + datetime.timedelta(n) for n in range(period.days))
        ]
    else:
        steps = ("month", "quarter", "year")
    for step in steps:
        bars = _calendar_steps(period, step)
        if len(bars) <= MAX_BARS or step == "year":
            return bars
    raise AssertionError("unreachable")


def _calendar_steps(period: Period, step: str) -> list[Period]:
    """Return the months, quarters or years ``period`` touches, each clipped to it."""
    result = []
    year, month = period.start.year, period.start.month
    while datetime.date(year, month, 1) <= period.end:
        if step == "month":
            whole = Period.month(year, month)
        elif step == "quarter":
            whole = Period.quarter(year, (month - 1) // 3 + 1)
        else:
            whole = Period.year(year)
        result.append(Period(max(whole.start, period.start), min(whole.end, period.end)))
        following = whole.end + datetime.timedelta(days=1)
        year, month = following.year, following.month
    return result


def _bar_label(bar: Period, step_days: bool) -> str:
    if step_days:
        return f"{bar.start:%m-%d}"
    kind = bar.kind
    if kind in ("month", "quarter", "year"):
        return bar.token
    # A month, quarter or year clipped at the period's ends keeps its calendar name.
    if bar.start.month == bar.end.month and bar.start.year == bar.end.year:
        return f"{bar.start:%Y-%m}"
    if bar.start.year == bar.end.year and (bar.end.month - bar.start.month) < 3:
        return f"{bar.start.year}-Q{(bar.start.month - 1) // 3 + 1}"
    return f"{bar.start.year}"


def _change_note(change: KpiChange) -> str:
    if change.percent is None:
        return "" if change.absolute == 0 else f"{change.absolute:+d}"
    return f"{change.percent:+.1f}%"


def _kpi_report(batch: Batch | None, period: Period | None, days: KpiDays) -> KpiReport:
    """Return the KPIs of ``period`` as a KpiReport (values only; no record ids)."""
    figures = {d.key: KpiFigure(d, days.value(d.key, period)) for d in KPI_DEFINITIONS}
    # As kpi_report: the notes of the period's first three variety records.
    first = days.first_varieties(period, 3)
    notes = dict(Activity.objects.filter(pk__in=first).values_list("pk", "notes"))
    examples = [variety_name(notes[pk]) for pk in first if notes.get(pk)]
    return KpiReport(batch, figures, examples, period=period)


def _kpi_section(
    dashboard: Dashboard,
    batch: Batch | None,
    period: Period | None,
    compared: dict[str, Period | None],
    days: KpiDays,
    links: bool,
) -> None:
    report = _kpi_report(batch, period, days)
    dashboard.narrative = report.narrative()
    dashboard.kpi_links = links

    def url(metric: str, within: Period | None) -> str | None:
        slug = KPI_TARGETS[metric][0]
        return list_url(slug, {"kpi": kpi_token(batch, metric, within)}) if links else None

    for key, figure in report.figures.items():
        measure = "quantity" if key in SUMMED_KPIS else "count"
        others = []
        for against, label in COMPARISONS:
            other = compared[against]
            if other is None:
                continue
            value = days.value(key, other)
            others.append(
                Figure(
                    f"{_(label)} {other.label}",
                    value,
                    url(key, other),
                    measure=measure,
                    note=_change_note(KpiChange(figure.value, value)),
                )
            )
        dashboard.kpis.append(
            Figure(
                figure.definition.display_label,
                figure.value,
                url(key, period),
                measure=measure,
                unit=figure.definition.display_unit,
                note=figure.definition.display_definition,
                comparisons=tuple(others),
            )
        )
    bars = chart_periods(period, days.days(), dashboard.granularity)
    by_day = period is not None and period.days <= 31
    labels = [_bar_label(bar, by_day) for bar in bars]
    for key, figure in report.figures.items():
        measure = "quantity" if key in SUMMED_KPIS else "count"
        values = days.series(key, bars)
        series = [
            Figure(label, value, url(key, bar), measure=measure)
            for label, bar, value in zip(labels, bars, values, strict=True)
        ]
        dashboard.kpi_charts.append(
            Chart(
                f"{figure.definition.display_label}（{figure.definition.display_unit}）",
                "",
                labels,
                [Series(figure.definition.display_label, series)],
            )
        )


def _centre_chart(user: Any, batch: Batch | None, period: Period | None) -> Chart:
    centres = visible(user, InnovationCentre.objects.all())
    if batch is not None:
        centres = centres.filter(batch=batch)
    groups = [(centre.pk, centre.name) for centre in centres.order_by("name")]
    members = grouped_figures(
        user, "commissioners", "centres", groups, _with_batch({}, batch, "batches")
    )
    projects = grouped_figures(
        user, "projects", "centre", groups, _dated(_with_batch({}, batch), period)
    )
    caption = _("成员人数；成员参与的项目合同数（一个项目有多个中心的成员时各计一次）")
    if period is not None:
        caption = _(
            "成员人数（现有）；本期签约、成员参与的项目合同数（一个项目有多个中心的成员时各计一次）"
        )
    return Chart(
        _("按创新中心"),
        caption,
        [name for _pk, name in groups],
        [Series(_("成员"), members), Series(_("项目合同"), projects)],
    )


def _cluster_chart(
    user: Any, batch: Batch | None, period: Period | None, days: KpiDays | None
) -> Chart:
    """Return the chart by industry cluster; ``days``: the projects, for users who see all."""
    groups = [(value, str(label)) for value, label in IndustryCluster.choices]
    enterprises = grouped_figures(user, "enterprises", "cluster", groups)
    demands = grouped_figures(user, "demands", "cluster", groups, _dated({}, period))
    signed = _dated(_with_batch({}, batch), period)
    if days is None:
        projects = grouped_figures(user, "projects", "enterprise_cluster", groups, signed)
    else:
        # The scope's projects were just counted per day and cluster (what the list shows
        # a user who sees every project).
        projects = [
            Figure(
                label,
                days.projects_in(str(value), period),
                list_url("projects", {**signed, "enterprise_cluster": str(value)}),
            )
            for value, label in groups
        ]
    caption = _("企业与技术需求为全部记录；项目合同按签约企业的产业集群统计")
    if period is not None:
        caption = _(
            "企业为全部记录；技术需求为本期发布的；项目合同为本期签约的，按签约企业的产业集群统计"
        )
    scope = _own_records_note(user)
    if scope:
        # The lists behind these figures show this user only their part: say which.
        caption = scope if period is None else f"{scope}；{_('需求与项目合同为本期的')}"
    return Chart(
        _("按产业集群"),
        caption,
        [label for _value, label in groups],
        [
            Series(_("企业"), enterprises),
            Series(_("技术需求"), demands),
            Series(_("项目合同"), projects),
        ],
    )


# What the figures of users who see only part of the records count (the lists behind them
# apply tepai.accounts.permissions.visible): whose demands the funnel counts, and the note of
# the chart by cluster. Administrators and auditors see everything.
_PART_SEEN: dict[Role | None, tuple[Promise, Promise]] = {
    Role.ENTERPRISE: (
        gettext_lazy("本企业的需求"),
        gettext_lazy("仅本企业的企业信息、技术需求和项目合同"),
    ),
    Role.COMMISSIONER: (
        gettext_lazy("已发布的需求及与我有关的需求"),
        gettext_lazy("企业为全部记录；技术需求为已发布的及与我有关的；项目合同为我参与的"),
    ),
}


def _own_records_note(user: Any) -> str:
    """Return which records the figures of a user who sees only part of them count ("" all)."""
    part = _PART_SEEN.get(role_of(user))
    return str(part[1]) if part else ""


def demand_scope(user: Any) -> str:
    """Return whose demands the demand funnel counts for ``user``."""
    part = _PART_SEEN.get(role_of(user))
    return str(part[0]) if part else _("全部需求")


def _demand_funnel(user: Any, period: Period | None) -> list[Figure]:
    path = [DemandStatus.PUBLISHED, DemandStatus.MATCHING, DemandStatus.SIGNED]
    path.append(DemandStatus.COMPLETED)
    by_status = tally(user, "demands", ("status",), _dated({}, period))
    steps = []
    for index, status in enumerate(path):
        reached = [s.value for s in path[index:]]
        steps.append(by_status.figure(str(status.label), status=reached))
    return steps


def _outcome_funnel(user: Any, batch: Batch | None, period: Period | None) -> list[Figure]:
    base = dict(_with_batch({"roadshow": "1"}, batch))
    if period is not None:
        # The outcomes shown at the roadshows held in the period.
        events = Event.objects.filter(kind=EventKind.ROADSHOW)
        if batch is not None:
            events = events.filter(batch=batch)
        shows = list(within(events, "date", period).order_by("pk").values_list("pk", flat=True))
        if not shows:
            labels = (_("路演"), _("意向"), _("签约"), _("转化"))
            return [Figure(label, 0, None) for label in labels]
        base["roadshow_event"] = shows
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


def build_dashboard(
    user: Any, batch: Batch | None, granularity: str = "month", period: Period | None = None
) -> Dashboard:
    """Return the dashboard of ``batch`` (None: the whole programme) as ``user`` may see it.

    ``period`` (None: all time) narrows every dated figure to records dated in it, and sets
    each KPI beside the previous period and the same period a year earlier; ``granularity``
    ("month" or "year") is the step of the charts over all time.
    """
    dashboard = Dashboard(
        list(Batch.objects.order_by("dispatch_date", "name")), batch, granularity, period
    )
    if batch is not None:
        dashboard.overview, dashboard.profile_note = _profile(batch)
    else:
        dashboard.overview = _totals(user, period)
    compared = {
        against: comparison_period(period, against, batch) if period else None
        for against, _label in COMPARISONS
    }
    # One pass over the scope's dated records for every KPI, comparison and bar.
    shown = [other for other in compared.values() if other is not None]
    days = kpi_days(batch, covering([period, *shown]) if period else None)
    sees_everything = _sees_everything(user)
    _kpi_section(dashboard, batch, period, compared, days, sees_everything)
    dashboard.centre_chart = _centre_chart(user, batch, period)
    dashboard.cluster_chart = _cluster_chart(user, batch, period, days if sees_everything else None)
    dashboard.demand_funnel = _demand_funnel(user, period)
    dashboard.demand_scope = demand_scope(user)
    dashboard.outcome_funnel = _outcome_funnel(user, batch, period)
    drafts = count_figure(user, _("待确认合同"), "projects", {"state": ContractState.DRAFT.value})
    dashboard.drafts = drafts if drafts.value else None
    dashboard.drafts_actionable = role_of(user) in (Role.ADMIN, Role.ENTERPRISE)
    return dashboard
