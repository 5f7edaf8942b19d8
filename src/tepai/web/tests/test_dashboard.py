"""The dashboard: every number links to a list of exactly the records it counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from tepai.commissioners.models import DatePrecision
from tepai.reports.batch_stats import batch_report
from tepai.reports.kpi import kpi_report
from tepai.web.dashboard import average_age
from tepai.web.figures import Figure
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db


def list_total(client: Client, figure: Figure) -> int:
    """Return what the linked list shows: its row count, or its 数量 total for summed KPIs."""
    assert figure.url is not None
    response = client.get(figure.url)
    assert response.status_code == 200, figure
    if figure.measure == "quantity":
        return response.context["quantity_total"]
    return response.context["paginator"].count


def board(client: Client, **params: Any) -> Any:
    response = client.get("/", params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("who", ["admin", "auditor", "commissioner", "enterprise"])
@pytest.mark.parametrize("scope", ["batch", "all"])
def test_it_links_every_figure_to_a_list_of_exactly_its_records(
    world: World, who: str, scope: str
) -> None:
    client = world.client(who)
    response = board(client, batch=world.batch.pk if scope == "batch" else "all")
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
