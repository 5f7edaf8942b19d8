"""Importing typical cases."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tepai.activities.models import Activity
from tepai.cases.importers import CaseImporter
from tepai.cases.models import Case
from tepai.core.tests.import_helpers import import_errors, make_batch, run_import, write_csv
from tepai.projects.models import Project

pytestmark = pytest.mark.django_db

HEADER = ["编号", "标题", "正文", "关联项目", "关联工作记录", "批次"]


def _project(title: str, code: str = "", day: int = 1) -> Project:
    return Project.objects.create(
        title=title, code=code, kind="service", signed_on=datetime.date(2024, 5, day)
    )


def _activity(code: str) -> Activity:
    return Activity.objects.create(code=code, date=datetime.date(2024, 5, 1), kind="training")


def test_it_imports_cases(tmp_path: Path) -> None:
    batch = make_batch("第二批")
    first, second = _project("纺纱工艺优化", "XM-01"), _project("苹果保鲜")
    training = _activity("GZ-01")
    path = write_csv(
        tmp_path / "cases.csv",
        [
            HEADER,
            [
                "AL-01",
                "一根棉纱里的科技力量",
                "第一段\n\n第二段",
                "XM-01、苹果保鲜",
                "GZ-01",
                "第二批",
            ],
            [None, "苹果保鲜记", "正文", None, None, None],
        ],
    )

    result = run_import(CaseImporter, path)

    assert (result.created, result.updated) == (2, 0)
    case = Case.objects.get(code="AL-01")
    assert case.body == "第一段\n\n第二段"
    assert set(case.projects.all()) == {first, second}
    assert list(case.activities.all()) == [training]
    assert case.batch == batch
    assert Case.objects.get(title="苹果保鲜记").batch is None


def test_it_updates_by_title_keeping_links(tmp_path: Path) -> None:
    project = _project("纺纱工艺优化", "XM-01")
    case = Case.objects.create(title="一根棉纱里的科技力量", body="旧正文")
    case.projects.add(project)
    path = write_csv(
        tmp_path / "cases.csv",
        [
            HEADER,
            [None, "一根棉纱里的科技力量", "新正文", None, None, None],
        ],
    )

    result = run_import(CaseImporter, path)

    assert (result.created, result.updated) == (0, 1)
    case.refresh_from_db()
    assert case.body == "新正文"
    assert list(case.projects.all()) == [project]


def test_case_errors_name_row_and_column(tmp_path: Path) -> None:
    _project("纺纱工艺优化", day=1)
    _project("纺纱工艺优化", day=2)
    path = write_csv(
        tmp_path / "cases.csv",
        [
            HEADER,
            [None, "案例甲", None, None, None, None],
            [None, "案例乙", "正文", "纺纱工艺优化", None, None],
            [None, "案例丙", "正文", "XM-99", None, None],
            [None, "案例丁", "正文", None, "GZ-99", None],
        ],
    )
    assert import_errors(CaseImporter, path) == ["第2行 正文: 不能为空"]

    path = write_csv(
        tmp_path / "cases2.csv",
        [
            HEADER,
            [None, "案例乙", "正文", "纺纱工艺优化", None, None],
            [None, "案例丙", "正文", "XM-99", None, None],
            [None, "案例丁", "正文", None, "GZ-99", None],
        ],
    )
    assert import_errors(CaseImporter, path) == [
        "第2行 关联项目: 有多个项目叫“纺纱工艺优化”，请改填项目编号",
        "第3行 关联项目: 项目“XM-99”不存在，请先导入项目合同（projects）",
        "第4行 关联工作记录: 编号为“GZ-99”的工作记录不存在",
    ]
    assert Case.objects.count() == 0
