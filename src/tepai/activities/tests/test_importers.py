"""Importing work records."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from tepai.activities.importers import ActivityImporter
from tepai.activities.models import Activity
from tepai.core.tests.import_helpers import (
    import_errors,
    make_batch,
    make_commissioner,
    make_enterprise,
    run_import,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

HEADER = ["编号", "日期", "类型", "特派员", "企业", "数量", "是否试验示范", "批次", "说明"]


def test_it_imports_work_records(tmp_path: Path) -> None:
    second = make_batch("第二批")
    zhang = make_commissioner("张三", "ZJ-01", batches=[second])
    li = make_commissioner("李四", "ZJ-02")
    textile = make_enterprise("阿克苏纺织有限公司")
    fruit = make_enterprise("温宿果业合作社", cluster="fruit_veg")
    path = write_xlsx(
        tmp_path / "records.xlsx",
        [
            HEADER,
            [
                "GZ-01",
                datetime.datetime(2024, 5, 20),
                "培训帮带",
                "ZJ-01",
                None,
                30.0,
                None,
                None,
                "纺纱培训",
            ],
            [None, "2024-06-01", "品种引进", "张三、李四", None, 3, "√", "第二批", "苹果新品种"],
            [
                None,
                "2024-06-02",
                "企业服务",
                "ZJ-01",
                "阿克苏纺织有限公司、温宿果业合作社",
                None,
                None,
                None,
                None,
            ],
        ],
    )

    result = run_import(ActivityImporter, path)

    assert (result.created, result.updated) == (3, 0)
    training = Activity.objects.get(code="GZ-01")
    assert (training.kind, training.quantity, training.is_trial, training.batch) == (
        "training",
        30,
        False,
        second,
    )
    variety = Activity.objects.get(kind="variety")
    assert (variety.quantity, variety.is_trial, variety.batch) == (3, True, second)
    assert set(variety.commissioners.all()) == {zhang, li}
    service = Activity.objects.get(kind="service")
    assert service.quantity == 1
    assert set(service.enterprises.all()) == {textile, fruit}
    assert service.batch == second  # inferred: 张三 belongs to 第二批 only


def test_rows_with_a_code_update_and_rows_without_are_added(tmp_path: Path) -> None:
    make_commissioner("张三", "ZJ-01")
    rows: list[list[Any]] = [
        HEADER,
        ["GZ-01", "2024-05-20", "培训帮带", "ZJ-01", None, "30人", None, None, "纺纱培训"],
        [None, "2024-05-21", "入疆服务", "ZJ-01", None, "2", None, None, None],
    ]
    run_import(ActivityImporter, write_csv(tmp_path / "a.csv", rows))
    rows[1] = ["GZ-01", "2024-05-20", "培训帮带", "ZJ-01", None, "45", None, None, None]

    result = run_import(ActivityImporter, write_csv(tmp_path / "b.csv", rows))

    assert (result.created, result.updated) == (1, 1)
    assert Activity.objects.count() == 3
    training = Activity.objects.get(code="GZ-01")
    assert (training.quantity, training.notes) == (45, "纺纱培训")
    assert Activity.objects.filter(kind="visit").count() == 2


def test_it_lists_every_unknown_enterprise_in_one_error(tmp_path: Path) -> None:
    make_commissioner("张三", "ZJ-01")
    make_enterprise("阿克苏纺织有限公司")
    path = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            [
                None,
                "2024-06-02",
                "企业服务",
                "ZJ-01",
                "甲公司、阿克苏纺织有限公司、乙公司",
                None,
                None,
                None,
                None,
            ],
        ],
    )

    assert import_errors(ActivityImporter, path) == [
        "第2行 企业: 企业“甲公司”、“乙公司”不存在，请先导入企业（enterprises）"
    ]
    assert Activity.objects.count() == 0


def test_work_record_errors_name_row_and_column(tmp_path: Path) -> None:
    make_commissioner("张三", "ZJ-01")
    path = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            [None, "2024-06-01", "培训帮带", "ZJ-01", None, "-3", None, None, None],
            [None, "2024-06-01", "开会", "ZJ-01", None, "十二", None, None, None],
            ["GZ-01", None, "培训帮带", "ZJ-01", None, None, None, None, None],
            ["GZ-01", "2024-06-01", "培训帮带", "ZJ-01", None, None, None, None, None],
            ["GZ-01", "2024-06-02", "培训帮带", "ZJ-01", None, None, None, None, None],
        ],
    )
    assert [error.split(":")[0] for error in import_errors(ActivityImporter, path)] == [
        "第2行 数量",
        # Within a row, problems come in the sheet's column order.
        "第3行 类型",
        "第3行 数量",
        "第4行 日期",
        "第6行 (整行)",
    ]

    path = write_csv(
        tmp_path / "bad2.csv",
        [
            HEADER,
            [None, "2024-06-01", "培训帮带", "ZJ-01", None, None, "是", None, None],
            [None, "2024-06-01", "品种引进", "ZJ-09", None, None, "是", None, None],
            [None, "2024-06-01", "品种引进", "ZJ-01", None, None, "否", "第九批", None],
        ],
    )
    assert import_errors(ActivityImporter, path) == [
        "第2行 是否试验示范: 只有“品种引进”类型的工作记录可以标记试验示范",
        "第3行 特派员: 找不到特派员“ZJ-09”（请填写编号或姓名）",
        "第4行 批次: 批次“第九批”不存在，请先用 tepai batch create 创建",
    ]
    assert Activity.objects.count() == 0


def test_changing_the_type_away_from_variety_drops_the_trial_flag(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        HEADER,
        ["GZ-07", "2024-06-01", "品种引进", None, None, "2", "是", None, None],
    ]
    run_import(ActivityImporter, write_csv(tmp_path / "a.csv", rows))
    rows[1] = ["GZ-07", "2024-06-01", "项目落地", None, None, None, None, None, None]

    run_import(ActivityImporter, write_csv(tmp_path / "b.csv", rows))

    landing = Activity.objects.get()
    assert (landing.kind, landing.is_trial, landing.quantity) == ("landing", False, 2)
