"""Importing projects and technology contracts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tepai.core.tests.import_helpers import (
    import_errors,
    make_batch,
    make_commissioner,
    make_enterprise,
    make_event,
    run_import,
    write_csv,
)
from tepai.demands.models import Demand
from tepai.projects.importers import ProjectImporter
from tepai.projects.models import Project

pytestmark = pytest.mark.django_db

HEADER = [
    "编号",
    "项目名称",
    "类型",
    "项目级别",
    "是否主持",
    "特派员",
    "企业名称",
    "需求编号",
    "金额（万元）",
    "签约日期",
    "签约活动",
    "状态",
    "批次",
    "说明",
]


def _row(**values: object) -> list[object]:
    """Return a project row: headers map to values, missing ones are empty."""
    return [values.get(header) for header in HEADER]


def test_it_imports_projects_and_contracts(tmp_path: Path) -> None:
    second = make_batch("第二批")
    zhang = make_commissioner("张三", "ZJ-01", batches=[second])
    li = make_commissioner("李四", "ZJ-02", batches=[second])
    enterprise = make_enterprise("阿克苏纺织有限公司")
    demand = Demand.objects.create(
        enterprise=enterprise, title="降低断头率", problem="问题", code="D-01"
    )
    event = make_event("科技合作签约仪式", "HD-04", kind="signing")
    path = write_csv(
        tmp_path / "projects.csv",
        [
            HEADER,
            _row(
                编号="XM-01",
                项目名称="新疆彩棉育种",
                类型="科研项目",
                项目级别="省部级",
                是否主持="是",
                特派员="ZJ-01、李四",
                签约日期="2024-05-01",
                状态="在研",
            ),
            _row(
                项目名称="纺纱工艺优化",
                类型="技术服务合同",
                特派员="张三",
                企业名称="阿克苏纺织有限公司",
                需求编号="降低断头率",
                **{"金额（万元）": "30万"},
                签约日期="2024/7/1",
                签约活动="HD-04",
                说明="首个合同",
            ),
        ],
    )

    result = run_import(ProjectImporter, path)

    assert (result.created, result.updated) == (2, 0)
    research = Project.objects.get(code="XM-01")
    assert (research.kind, research.level, research.led_by_commissioner, research.status) == (
        "research",
        "provincial",
        True,
        "in_progress",
    )
    assert set(research.commissioners.all()) == {zhang, li}
    assert research.batch == second  # both commissioners belong to 第二批 only
    contract = Project.objects.get(title="纺纱工艺优化")
    # Imported records are official: confirmed, counted by the KPIs (issue 11).
    assert research.state == contract.state == "confirmed"
    assert contract.enterprise == enterprise
    assert (contract.demand, contract.signing_event) == (demand, event)
    assert (contract.amount, contract.status, contract.led_by_commissioner) == (
        Decimal(30),
        "signed",
        False,
    )
    assert contract.signed_on == datetime.date(2024, 7, 1)
    assert contract.batch == second


def test_the_amount_column_and_batch_inference(tmp_path: Path) -> None:
    first = make_batch("第一批", dispatch_date=datetime.date(2023, 4, 1))
    second = make_batch("第二批")
    make_commissioner("张三", "ZJ-01", batches=[first, second])
    make_commissioner("李四", "ZJ-02", batches=[second])
    make_commissioner("王五", "ZJ-03", batches=[first])
    path = write_csv(
        tmp_path / "projects.csv",
        [
            HEADER,
            _row(
                项目名称="甲",
                类型="技术开发合同",
                特派员="ZJ-01、ZJ-02",
                **{"金额（万元）": "12.5"},
                签约日期="2024-05-01",
            ),
            _row(项目名称="乙", 类型="技术开发合同", 特派员="ZJ-01", 签约日期="2024-05-01"),
            _row(项目名称="丙", 类型="技术开发合同", 特派员="ZJ-02、ZJ-03", 签约日期="2024-05-01"),
            _row(项目名称="丁", 类型="其他", 特派员="ZJ-01", 签约日期="2024-05-01", 批次="第一批"),
        ],
    )

    run_import(ProjectImporter, path)

    batches = dict(Project.objects.values_list("title", "batch__name"))
    assert batches == {"甲": "第二批", "乙": None, "丙": None, "丁": "第一批"}
    assert Project.objects.get(title="甲").amount == Decimal("12.5")


def test_it_updates_by_title_and_date_keeping_empty_columns(tmp_path: Path) -> None:
    make_commissioner("张三", "ZJ-01")
    li = make_commissioner("李四", "ZJ-02")
    path = write_csv(
        tmp_path / "a.csv",
        [
            HEADER,
            _row(
                项目名称="纺纱工艺优化",
                类型="技术服务合同",
                特派员="ZJ-01",
                签约日期="2024-07-01",
                **{"金额（万元）": "30"},
                是否主持="是",
                说明="首个合同",
            ),
        ],
    )
    run_import(ProjectImporter, path)
    path = write_csv(
        tmp_path / "b.csv",
        [
            HEADER,
            _row(
                项目名称="纺纱工艺优化",
                类型="技术服务合同",
                特派员="ZJ-02",
                签约日期="2024-07-01",
                状态="已验收",
            ),
        ],
    )

    result = run_import(ProjectImporter, path)

    assert (result.created, result.updated) == (0, 1)
    project = Project.objects.get()
    assert (project.amount, project.led_by_commissioner, project.description) == (
        Decimal(30),
        True,
        "首个合同",
    )
    assert project.status == "accepted"
    assert list(project.commissioners.all()) == [li]


def test_project_errors_name_row_and_column(tmp_path: Path) -> None:
    make_commissioner("张三", "ZJ-01")
    path = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            _row(
                项目名称="甲", 类型="课题", 特派员="ZJ-01", 签约日期="2024-05-01", 是否主持="也许"
            ),
            _row(项目名称="乙", 类型="技术服务合同", 签约日期="2024-05-01"),
        ],
    )
    assert [error.split(":")[0] for error in import_errors(ProjectImporter, path)] == [
        "第2行 类型",
        "第2行 是否主持",
        "第3行 特派员",
    ]

    path = write_csv(
        tmp_path / "bad2.csv",
        [
            HEADER,
            _row(项目名称="甲", 类型="科研项目", 特派员="ZJ-01", 签约日期="2024-05-01"),
            _row(
                项目名称="乙",
                类型="技术服务合同",
                特派员="ZJ-01",
                签约日期="2024-05-01",
                企业名称="不存在的公司",
            ),
            _row(
                项目名称="丙",
                类型="技术服务合同",
                特派员="ZJ-01",
                签约日期="2024-05-01",
                需求编号="D-99",
            ),
            _row(
                项目名称="丁",
                类型="技术服务合同",
                特派员="ZJ-01",
                签约日期="2024-05-01",
                签约活动="某会",
            ),
        ],
    )
    assert import_errors(ProjectImporter, path) == [
        "第2行 项目级别: 科研项目必须填写项目级别（国家级/省部级/地厅级/其他）",
        "第3行 企业名称: 企业“不存在的公司”不存在，请先导入企业（enterprises）",
        "第4行 需求编号: 技术需求“D-99”不存在（请填写需求编号或需求名称）",
        "第5行 签约活动: 活动“某会”不存在，请先导入活动（events）",
    ]
    assert Project.objects.count() == 0
