"""``tepai report kpi --from … --to …``: figures for a period, comparisons, and clear errors."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from tepai.activities.models import Activity, ActivityKind
from tepai.demo.loader import load_demo
from tepai.enterprises.models import Enterprise
from tepai.programs.models import Batch
from tepai.projects.models import CONTRACT_KINDS, PROVINCIAL_OR_HIGHER, Project, ProjectKind
from tepai.reports.attribution import attributed
from tepai.reports.kpi import kpi_report
from tepai.reports.tests.boundaries import Boundaries, build_boundaries

pytestmark = pytest.mark.django_db

D = datetime.date
SUMMED = {
    "varieties_introduced": ActivityKind.VARIETY,
    "local_staff_trained": ActivityKind.TRAINING,
    "visit_person_times": ActivityKind.VISIT,
    "investment_delegations": ActivityKind.INVESTMENT,
    "projects_landed": ActivityKind.LANDING,
}


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    call_command("report", "kpi", *args, "--format", "json")
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def _direct(start: datetime.date, end: datetime.date, batch: Batch | None = None) -> dict:
    """Count the KPIs straight from the tables, by the definitions in docs/kpi.md."""
    activities = attributed(Activity.objects.filter(date__gte=start, date__lte=end), batch)
    projects = attributed(Project.objects.filter(signed_on__gte=start, signed_on__lte=end), batch)
    counts = {
        key: activities.filter(kind=kind).aggregate(n=Sum("quantity"))["n"] or 0
        for key, kind in SUMMED.items()
    }
    counts["service_contracts"] = projects.filter(kind__in=CONTRACT_KINDS).count()
    counts["provincial_projects_led"] = projects.filter(
        kind=ProjectKind.RESEARCH, level__in=PROVINCIAL_OR_HIGHER, led_by_commissioner=True
    ).count()
    service = activities.filter(kind=ActivityKind.ENTERPRISE_SERVICE)
    counts["enterprises_benefited"] = (
        Enterprise.objects.filter(activities__in=service).distinct().count()
    )
    return counts


def test_on_the_demo_a_quarter_counts_only_records_dated_in_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_demo()
    data = _json(capsys, "--from", "2024-04-01", "--to", "2024-06-30")
    start, end = D(2024, 4, 1), D(2024, 6, 30)
    assert data["period"] == {"from": "2024-04-01", "to": "2024-06-30", "label": "2024年第二季度"}
    expected = _direct(start, end)
    assert {key: data[key] for key in expected} == expected
    # The demo has records on both sides of the quarter, so this is not all time.
    assert Activity.objects.filter(date__lt=start).exists()
    assert Activity.objects.filter(date__gt=end, date__lt=D(2024, 8, 1)).exists()
    assert data["visit_person_times"] < kpi_report().figures["visit_person_times"].value
    for records in data["records"].values():
        days = list(
            Activity.objects.filter(pk__in=records.get("activities", [])).values_list(
                "date", flat=True
            )
        ) + list(
            Project.objects.filter(pk__in=records.get("projects", [])).values_list(
                "signed_on", flat=True
            )
        )
        assert all(start <= day <= end for day in days)
    assert data["previous"]["period"]["label"] == "2024年第一季度"
    assert data["year_earlier"]["period"]["label"] == "2023年第二季度"
    for key in expected:
        change = data["changes"][key]["previous"]
        assert change["absolute"] == data[key] - data["previous"][key]


def test_on_the_demo_a_batch_counts_its_members_work_during_its_service(
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_demo()
    first = Batch.objects.get(name="第一批")
    assert first.end_date == D(2024, 4, 30)
    data = _json(capsys, "--from", "2024-04-01", "--to", "2024-06-30", "--batch", "第二批")
    second = Batch.objects.get(name="第二批")
    expected = _direct(D(2024, 4, 1), D(2024, 6, 30), second)
    assert {key: data[key] for key in expected} == expected
    assert data["narrative"].startswith("2024年第二季度，第二批科技特派员")
    # A first-batch commissioner's visit in 2025, although entered as 第一批, is not its work.
    later = Activity.objects.get(code="A1-071")
    assert later.batch == first
    assert later.pk not in kpi_report(first).figures["enterprises_benefited"].records["activities"]
    assert later.pk in kpi_report().figures["enterprises_benefited"].records["activities"]


def test_the_text_shows_the_comparison_periods(
    capsys: pytest.CaptureFixture[str],
) -> None:
    build_boundaries()
    call_command("report", "kpi", "--from", "2024-04-01", "--to", "2024-06-30", "--batch", "第一批")
    out = capsys.readouterr().out
    assert "工作成效（第一批，2024年第二季度）" in out
    assert "培训帮带本地人才：262 人" in out
    assert "上年同期：无（第一批尚未派出）" in out
    assert "｜上期 1，+261，+26100.0%" in out and "｜上年同期" not in out
    assert out.rstrip().endswith("。")
    # The counted records are named in Chinese, not by the registries' English slugs.
    assert "依据 工作记录 " in out and "依据 项目合同 " in out
    assert not any(slug in out for slug in ("projects", "activities", "enterprises"))


def test_scope_options_narrow_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    world: Boundaries = build_boundaries()
    data = _json(capsys, "--institution", "浙江乙研究院", "--batch", "第一批")
    assert data["local_staff_trained"] == 1024
    assert data["scope"]["institution"] == "浙江乙研究院"
    quarter = ["--from", "2024-04-01", "--to", "2024-06-30"]
    data = _json(capsys, "--centre", world.centre.name, *quarter)
    assert data["local_staff_trained"] == 2 + 4
    data = _json(capsys, "--cluster", "煤炭煤电煤化工")
    assert data["enterprises_benefited"] == 2
    assert _json(capsys, "--cluster", "coal")["enterprises_benefited"] == 2


def test_without_dates_it_reports_all_time_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    build_boundaries()
    data = _json(capsys, "--batch", "第一批")
    assert data["period"]["label"] == "累计"
    assert data["previous"] is None
    assert data["narrative"].startswith("第一批科技特派员累计")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--from", "2024-13-01"], ["--from", "开始日期", "2024-13-01", "YYYY-MM-DD"]),
        (["--from", "2024-04-01", "--to", "soon"], ["--to", "结束日期", "soon"]),
        (["--from", "2024-06-30", "--to", "2024-04-01"], ["--from/--to", "早于"]),
        (["--from", "0024-04-01"], ["--from", "1949-10-01"]),
        (["--batch", "第九批"], ["第九批", "不存在"]),
        (["--cluster", "航天"], ["航天", "产业集群", "coal"]),
        (["--centre", "无名中心"], ["无名中心", "创新中心"]),
        (["--institution", "无名大学"], ["无名大学", "派出单位"]),
    ],
)
def test_bad_options_are_refused_naming_the_option(args: list[str], words: list[str]) -> None:
    build_boundaries()
    with pytest.raises(CommandError) as error:
        call_command("report", "kpi", *args)
    for word in words:
        assert word in str(error.value)
