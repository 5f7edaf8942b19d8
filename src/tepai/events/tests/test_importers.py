"""Importing events, and resolving event references."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tepai.core.importing import RowError
from tepai.core.importing.base import ImportContext
from tepai.core.tests.import_helpers import (
    import_errors,
    make_batch,
    make_event,
    run_import,
    write_csv,
    write_xlsx,
)
from tepai.events.importers import EventImporter, resolve_event
from tepai.events.models import Event

pytestmark = pytest.mark.django_db

HEADER = ["编号", "活动名称", "活动类型", "日期", "地点", "批次", "说明"]


def test_it_imports_events(tmp_path: Path) -> None:
    batch = make_batch("第二批")
    path = write_xlsx(
        tmp_path / "events.xlsx",
        [
            HEADER,
            [
                "HD-01",
                "第二批科技特派员出征仪式",
                "出征仪式",
                datetime.datetime(2024, 4, 24),
                "杭州",
                "第二批",
                None,
            ],
            [None, "成果路演会", "路演", "2024年6月1日", "阿克苏", None, "首场路演"],
        ],
    )

    result = run_import(EventImporter, path)

    assert (result.created, result.updated) == (2, 0)
    launch = Event.objects.get(code="HD-01")
    assert (launch.kind, launch.date, launch.batch) == ("launch", datetime.date(2024, 4, 24), batch)
    roadshow = Event.objects.get(name="成果路演会")
    assert (roadshow.kind, roadshow.location, roadshow.description) == (
        "roadshow",
        "阿克苏",
        "首场路演",
    )


def test_it_updates_by_name_and_date_or_by_code(tmp_path: Path) -> None:
    make_event("成果路演会", date=datetime.date(2024, 6, 1), location="阿克苏")
    make_event("签约仪式", "HD-02", date=datetime.date(2024, 7, 1))
    path = write_csv(
        tmp_path / "events.csv",
        [
            HEADER,
            [None, "成果路演会", "路演", "2024-06-01", None, None, "补充说明"],
            ["HD-02", "科技合作签约仪式", "签约", "2024-07-02", None, None, None],
            [None, "成果路演会", "路演", "2024-09-01", None, None, None],
        ],
    )

    result = run_import(EventImporter, path)

    assert (result.created, result.updated) == (1, 2)
    first = Event.objects.get(name="成果路演会", date=datetime.date(2024, 6, 1))
    assert (first.location, first.description) == ("阿克苏", "补充说明")
    assert Event.objects.get(code="HD-02").name == "科技合作签约仪式"


def test_it_reports_bad_kind_date_and_unknown_batch(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "events.csv",
        [
            HEADER,
            [None, "座谈会", "座谈", "2024-06", None, None, None],
        ],
    )
    errors = import_errors(EventImporter, path)
    assert [error.split(":")[0] for error in errors] == ["第2行 活动类型", "第2行 日期"]
    assert "缺少日" in errors[1]

    path = write_csv(
        tmp_path / "events2.csv",
        [
            HEADER,
            [None, "座谈会", "其他", "2024-06-03", None, "第九批", None],
        ],
    )
    assert import_errors(EventImporter, path) == [
        "第2行 批次: 批次“第九批”不存在，请先用 tepai batch create 创建"
    ]
    assert Event.objects.count() == 0


def test_resolve_event_uses_the_code_then_a_unique_name() -> None:
    make_event("成果路演会", "HD-01", date=datetime.date(2024, 6, 1))
    make_event("成果路演会", "HD-02", date=datetime.date(2024, 9, 1))
    make_event("签约仪式", date=datetime.date(2024, 7, 1))
    ctx = ImportContext()

    assert resolve_event("HD-02", 2, "路演活动", ctx).date == datetime.date(2024, 9, 1)
    assert resolve_event("签约仪式", 2, "签约活动", ctx).name == "签约仪式"
    with pytest.raises(RowError) as several:
        resolve_event("成果路演会", 5, "路演活动", ctx)
    assert str(several.value) == (
        "第5行 路演活动: 有多个活动叫“成果路演会”（日期不同），请改填活动编号"
    )
    with pytest.raises(RowError) as unknown:
        resolve_event("不存在", 6, "路演活动", ctx)
    assert str(unknown.value) == "第6行 路演活动: 活动“不存在”不存在，请先导入活动（events）"
