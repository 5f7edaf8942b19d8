"""The dashboard: every number links to a list of exactly the records it counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from tepai.activities.models import ActivityKind
from tepai.commissioners.models import DatePrecision
from tepai.reports.batch_stats import batch_report
from tepai.reports.kpi import kpi_report
from tepai.reports.periods import Period, parse_token
from tepai.testing.factories import make_activity, make_project
from tepai.web.dashboard_figures import average_age, chart_periods
from tepai.web.figures import Figure
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db
D = datetime.date


def list_total(client: Client, figure: Figure) -> int:
    """Return what the linked list shows: its row count, or its 数量 total for summed KPIs."""
    assert figure.url is not None
    response = client.get(figure.url)
    assert response.status_code == 200, figure
    if figure.measure == "quantity":
        total: int = response.context["quantity_total"]
        return total
    count: int = response.context["paginator"].count
    return count


def board(client: Client, **params: Any) -> Any:
    response = client.get("/", params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("who", ["admin", "auditor", "commissioner", "enterprise"])
@pytest.mark.parametrize("scope", ["batch", "all"])
@pytest.mark.parametrize("period", ["", "2024-Q2"])
def test_it_links_every_figure_to_a_list_of_exactly_its_records(
    world: World, who: str, scope: str, period: str
) -> None:
    client = world.client(who)
    params = {"batch": world.batch.pk if scope == "batch" else "all"}
    response = board(client, **params, **({"period": period} if period else {}))
    figures = response.context["board"].figures()
    linked = [f for f in figures if f.url]
    assert len(linked) >= 40
    for figure in linked:
        assert list_total(client, figure) == figure.value, figure


def test_it_links_the_yearly_figures_too(world: World) -> None:
    client = world.client("admin")
    response = board(client, batch="all", by="year")
    charts = response.context["board"].kpi_charts
    assert [f.label for f in charts[0].series[0].figures] == ["2023", "2024"]
    for chart in charts:
        for figure in chart.series[0].figures:
            assert list_total(client, figure) == figure.value, figure


def test_it_shows_the_batch_kpis_as_counted_by_the_report(world: World) -> None:
    response = board(world.client("admin"), batch=world.batch.pk)
    shown = {f.label: f.value for f in response.context["board"].kpis}
    report = kpi_report(world.batch)
    assert shown == {f.definition.label: f.value for f in report.figures.values()}
    assert shown["培训帮带本地人才"] == 21
    assert shown["签订技术服务合同"] == 2
    assert shown["惠及企业"] == 2
    assert report.narrative() in response.content.decode()


def test_it_splits_kpis_by_month_with_links_per_month(world: World) -> None:
    client = world.client("admin")
    response = board(client, batch=world.batch.pk)
    charts = {c.series[0].name: c for c in response.context["board"].kpi_charts}
    training = {f.label: f for f in charts["培训帮带本地人才"].series[0].figures}
    assert list(training) == ["2024-05", "2024-06", "2024-07"]
    assert (training["2024-05"].value, training["2024-06"].value) == (12, 9)
    benefited = {f.label: f.value for f in charts["惠及企业"].series[0].figures}
    assert benefited == {"2024-05": 2, "2024-06": 1, "2024-07": 0}
    listed = client.get(training["2024-06"].url)
    assert [r.pk for r, _cells in listed.context["rows"]] == [world.activities["training_later"].pk]


def test_it_profiles_the_batch(world: World) -> None:
    world.colleague.birth_date = datetime.date(1990, 7, 1)
    world.colleague.birth_date_precision = DatePrecision.MONTH
    world.colleague.save()
    response = board(world.client("auditor"), batch=world.batch.pk)
    overview = {f.label: f for f in response.context["board"].overview}
    assert overview["特派员"].value == 2
    assert overview["高级职称"].value == 1
    assert overview["高级职称"].note == "占 50.0%"
    assert overview["博士"].value == 1
    report = batch_report(world.batch)
    assert average_age(world.batch) == report.average_age == 37.5
    assert f"平均年龄 {report.average_age} 岁" in response.content.decode()


def test_it_counts_the_demand_and_outcome_funnels(world: World) -> None:
    response = board(world.client("admin"), batch=world.batch.pk)
    dashboard = response.context["board"]
    assert [(f.label, f.value) for f in dashboard.demand_funnel] == [
        ("已发布", 4),
        ("对接中", 3),
        ("已签约", 2),
        ("已完成", 1),
    ]
    assert [f.value for f in dashboard.outcome_funnel] == [2, 2, 1, 1]


def test_an_enterprise_sees_the_funnel_of_its_own_demands(world: World) -> None:
    response = board(world.client("enterprise"))
    assert [f.value for f in response.context["board"].demand_funnel] == [2, 1, 0, 0]


@pytest.mark.parametrize("who", ["commissioner", "enterprise"])
def test_kpis_are_not_linked_for_users_who_see_only_their_own_records(
    world: World, who: str
) -> None:
    response = board(world.client(who), batch=world.batch.pk)
    dashboard = response.context["board"]
    assert all(f.url is None for f in dashboard.kpis)
    assert all(f.url is None for c in dashboard.kpi_charts for f in c.series[0].figures)
    assert "明细列表仅管理员和审计员可查看" in response.content.decode()


def test_every_nonzero_figure_is_drawn_as_a_link(world: World) -> None:
    response = board(world.client("admin"), batch=world.batch.pk)
    html = response.content.decode()
    assert "<svg" in html
    for figure in response.context["board"].figures():
        if figure.value:
            assert f'href="{escape(figure.url)}"' in html, figure


def test_it_shows_the_whole_programme(world: World) -> None:
    response = board(world.client("admin"), batch="all")
    overview = {f.label: f.value for f in response.context["board"].overview}
    assert overview["项目合同"] == 4
    assert response.context["board"].batch is None


def test_it_defaults_to_the_latest_batch_and_refuses_unknown_ones(world: World) -> None:
    client = world.client("admin")
    assert board(client).context["board"].batch == world.batch
    assert client.get("/", {"batch": "999999"}).status_code == 404
    assert client.get("/", {"batch": "x"}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/projects/?kpi=all:nonsense",
        "/projects/?kpi=999999:service_contracts",
        "/activities/?kpi=all:service_contracts",
        "/projects/?kpi=all:service_contracts&period=2024-13",
    ],
)
def test_a_list_refuses_a_kpi_it_cannot_show(world: World, url: str) -> None:
    assert world.client("admin").get(url).status_code == 400


def test_a_kpi_list_names_the_kpi_it_shows(world: World) -> None:
    url = f"/projects/?kpi={world.batch.pk}:service_contracts"
    response = world.client("admin").get(url)
    assert response.context["paginator"].count == 2
    assert "第二批 · 签订技术服务合同" in response.content.decode()


# ----- periods -------------------------------------------------------------------------------
def _around_the_second_quarter(world: World) -> None:
    """Add records on both sides of each end of 2024-Q2 (and of 2024-Q1 and 2023-Q2)."""
    for day, quantity in (
        (D(2024, 3, 31), 100),  # the previous quarter (before the batch set out)
        (D(2024, 4, 1), 1000),  # first day of the quarter (before the batch set out)
        (D(2024, 6, 30), 10000),  # last day of the quarter
        (D(2024, 7, 1), 100000),  # the next quarter
        (D(2023, 6, 30), 1000000),  # a year earlier
    ):
        make_activity(ActivityKind.TRAINING, quantity, date=day, commissioners=[world.me])
    for day in (D(2024, 3, 31), D(2024, 6, 30), D(2024, 7, 1)):
        make_project(title=f"合同{day}", signed_on=day, batch=world.batch, commissioners=[world.me])


def test_a_quarter_counts_only_the_records_dated_in_it(world: World) -> None:
    _around_the_second_quarter(world)
    client = world.client("admin")
    everyone = board(client, batch="all", period="2024-Q2").context["board"]
    kpis = {f.label: f for f in everyone.kpis}
    # 12 + 9 from the fixture, then the first and the last day of the quarter.
    assert kpis["培训帮带本地人才"].value == 21 + 1000 + 10000
    previous, year_earlier = kpis["培训帮带本地人才"].comparisons
    assert (previous.value, year_earlier.value) == (100, 1000000)
    assert previous.label == "上期 2024年第一季度"
    assert year_earlier.label == "上年同期 2023年第二季度"
    # Contracts: the fixture's one signed on 1 June and the one of 30 June; 31 March's is in
    # the previous quarter, and the first batch's of May 2023 a year earlier.
    contracts = kpis["签订技术服务合同"]
    assert [contracts.value, *(c.value for c in contracts.comparisons)] == [2, 1, 1]
    assert [c.note for c in contracts.comparisons] == ["+100.0%", "+100.0%"]
    for figure in everyone.figures():
        if figure.url:
            assert list_total(client, figure) == figure.value, figure
    # The batch set out on 24 April: the record of 1 April is not the batch's.
    batch = board(client, batch=world.batch.pk, period="2024-Q2").context["board"]
    assert {f.label: f.value for f in batch.kpis}["培训帮带本地人才"] == 21 + 10000
    for figure in batch.figures():
        if figure.url:
            assert list_total(client, figure) == figure.value, figure


@pytest.mark.parametrize("period", ["2024-Q2", "2024-06", "2024", "2023-Q2", "all"])
@pytest.mark.parametrize("scope", ["batch", "all"])
def test_its_kpis_and_narrative_are_those_of_the_report(
    world: World, period: str, scope: str
) -> None:
    _around_the_second_quarter(world)
    batch = world.batch if scope == "batch" else None
    response = board(world.client("admin"), batch=batch.pk if batch else "all", period=period)
    report = kpi_report(batch, parse_token(period))
    shown = {f.label: f.value for f in response.context["board"].kpis}
    assert shown == {f.definition.label: f.value for f in report.figures.values()}
    assert response.context["board"].narrative == report.narrative()


def test_a_custom_span_is_read_from_from_and_to(world: World) -> None:
    _around_the_second_quarter(world)
    response = board(
        world.client("admin"), batch="all", **{"from": "2024-06-30", "to": "2024-07-01"}
    )
    dashboard = response.context["board"]
    assert dashboard.period == Period(D(2024, 6, 30), D(2024, 7, 1))
    kpis = {f.label: f for f in dashboard.kpis}
    assert kpis["培训帮带本地人才"].value == 10000 + 100000
    # As many days before, and the same days a year earlier.
    previous, year_earlier = kpis["培训帮带本地人才"].comparisons
    assert previous.label.endswith("2024年6月28日至6月29日")
    assert year_earlier.value == 1000000
    training = next(c for c in dashboard.kpi_charts if c.series[0].name == "培训帮带本地人才")
    assert training.groups == ["06-30", "07-01"]
    assert [f.value for f in training.series[0].figures] == [10000, 100000]
    assert "2024年6月30日至7月1日" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2024-Q5"},
        {"period": "下个月"},
        {"from": "2024-13-01"},
        {"from": "2024-06-01", "to": "2024-05-01"},
        {"to": "0024-01-01"},
    ],
)
def test_it_explains_a_period_it_cannot_read(world: World, params: dict[str, str]) -> None:
    response = world.client("admin").get("/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "统计期间无效" in html
    assert 'name="period"' in html  # the selector, to choose again
    assert "board" not in response.context


def test_the_charts_span_the_period(world: World) -> None:
    client = world.client("admin")
    quarter = board(client, batch=world.batch.pk, period="2024-Q2").context["board"]
    assert quarter.kpi_charts[0].groups == ["2024-04", "2024-05", "2024-06"]
    month = board(client, batch=world.batch.pk, period="2024-06").context["board"]
    training = next(c for c in month.kpi_charts if c.series[0].name == "培训帮带本地人才")
    assert len(training.groups) == 30
    assert training.groups[9] == "06-10"
    assert training.series[0].figures[9].value == 9
    assert sum(f.value for f in training.series[0].figures) == 9


def test_the_chart_steps_stay_few() -> None:
    span = Period(D(2024, 4, 15), D(2024, 6, 10))
    bars = chart_periods(span, [], "month")
    assert bars == [
        Period(D(2024, 4, 15), D(2024, 4, 30)),
        Period.month(2024, 5),
        Period(D(2024, 6, 1), D(2024, 6, 10)),
    ]
    assert len(chart_periods(Period(D(2020, 1, 1), D(2024, 12, 31)), [], "month")) == 20
    assert len(chart_periods(Period(D(1990, 1, 1), D(2024, 12, 31)), [], "month")) == 35
    # All time: from the first to the last day with a record, by month unless that is too many.
    assert len(chart_periods(None, [D(2023, 1, 5), D(2024, 12, 1)], "month")) == 24
    # One late record 30 months on: quarters, not 30 hairline months.
    late = chart_periods(None, [D(2024, 5, 1), D(2026, 10, 3)], "month")
    assert late[0].start == D(2024, 5, 1) and late[1].token == "2024-Q3" and len(late) == 11
    assert len(chart_periods(None, [D(2020, 1, 5), D(2024, 12, 1)], "month")) == 20
    assert len(chart_periods(None, [D(2020, 1, 5), D(2024, 12, 1)], "year")) == 5
    assert chart_periods(None, [], "month") == []


def test_the_batch_tabs_keep_the_period(world: World) -> None:
    response = board(world.client("admin"), batch=world.batch.pk, period="2024-Q2")
    html = response.content.decode()
    assert f"?batch={world.first_batch.pk}&amp;by=month&amp;period=2024-Q2" in html
    assert "2024年第二季度" in html
    assert 'rel="prev"' in html and "2024年第一季度" in html


@pytest.mark.parametrize(
    "dispatch", [D(2024, 4, 24), D(2025, 2, 28), D(2024, 2, 29), D(2024, 1, 1)]
)
def test_the_average_age_counted_by_birthday_equals_the_batch_profile(dispatch: D) -> None:
    from tepai.testing.factories import make_batch, make_commissioner, make_institution

    batch = make_batch("第九批", dispatch)
    institution = make_institution("浙江大学")
    births = [
        (D(1980, 2, 29), DatePrecision.DAY),
        (D(1976, 2, 28), DatePrecision.DAY),
        (D(1990, 3, 1), DatePrecision.DAY),
        (D(1984, dispatch.month, dispatch.day), DatePrecision.DAY),  # birthday that very day
        (D(1985, dispatch.month, 1), DatePrecision.MONTH),  # birth month that month
        (D(1971, 12, 31), DatePrecision.DAY),
        (D(1999, 1, 1), DatePrecision.DAY),
        (D(1968, 7, 1), DatePrecision.MONTH),
        (D(dispatch.year - 1, 12, 31), DatePrecision.DAY),
        (D(1982, 6, 15), DatePrecision.DAY),
        (D(1982, 6, 15), DatePrecision.DAY),  # two members, one birthday
    ]
    for birth, precision in births:
        make_commissioner(batch=batch, institution=institution, birth=birth, precision=precision)
    expected = batch_report(batch).average_age
    assert expected is not None
    assert average_age(batch) == expected


@pytest.mark.parametrize(
    ("who", "demands"),
    [
        ("admin", "全部需求"),
        ("enterprise", "本企业的需求"),
        ("commissioner", "已发布的需求及与我有关的需求"),
    ],
)
def test_the_funnel_and_cluster_chart_say_whose_records_they_count(
    world: World, who: str, demands: str
) -> None:
    html = board(world.client(who), batch=world.batch.pk).content.decode()
    assert f"；{demands}</span>" in html
    everything = "企业与技术需求为全部记录" in html
    assert everything == (who == "admin")
