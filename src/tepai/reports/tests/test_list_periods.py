"""The lists' date filters and batch filter, on the web and in the API, select what KPIs count."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.api.tokens import issue_token
from tepai.demands.models import Demand, DemandList
from tepai.events.models import Event, EventKind
from tepai.reports.kpi import kpi_report
from tepai.reports.periods import Period
from tepai.reports.tests.boundaries import Boundaries, build_boundaries
from tepai.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db

D = datetime.date
Q2 = Period.quarter(2024, 2)
QUARTER = "from=2024-04-01&to=2024-06-30"


@pytest.fixture
def world() -> Boundaries:
    return build_boundaries()


@pytest.fixture
def admin() -> Any:
    user = get_user_model().objects.create_user(username="officer")
    Account.objects.create(user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def web(admin: Any) -> Client:
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def api(admin: Any) -> Client:
    _token, raw = issue_token(admin, "periods")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def web_ids(client: Client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return sorted(row.pk for row, _cells in response.context["rows"])


def api_ids(client: Client, url: str) -> list[int]:
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}page_size=100")
    assert response.status_code == 200, response.content[:500]
    return sorted(item["id"] for item in response.json()["results"])


def _counted(key: str, **kwargs: Any) -> list[int]:
    figure = kpi_report(**kwargs).figures[key]
    (ids,) = figure.records.values()  # the activities or the projects
    return ids


@pytest.mark.parametrize("batch_name", ["first", "second"])
@pytest.mark.parametrize("period", [None, Q2])
def test_a_batch_list_shows_exactly_the_records_its_kpis_count(
    world: Boundaries, web: Client, api: Client, batch_name: str, period: Period | None
) -> None:
    batch = getattr(world, batch_name)
    dates = f"&{QUARTER}" if period else ""
    api_dates = "&date_from=2024-04-01&date_to=2024-06-30" if period else ""
    signed = "&signed_from=2024-04-01&signed_to=2024-06-30" if period else ""
    trained = _counted("local_staff_trained", batch=batch, period=period)
    assert web_ids(web, f"/activities/?batch={batch.pk}&kind=training{dates}") == trained
    assert api_ids(api, f"/api/activities/?batch={batch.pk}&kind=training{api_dates}") == trained
    contracts = _counted("service_contracts", batch=batch, period=period)
    assert web_ids(web, f"/projects/?batch={batch.pk}&kind=service{dates}") == contracts
    assert api_ids(api, f"/api/projects/?batch={batch.pk}&kind=service{signed}") == contracts


def test_the_batch_filter_follows_membership_not_the_stored_field(
    world: Boundaries, web: Client, api: Client
) -> None:
    later = world.training[16]  # 2026, stored as 第一批
    assert later.batch == world.first
    assert later.pk not in web_ids(web, f"/activities/?batch={world.first.pk}")
    assert later.pk not in api_ids(api, f"/api/activities/?batch={world.first.pk}")
    carol = world.training[1024]  # nothing stored; carol served 第一批 that day
    assert carol.batch is None
    assert carol.pk in web_ids(web, f"/activities/?batch={world.first.pk}")
    assert api_ids(api, "/api/activities/?batch=999999") == []


def test_the_dashboard_drill_down_lists_the_counted_records(world: Boundaries, web: Client) -> None:
    token = f"{world.first.pk}:local_staff_trained"
    assert web_ids(web, f"/activities/?kpi={token}") == _counted(
        "local_staff_trained", batch=world.first
    )
    # By month: carol's record (no stored batch) sits in 2025-06 of 第一批.
    assert web_ids(web, f"/activities/?kpi={token}&period=2025-06") == [world.training[1024].pk]
    assert web_ids(web, f"/activities/?kpi={token}&period=2024-06") == [world.training[4].pk]


def test_dated_lists_keep_the_first_and_last_day_and_drop_the_days_around(
    world: Boundaries, web: Client, api: Client
) -> None:
    in_quarter = sorted(world.training[q].pk for q in (2, 4, 256)) + sorted(
        a.pk for a in world.services
    )
    assert web_ids(web, f"/activities/?{QUARTER}") == sorted(in_quarter)
    assert api_ids(api, "/api/activities/?date_from=2024-04-01&date_to=2024-06-30") == sorted(
        in_quarter
    )
    signed = sorted(world.contracts[d].pk for d in (D(2024, 4, 1), D(2024, 6, 30)))
    assert web_ids(web, f"/projects/?{QUARTER}") == signed
    assert api_ids(api, "/api/projects/?signed_from=2024-04-01&signed_to=2024-06-30") == signed
    # One end alone runs to the other end of the calendar.
    later = sorted(world.contracts[d].pk for d in (D(2024, 7, 1), D(2026, 1, 15)))
    assert web_ids(web, "/projects/?from=2024-07-01") == later


def test_events_are_dated_by_their_day(web: Client, api: Client) -> None:
    before = Event.objects.create(name="三月培训", kind=EventKind.TRAINING, date=D(2024, 3, 31))
    first = Event.objects.create(name="四月培训", kind=EventKind.TRAINING, date=D(2024, 4, 1))
    assert web_ids(web, f"/events/?{QUARTER}") == [first.pk]
    assert api_ids(api, "/api/events/?date_to=2024-03-31") == [before.pk]


def test_demands_are_dated_by_their_publication(web: Client, api: Client) -> None:
    enterprise = make_enterprise()

    def demand(title: str) -> Demand:
        return Demand.objects.create(enterprise=enterprise, title=title, problem="……")

    listed, unlisted, undated_list = demand("列入清单"), demand("直接登记"), demand("清单无日期")
    DemandList.objects.create(name="2024年需求清单", published_on=D(2024, 5, 16)).demands.add(
        listed
    )
    DemandList.objects.create(name="未定日期的清单").demands.add(undated_list)
    assert web_ids(web, f"/demands/?{QUARTER}") == [listed.pk]
    assert api_ids(api, "/api/demands/?date_from=2024-04-01&date_to=2024-06-30") == [listed.pk]
    today = timezone.localdate().isoformat()
    entered_today = sorted([unlisted.pk, undated_list.pk])
    assert web_ids(web, f"/demands/?from={today}&to={today}") == entered_today
    assert api_ids(api, f"/api/demands/?date_from={today}") == entered_today


def test_the_list_page_offers_the_dates_and_shows_them_in_force(
    world: Boundaries, web: Client
) -> None:
    html = web.get(f"/activities/?{QUARTER}&kind=training").content.decode()
    assert 'type="date" name="from" value="2024-04-01"' in html
    assert 'type="date" name="to" value="2024-06-30"' in html
    assert '<input type="hidden" name="from"' not in html  # the inputs carry them
    assert "开始日期：</span>2024-04-01" in html
    assert 'type="date"' not in web.get("/enterprises/").content.decode()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/activities/?from=2024-02-30", ["开始日期", "2024-02-30", "YYYY-MM-DD"]),
        ("/projects/?to=tomorrow", ["结束日期", "tomorrow"]),
        ("/events/?from=2024-06-30&to=2024-04-01", ["早于"]),
        ("/demands/?from=0024-01-01", ["1949-10-01"]),
        ("/enterprises/?from=2024-01-01", ["不能按日期筛选"]),
        ("/activities/?batch=abc", ["批次"]),
    ],
)
def test_bad_dates_on_the_web_are_a_clear_400(
    world: Boundaries, web: Client, url: str, words: list[str]
) -> None:
    response = web.get(url)
    assert response.status_code == 400
    text = response.content.decode()
    for word in words:
        assert word in text


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/activities/?date_from=2024-02-30", "date_from"),
        ("/api/activities/?date_to=1.5e-51", "date_to"),
        ("/api/projects/?signed_from=0024-04-01", "signed_from"),
        ("/api/events/?date_from=2024-06-30&date_to=2024-04-01", "date_to"),
        ("/api/demands/?date_from=1700000000", "date_from"),
        ("/api/projects/?signed_from=2024-06-30&signed_to=2024-04-01", "signed_to"),
    ],
)
def test_bad_dates_in_the_api_are_a_422_naming_the_field(
    world: Boundaries, api: Client, url: str, field: str
) -> None:
    response = api.get(url)
    assert response.status_code == 422, response.content[:300]
    error = response.json()["error"]
    assert field in error["fields"]
    assert field in error["message"]
