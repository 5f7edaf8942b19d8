import datetime
import json

import pytest
from django.core.management import call_command

from tepai.activities.models import ActivityKind
from tepai.projects.models import ProjectKind, ProjectLevel
from tepai.reports.kpi import kpi_report
from tepai.reports.periods import Period
from tepai.testing.factories import make_activity, make_batch, make_enterprise, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme() -> dict:
    first = make_batch("第一批", datetime.date(2023, 4, 20))
    second = make_batch("第二批")
    led = [
        make_project(
            batch=first,
            kind=ProjectKind.RESEARCH,
            level=ProjectLevel.NATIONAL,
            led_by_commissioner=True,
        ),
        make_project(
            batch=first,
            kind=ProjectKind.RESEARCH,
            level=ProjectLevel.PROVINCIAL,
            led_by_commissioner=True,
        ),
    ]
    # Neither counts as a provincial-or-higher project led: one is prefectural, one only joined.
    make_project(
        batch=first,
        kind=ProjectKind.RESEARCH,
        level=ProjectLevel.PREFECTURAL,
        led_by_commissioner=True,
    )
    make_project(batch=first, kind=ProjectKind.RESEARCH, level=ProjectLevel.PROVINCIAL)
    contracts = [
        make_project(batch=first, kind=ProjectKind.SERVICE_CONTRACT),
        make_project(batch=first, kind=ProjectKind.DEVELOPMENT_CONTRACT),
        make_project(batch=first, kind=ProjectKind.TRANSFER_CONTRACT),
    ]
    make_project(batch=first, kind=ProjectKind.OTHER)
    make_project(batch=second, kind=ProjectKind.SERVICE_CONTRACT)
    shared = make_enterprise()
    services = [
        make_activity(
            ActivityKind.ENTERPRISE_SERVICE, batch=first, enterprises=[shared, make_enterprise()]
        ),
        make_activity(
            ActivityKind.ENTERPRISE_SERVICE,
            batch=first,
            enterprises=[shared, make_enterprise(), make_enterprise()],
        ),
    ]
    make_activity(
        ActivityKind.VARIETY,
        batch=first,
        notes="金线莲：引种试验",
        is_trial=True,
        date=datetime.date(2023, 5, 1),
    )
    make_activity(ActivityKind.VARIETY, batch=first, notes="桑黄")
    make_activity(ActivityKind.TRAINING, 25, batch=first)
    make_activity(ActivityKind.TRAINING, 18, batch=first)
    make_activity(ActivityKind.VISIT, 62, batch=first)
    make_activity(ActivityKind.INVESTMENT, 12, batch=first)
    make_activity(ActivityKind.LANDING, 1, batch=first)
    make_activity(ActivityKind.TRAINING, 7, batch=second)
    return {
        "first": first,
        "second": second,
        "led": led,
        "contracts": contracts,
        "services": services,
        "shared": shared,
    }


def test_it_counts_each_kpi_from_records(programme: dict) -> None:
    report = kpi_report(programme["first"])
    values = {key: figure.value for key, figure in report.figures.items()}
    assert values == {
        "provincial_projects_led": 2,
        "service_contracts": 3,
        "varieties_introduced": 2,
        "local_staff_trained": 43,
        "visit_person_times": 62,
        "enterprises_benefited": 4,
        "investment_delegations": 12,
        "projects_landed": 1,
    }


def test_each_figure_lists_the_records_it_counted(programme: dict) -> None:
    report = kpi_report(programme["first"])
    assert report.figures["provincial_projects_led"].records == {
        "projects": sorted(p.pk for p in programme["led"])
    }
    assert report.figures["service_contracts"].records == {
        "projects": sorted(p.pk for p in programme["contracts"])
    }
    benefited = report.figures["enterprises_benefited"].records
    assert programme["shared"].pk in benefited["enterprises"]
    assert benefited["activities"] == sorted(a.pk for a in programme["services"])


def test_it_scopes_to_a_batch_or_the_whole_programme(programme: dict) -> None:
    assert kpi_report(programme["second"]).figures["local_staff_trained"].value == 7
    assert kpi_report(programme["second"]).figures["service_contracts"].value == 1
    assert kpi_report(None).figures["local_staff_trained"].value == 50


def test_the_narrative_uses_idiomatic_figures(programme: dict) -> None:
    text = kpi_report(programme["first"]).narrative()
    assert text.startswith("第一批科技特派员累计")
    assert "培训帮带本地技术人才40余人" in text
    assert "开展入疆服务超60人次" in text
    assert "引进招商考察团10余批次" in text
    assert "主持省部级以上科研项目2项" in text
    assert "（含金线莲、桑黄等）" in text


def test_a_batch_with_nothing_yet_says_so_instead_of_eight_zeros(programme: dict) -> None:
    fresh = make_batch("第三批", datetime.date(2026, 4, 1))
    assert kpi_report(fresh).narrative() == "第三批科技特派员暂无计入工作成效的项目合同和工作记录。"
    quiet = kpi_report(programme["first"], Period.month(2030, 1)).narrative()
    assert quiet == "2030年1月，第一批科技特派员暂无计入工作成效的项目合同和工作记录。"


def test_the_command_prints_integer_keys(programme: dict, capsys: pytest.CaptureFixture) -> None:
    call_command("report", "kpi", "--batch", "第一批", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    for key in (
        "provincial_projects_led",
        "service_contracts",
        "varieties_introduced",
        "local_staff_trained",
        "visit_person_times",
        "enterprises_benefited",
        "investment_delegations",
        "projects_landed",
    ):
        assert isinstance(data[key], int)
        assert key in data["records"]
    assert data["local_staff_trained"] == 43
