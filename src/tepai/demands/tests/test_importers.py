"""Importing demand lists and technology demands."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tepai.core.tests.import_helpers import (
    import_errors,
    make_enterprise,
    make_event,
    run_import,
    write_csv,
)
from tepai.demands.importers import DemandImporter, DemandListImporter
from tepai.demands.models import Demand, DemandList, DemandTransition
from tepai.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

LIST_HEADER = ["编号", "名称", "发布日期", "发布单位", "发布活动", "说明"]
HEADER = [
    "编号",
    "企业名称",
    "需求名称",
    "问题描述",
    "现有方案及差距",
    "目标指标",
    "所需技能",
    "产业集群",
    "预算（万元）",
    "截止日期",
    "合作方式",
    "状态",
    "需求批次",
]


def test_it_imports_demand_lists(tmp_path: Path) -> None:
    event = make_event("需求发布会", "HD-03", kind="other")
    path = write_csv(
        tmp_path / "lists.csv",
        [
            LIST_HEADER,
            [
                "XQ-2024",
                "阿克苏地区2024年重大科技攻关需求",
                "2024-06-18",
                "阿克苏地区科技局",
                "HD-03",
                None,
            ],
            [None, "温宿县需求清单", None, None, "需求发布会", None],
        ],
    )

    result = run_import(DemandListImporter, path)

    assert result.created == 2
    first = DemandList.objects.get(code="XQ-2024")
    assert (first.published_on, first.publisher, first.event) == (
        datetime.date(2024, 6, 18),
        "阿克苏地区科技局",
        event,
    )
    assert DemandList.objects.get(name="温宿县需求清单").event == event


def test_it_updates_demand_lists_and_names_an_unknown_event(tmp_path: Path) -> None:
    DemandList.objects.create(name="温宿县需求清单", publisher="温宿县科技局")
    path = write_csv(
        tmp_path / "lists.csv",
        [
            LIST_HEADER,
            [None, "温宿县需求清单", "2024-07-01", None, None, "补充"],
        ],
    )
    assert run_import(DemandListImporter, path).updated == 1
    updated = DemandList.objects.get()
    assert (updated.publisher, updated.published_on) == ("温宿县科技局", datetime.date(2024, 7, 1))

    path = write_csv(
        tmp_path / "bad.csv",
        [
            LIST_HEADER,
            [None, "新清单", None, None, "不存在的会", None],
        ],
    )
    assert import_errors(DemandListImporter, path) == [
        "第2行 发布活动: 活动“不存在的会”不存在，请先导入活动（events）"
    ]


def test_it_imports_demands_creating_missing_enterprises(tmp_path: Path) -> None:
    make_enterprise("阿克苏纺织有限公司")
    listed = DemandList.objects.create(name="阿克苏地区2024年重大科技攻关需求", code="XQ-2024")
    path = write_csv(
        tmp_path / "demands.csv",
        [
            HEADER,
            [
                "D-01",
                "阿克苏纺织有限公司",
                "降低断头率",
                "细纱断头率高",
                "人工巡检",
                "断头率降低30%",
                "纺纱工艺、设备改造",
                "棉花和纺织服装",
                "50万元",
                "2025-12-31",
                "技术攻关",
                "已发布",
                "XQ-2024",
            ],
            [
                None,
                "温宿果业合作社",
                "苹果保鲜",
                "储藏损耗大",
                None,
                None,
                None,
                "果蔬",
                None,
                None,
                None,
                None,
                "阿克苏地区2024年重大科技攻关需求",
            ],
        ],
    )

    result = run_import(DemandImporter, path)

    assert (result.created, result.updated) == (2, 0)
    assert result.related_created == {"企业": 1}
    first = Demand.objects.get(code="D-01")
    assert first.required_skills == ["纺纱工艺", "设备改造"]
    assert (first.budget, first.deadline, first.collaboration_mode, first.status) == (
        Decimal("50"),
        datetime.date(2025, 12, 31),
        "tackling",
        "published",
    )
    assert list(first.transitions.values_list("from_status", "to_status", "note")) == [
        ("", "published", "导入")
    ]
    new_enterprise = Enterprise.objects.get(name="温宿果业合作社")
    assert new_enterprise.cluster == "fruit_veg"
    second = Demand.objects.get(title="苹果保鲜")
    assert second.enterprise == new_enterprise
    assert (second.status, second.cluster) == ("draft", "fruit_veg")
    assert list(second.transitions.values_list("from_status", "to_status", "note")) == [
        ("", "draft", "导入")
    ]
    assert set(listed.demands.all()) == {first, second}


def test_reimport_updates_and_records_the_status_change(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            HEADER,
            [
                None,
                "阿克苏纺织有限公司",
                "降低断头率",
                "细纱断头率高",
                None,
                None,
                "纺纱",
                "纺织服装",
                "50",
                None,
                None,
                "草稿",
                None,
            ],
        ],
    )
    run_import(DemandImporter, path)
    # Straight from 草稿 to 已签约: not a move the workflow allows, but imports record facts.
    path = write_csv(
        tmp_path / "b.csv",
        [
            HEADER,
            [
                None,
                "阿克苏纺织有限公司",
                "降低断头率",
                "细纱断头率偏高",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "已签约",
                None,
            ],
        ],
    )

    result = run_import(DemandImporter, path)

    assert (result.created, result.updated) == (0, 1)
    assert result.related_created == {}
    demand = Demand.objects.get()
    assert (demand.problem, demand.status) == ("细纱断头率偏高", "signed")
    assert (demand.budget, demand.required_skills) == (Decimal(50), ["纺纱"])
    history = demand.transitions.order_by("id").values_list("from_status", "to_status", "note")
    assert list(history) == [("", "draft", "导入"), ("draft", "signed", "导入更新")]
    # The same status again is no change and writes no history.
    run_import(DemandImporter, path)
    assert DemandTransition.objects.count() == 2


def test_demand_errors_name_row_and_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            [
                None,
                "甲公司",
                "需求一",
                "问题",
                None,
                None,
                None,
                None,
                "-5",
                "2025-02-30",
                "合伙",
                "进行中",
                None,
            ],
            [None, "甲公司", "需求二", None, None, None, None, None, None, None, None, None, None],
        ],
    )
    errors = import_errors(DemandImporter, path)
    assert [error.split(":")[0] for error in errors] == [
        "第2行 预算（万元）",
        "第2行 截止日期",
        "第2行 合作方式",
        "第2行 状态",
        "第3行 问题描述",
    ]

    path = write_csv(
        tmp_path / "bad2.csv",
        [
            HEADER,
            [
                None,
                "新公司",
                "需求一",
                "问题",
                None,
                None,
                None,
                None,
                "12.345",
                None,
                None,
                None,
                None,
            ],
            [
                None,
                "新公司",
                "需求二",
                "问题",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "不存在",
            ],
        ],
    )
    errors = import_errors(DemandImporter, path)
    assert errors[0].startswith("第2行 预算（万元）: ")
    assert errors[1] == (
        "第3行 需求批次: 需求发布批次“不存在”不存在，请先导入需求发布批次（demand-lists）"
    )
    assert (Enterprise.objects.count(), Demand.objects.count()) == (0, 0)
    assert DemandTransition.objects.count() == 0
