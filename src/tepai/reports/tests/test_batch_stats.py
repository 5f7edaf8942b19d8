import datetime

import pytest
from django.core.management import call_command

from tepai.commissioners.models import DatePrecision
from tepai.core.choices import Degree, TitleLevel
from tepai.reports.batch_stats import batch_report, format_batch_report
from tepai.testing.factories import make_batch, make_commissioner

pytestmark = pytest.mark.django_db


def test_it_computes_the_published_figures() -> None:
    batch = make_batch(dispatch=datetime.date(2024, 4, 24))
    other = make_batch("第一批", dispatch=datetime.date(2023, 4, 20))
    # Ages on 2024-04-24: 40 (birthday passed), 44 (birthday on the day), 35 (birthday tomorrow).
    make_commissioner(batch=batch, institution="甲大学", birth=datetime.date(1984, 1, 1))
    make_commissioner(
        batch=batch,
        institution="甲大学",
        birth=datetime.date(1980, 4, 24),
        degree=Degree.MASTER,
        title_level=TitleLevel.VICE_SENIOR,
    )
    make_commissioner(
        batch=batch,
        institution="乙研究院",
        birth=datetime.date(1988, 4, 25),
        title_level=TitleLevel.INTERMEDIATE,
        research_fields=["印染", "纺织"],
    )
    make_commissioner(batch=other, institution="丙大学")

    report = batch_report(batch)

    assert report.members == 3
    assert report.institutions == 2
    assert report.average_age == 39.7  # (40 + 44 + 35) / 3 = 39.67
    assert report.senior_title_percent == 66.7
    assert report.doctorate_percent == 66.7
    assert report.by_institution[0] == {"name": "甲大学", "count": 2, "percent": 66.7}
    assert {row["name"]: row["count"] for row in report.by_field} == {"纺织": 3, "印染": 1}
    assert {row["degree"]: row["count"] for row in report.by_degree} == {
        "doctorate": 2,
        "master": 1,
    }


def test_it_does_not_overstate_ages_known_to_the_month() -> None:
    batch = make_batch(dispatch=datetime.date(2024, 4, 24))
    make_commissioner(batch=batch, birth=datetime.date(1980, 4, 1), precision=DatePrecision.MONTH)
    make_commissioner(batch=batch, birth=datetime.date(1980, 3, 1), precision=DatePrecision.MONTH)
    assert batch_report(batch).average_age == 43.5  # 43 (April unknown day) and 44


def test_an_empty_batch_has_no_averages() -> None:
    report = batch_report(make_batch())
    assert (report.members, report.average_age, report.doctorate_percent) == (0, None, None)


def test_the_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    batch = make_batch()
    make_commissioner(batch=batch)
    call_command("report", "batch", "第二批", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["members"] == 1
    assert set(data) >= {
        "members",
        "institutions",
        "average_age",
        "senior_title_percent",
        "doctorate_percent",
    }


def test_the_command_names_unknown_batches() -> None:
    from django.core.management.base import CommandError

    make_batch("第一批")
    with pytest.raises(CommandError, match=r"第九批.*第一批"):
        call_command("report", "batch", "第九批")


def test_the_text_lists_shared_research_fields_and_counts_the_single_ones() -> None:
    batch = make_batch()
    for n in range(8):
        make_commissioner(batch=batch, research_fields=["纺织", f"方向{n}"])
    text = format_batch_report(batch_report(batch))
    assert "  纺织：8 人（100.0%）" in text
    assert "另有 8 个方向各 1 人（方向0、方向1、方向2、方向3、方向4等）" in text
    assert "方向0：" not in text
