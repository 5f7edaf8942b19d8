"""KPIs for a period and scope, batch attribution at the record's date, and comparisons."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from tepai.activities.models import Activity
from tepai.core.choices import IndustryCluster
from tepai.projects.models import Project
from tepai.reports.attribution import attributed, record_batches, service_period
from tepai.reports.kpi import compare_kpis, format_kpi_report, kpi_report
from tepai.reports.periods import LATEST, Period
from tepai.reports.tests.boundaries import Boundaries, build_boundaries

pytestmark = pytest.mark.django_db

D = datetime.date
Q2 = Period.quarter(2024, 2)


@pytest.fixture
def world() -> Boundaries:
    return build_boundaries()


def _trained(world: Boundaries, **kwargs: object) -> int:
    report = kpi_report(**kwargs)  # type: ignore[arg-type]
    figure = report.figures["local_staff_trained"]
    # The value is the sum of exactly the records listed (quantities are powers of two).
    assert figure.value == world.quantities(figure.records["activities"])
    return figure.value


def test_a_period_counts_its_first_and_last_day_but_not_the_days_around(
    world: Boundaries,
) -> None:
    assert _trained(world, period=Q2) == 2 + 4 + 256
    contracts = kpi_report(None, Q2).figures["service_contracts"].records["projects"]
    assert contracts == sorted(world.contracts[d].pk for d in (D(2024, 4, 1), D(2024, 6, 30)))


def test_a_batch_counts_its_members_work_within_its_service_period(world: Boundaries) -> None:
    # 1, 2, 4, 8: alice within 第一批's service; 256: no commissioners, names 第一批;
    # 1024: carol on 第一批's last day. Not 16 (2026, after the service, although its stored
    # 批次 says 第一批), 32 (before dispatch), 512 (no commissioners, after the service).
    assert _trained(world, batch=world.first) == 1 + 2 + 4 + 8 + 256 + 1024
    # bob's record the day before 第二批 set out stays out although it names 第二批.
    assert _trained(world, batch=world.second) == 128 + 2048


def test_a_record_in_a_later_year_does_not_count_for_an_earlier_batch(world: Boundaries) -> None:
    later = world.contracts[D(2026, 1, 15)]
    counted = kpi_report(world.first).figures["service_contracts"].records["projects"]
    assert later.batch == world.first  # as entered
    assert later.pk not in counted
    assert world.training[16].pk not in attributed(Activity.objects.all(), world.first)
    assert record_batches(later) == []
    assert record_batches(world.training[1024]) == [world.first]
    assert record_batches(world.training[2048]) == [world.second]


def test_overlapping_membership_counts_for_each_batch_serving_that_day(
    world: Boundaries,
) -> None:
    world.second.dispatch_date = D(2025, 6, 1)
    world.second.save()
    assert record_batches(world.training[1024]) == [world.first, world.second]
    assert (
        attributed(Activity.objects.all(), [world.first, world.second])
        .filter(pk=world.training[1024].pk)
        .count()
        == 1
    )


def test_the_service_period_runs_to_the_end_date_or_stays_open(world: Boundaries) -> None:
    assert service_period(world.first) == Period(D(2024, 1, 1), D(2025, 6, 30))
    assert service_period(world.second).end == LATEST


def test_batch_and_period_combine(world: Boundaries) -> None:
    assert _trained(world, batch=world.first, period=Q2) == 2 + 4 + 256
    assert _trained(world, batch=world.second, period=Q2) == 0


def test_it_scopes_by_centre_and_institution_of_the_commissioners(world: Boundaries) -> None:
    alice = 1 + 2 + 4 + 8 + 16 + 32
    assert _trained(world, centre=world.centre) == alice
    assert _trained(world, institution=world.institution_a) == alice
    assert _trained(world, institution=world.institution_b) == 64 + 128 + 1024 + 2048
    assert _trained(world, institution=world.institution_b, batch=world.first) == 1024


def test_it_scopes_by_the_cluster_of_the_enterprises_served(world: Boundaries) -> None:
    coal = kpi_report(cluster=IndustryCluster.COAL).figures["enterprises_benefited"]
    assert coal.records["enterprises"] == sorted(e.pk for e in world.coal)
    assert coal.records["activities"] == sorted(a.pk for a in world.services)
    cotton = kpi_report(cluster=IndustryCluster.COTTON_TEXTILE).figures["enterprises_benefited"]
    assert world.cotton is not None
    assert cotton.records["enterprises"] == [world.cotton.pk]
    assert cotton.records["activities"] == [world.services[0].pk]
    # Training serves no enterprise: nothing of it is in any cluster.
    assert _trained(world, cluster=IndustryCluster.COAL) == 0
    with pytest.raises(ValueError, match="cluster"):
        kpi_report(cluster="no-such-cluster")


def test_the_narrative_names_the_period_in_chinese_in_every_language(world: Boundaries) -> None:
    with translation.override("en"):
        text = kpi_report(world.first, Q2).narrative()
    assert text.startswith("2024年第二季度，第一批科技特派员主持省部级以上科研项目")
    assert "累计" not in text
    assert kpi_report(world.first).narrative().startswith("第一批科技特派员累计")
    scoped = kpi_report(world.first, Q2, institution=world.institution_a).narrative()
    assert scoped.startswith("2024年第二季度，第一批浙江甲大学派出的科技特派员")


def test_to_dict_adds_the_period_and_scope_and_keeps_every_key(world: Boundaries) -> None:
    data = kpi_report(world.first, Q2).to_dict()
    assert data["period"] == {"from": "2024-04-01", "to": "2024-06-30", "label": "2024年第二季度"}
    assert data["scope"]["batch"] == "第一批"
    assert data["batch"] == "第一批"
    for key in ("records", "phrases", "definitions", "narrative", "local_staff_trained"):
        assert key in data
    assert kpi_report().to_dict()["period"] == {"from": None, "to": None, "label": "累计"}


def test_compare_kpis_sets_the_previous_period_and_a_year_earlier_beside(
    world: Boundaries,
) -> None:
    comparison = compare_kpis(Q2, world.first)
    assert comparison.previous is not None and comparison.previous.period == Period.quarter(2024, 1)
    # 2023-Q2 is before 第一批 set out (2024-01-01): its zeros are no base to compare with.
    assert comparison.year_earlier is None
    training = comparison.change("local_staff_trained", "previous")
    assert training is not None
    assert (training.value, training.base, training.absolute) == (262, 1, 261)
    assert training.percent == 26100.0
    contracts = comparison.change("service_contracts", "previous")
    assert contracts is not None and (contracts.base, contracts.absolute) == (1, 1)
    assert contracts.percent == 100.0
    assert comparison.change("local_staff_trained", "year_earlier") is None
    data = comparison.to_dict()
    assert data["local_staff_trained"] == 262
    assert data["previous"]["period"]["label"] == "2024年第一季度"
    assert data["previous"]["local_staff_trained"] == 1
    assert data["year_earlier"] is None
    assert data["changes"]["local_staff_trained"]["year_earlier"] is None
    assert data["changes"]["service_contracts"]["previous"] == {
        "base": 1,
        "absolute": 1,
        "percent": 100.0,
    }
    text = format_kpi_report(comparison)
    assert "上期：2024年第一季度" in text and "上年同期：无（第一批尚未派出）" in text
    assert "｜上期 1，+261，+26100.0%" in text and "｜上年同期" not in text
    # Without a batch the whole programme has a year earlier, zeros and all.
    programme = format_kpi_report(compare_kpis(Q2))
    assert "上年同期：2023年第二季度" in programme


def test_all_time_has_nothing_to_compare_with(world: Boundaries) -> None:
    comparison = compare_kpis(None)
    assert comparison.previous is None and comparison.year_earlier is None
    assert comparison.change("local_staff_trained") is None
    assert comparison.to_dict()["previous"] is None


def test_the_records_of_each_period_figure_are_dated_in_it(world: Boundaries) -> None:
    report = kpi_report(None, Q2)
    for figure in report.figures.values():
        dates = list(
            Activity.objects.filter(pk__in=figure.records.get("activities", [])).values_list(
                "date", flat=True
            )
        ) + list(
            Project.objects.filter(pk__in=figure.records.get("projects", [])).values_list(
                "signed_on", flat=True
            )
        )
        assert all(day in Q2 for day in dates)
