"""What keeps lists and the dashboard fast on a large programme, without changing what they show.

The speed itself is measured by ``benchmarks/web_speed.py`` on ``benchmarks/web_data.py``'s
province-sized programme; these tests pin the query shapes it relies on and that the faster
forms select exactly the records the plain ones did.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import set_script_prefix

from tepai.commissioners.models import Commissioner, DatePrecision
from tepai.demands.models import Demand
from tepai.institutions.models import Institution
from tepai.outcomes.models import Outcome
from tepai.projects.models import Project
from tepai.reports.attribution import attributed, record_batches
from tepai.reports.batch_stats import batch_report
from tepai.testing.factories import make_commissioner, make_project
from tepai.web.dashboard_figures import average_age
from tepai.web.figures import grouped_figures, list_url, tally
from tepai.web.kpi_days import kpi_days
from tepai.web.registries.query import matching
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db

D = datetime.date


def _paths(world: World) -> list[tuple[type[Model], str, Any]]:
    return [
        (Commissioner, "batches__in", [world.batch.pk]),
        (Commissioner, "projects__in", [world.projects["contract"].pk]),
        (Commissioner, "institution__name__icontains", "理工"),
        (Project, "commissioners__centres__in", [world.centre.pk]),
        (Project, "enterprise__cluster__in", ["cotton_textile"]),
        (Project, "enterprise__in", [world.mine.pk]),
        (Institution, "commissioners__batches__in", [world.batch.pk]),
        (Outcome, "intents__status__in", ["signed", "transferred"]),
        (Outcome, "roadshow_event__batch__in", [world.batch.pk]),
        (Demand, "enterprise__name__icontains", "纺织"),
        (Demand, "lists__in", [world.demand_list.pk]),
    ]


def test_relation_conditions_select_what_a_join_selects_once_and_without_joins(
    world: World,
) -> None:
    # A second project of mine in the centre: the join repeats the centre's projects.
    make_project(title="又一个合同", enterprise=world.mine, commissioners=[world.me])
    for model, path, value in _paths(world):
        joined = set(model._default_manager.filter(**{path: value}).values_list("pk", flat=True))
        assert joined, path  # the world has records on every path
        fast = model._default_manager.filter(matching(model, path, value)).order_by()
        assert sorted(fast.values_list("pk", flat=True)) == sorted(joined), path
        assert "JOIN" not in str(fast.query), path


def test_a_search_across_a_foreign_key_keeps_records_without_one(world: World) -> None:
    client = world.client("admin")
    by_enterprise = client.get("/projects/", {"q": "阿克苏纺织"})
    assert {r.title for r, _cells in by_enterprise.context["rows"]} == {"印染技术服务"}
    # 省重点研发 has no enterprise: a join-free search still finds it by its own title.
    by_title = client.get("/projects/", {"q": "重点"})
    assert [r.title for r, _cells in by_title.context["rows"]] == ["省重点研发"]


def test_a_commissioners_demand_list_needs_no_distinct_and_no_joins(world: World) -> None:
    # Another contract on the signed demand with me on it: joined, it would show twice.
    make_project(title="第二份合同", demand=world.demands["signed"], commissioners=[world.me])
    client = world.client("commissioner")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/demands/")
    shown = [r.pk for r, _cells in response.context["rows"]]
    assert sorted(shown) == sorted(
        world.demands[s].pk for s in ("published", "matching", "signed", "completed")
    )
    assert response.context["paginator"].count == 4
    demand_sql = [q["sql"] for q in captured if 'FROM "demands_demand"' in q["sql"]]
    assert demand_sql
    assert not any("DISTINCT" in sql for sql in demand_sql)
    counted = next(sql for sql in demand_sql if "COUNT(*)" in sql)
    assert "JOIN" not in counted.split(" WHERE ")[0]


def test_average_age_is_the_batch_reports_for_every_kind_of_birthday(world: World) -> None:
    dispatch = world.batch.dispatch_date  # 2024-04-24
    people = [
        (D(1984, 2, 29), DatePrecision.DAY),  # a leap-day birthday, passed by April
        (D(1990, 4, 24), DatePrecision.DAY),  # birthday on the dispatch day
        (D(1990, 4, 25), DatePrecision.DAY),  # the day after
        (D(1991, 4, 25), DatePrecision.DAY),  # the same birthday, another year
        (D(1985, 4, 1), DatePrecision.MONTH),  # born in the dispatch month: not yet counted
        (D(1986, 3, 1), DatePrecision.MONTH),
        (D(1987, 12, 1), DatePrecision.MONTH),
        (D(dispatch.year, 1, 5), DatePrecision.DAY),  # born in the dispatch year
    ]
    for born, precision in people:
        make_commissioner(batch=world.batch, birth=born, precision=precision)
    expected = batch_report(world.batch).average_age
    assert expected is not None
    assert average_age(world.batch) == expected


def test_a_tally_counts_only_filters_with_one_value_per_record(world: World) -> None:
    user = world.users["admin"]
    counted = tally(user, "demands", ("status",))
    assert counted.figure("已发布", status="published").value == 1
    assert counted.figure("全部").value == len(world.demands)
    with pytest.raises(ValueError, match="single-valued"):
        tally(user, "commissioners", ("batches",))


def test_list_urls_follow_the_script_prefix(world: World) -> None:
    assert list_url("demands", {"status": "draft"}) == "/demands/?status=draft"
    set_script_prefix("/tepai/")
    try:
        assert list_url("demands") == "/tepai/demands/"
    finally:
        set_script_prefix("/")
    assert list_url("demands") == "/demands/"


def test_grouping_across_many_to_many_groups_the_link_tables_of_the_records(
    world: World,
) -> None:
    # Projects per centre of their members: the batch's projects are selected once, in a
    # subquery, and only the two link tables are joined. Joining projects and members whole
    # let SQLite without statistics start from the centres' members and scan the batch's
    # projects for each (4.6 s on the benchmark's programme); outer joins from the projects
    # avoided that but grouped every joined row (60 ms against 30 ms now).
    user = world.users["admin"]
    groups = [(world.centre.pk, world.centre.name)]
    with CaptureQueriesContext(connection) as captured:
        figures = grouped_figures(user, "projects", "centre", groups, {"batch": world.batch.pk})
    assert [f.value for f in figures] == [2]  # 省重点研发 and 印染技术服务 (张三)
    grouped = next(q["sql"] for q in captured if "GROUP BY" in q["sql"])
    head = grouped[: grouped.index(" WHERE ")]
    assert '"projects_project_commissioners" l JOIN "commissioners_commissioner_centres" s' in head
    assert '"projects_project" ' not in head and '"commissioners_commissioner" ' not in head
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {grouped}")
            plan = [row[-1] for row in cursor.fetchall()]
        searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
        # From the selected projects' links to their members' centres, not the other way.
        assert searches[0].startswith("SEARCH l "), plan
        assert "SCAN s" not in plan


def _sqlite_plan(sql: str, params: Any = ()) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL hashes")
def test_a_batch_s_records_are_found_by_date_and_a_probe_of_each_one_s_members(
    world: World,
) -> None:
    # On SQLite "id IN (every record the batch's members worked on)" listed them all and read
    # each by its rowid (projects of batch 2: 20 ms against 6.5 ms for probing the link and
    # membership indexes of each project the date index yields).
    projects = attributed(Project.objects.order_by(), world.batch).values("pk")
    sql, params = projects.query.sql_with_params()
    plan = _sqlite_plan(sql, params)
    assert not any(step.startswith("LIST SUBQUERY") for step in plan), plan
    assert any("commissioner_batches" in step and "batch_id=?" in step for step in plan), plan
    assert [p.pk for p in attributed(Project.objects.order_by("pk"), world.batch)] == [
        p.pk for p in Project.objects.order_by("pk") if world.batch in record_batches(p)
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
def test_the_kpis_per_day_are_read_from_their_indexes_alone(world: World) -> None:
    with CaptureQueriesContext(connection) as captured:
        kpi_days(world.batch, None)
    grouped = [q["sql"] for q in captured if "GROUP BY" in q["sql"]]
    assert len(grouped) == 2
    for sql, index in zip(grouped, ("activity_kpi_days", "project_kpi_days"), strict=True):
        plan = _sqlite_plan(sql)
        assert f"USING COVERING INDEX {index}" in plan[0], plan
