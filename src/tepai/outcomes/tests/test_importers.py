"""Importing research outcomes and cooperation intents."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tepai.core.tests.import_helpers import (
    import_errors,
    make_commissioner,
    make_enterprise,
    make_event,
    make_institution,
    run_import,
    write_csv,
)
from tepai.institutions.models import Institution
from tepai.outcomes.importers import CooperationIntentImporter, OutcomeImporter
from tepai.outcomes.models import CooperationIntent, Outcome

pytestmark = pytest.mark.django_db

HEADER = [
    "编号",
    "成果名称",
    "成果简介",
    "完成人",
    "所属单位",
    "技术成熟度",
    "知识产权",
    "路演活动",
    "产业集群",
]
INTENT_HEADER = ["成果", "企业名称", "日期", "状态", "说明"]


def test_it_imports_outcomes(tmp_path: Path) -> None:
    zhang = make_commissioner("张三", "ZJ-01")
    li = make_commissioner("李四", "ZJ-02")
    event = make_event("成果路演会", "HD-05")
    path = write_csv(
        tmp_path / "outcomes.csv",
        [
            HEADER,
            [
                "CG-01",
                "彩棉高效纺纱技术",
                "简介",
                "ZJ-01、李四",
                "浙江理工大学",
                "TRL6",
                "发明专利2项",
                "HD-05",
                "纺织服装",
            ],
            [None, "苹果气调保鲜", "简介", None, "浙江大学", "7级", None, "成果路演会", None],
        ],
    )

    result = run_import(OutcomeImporter, path)

    assert (result.created, result.updated) == (2, 0)
    assert result.related_created == {"单位": 1}  # 浙江大学 already exists
    first = Outcome.objects.get(code="CG-01")
    assert set(first.owners.all()) == {zhang, li}
    assert first.institution is not None
    assert (first.institution.name, first.trl, first.roadshow_event, first.cluster) == (
        "浙江理工大学",
        6,
        event,
        "cotton_textile",
    )
    assert Outcome.objects.get(title="苹果气调保鲜").trl == 7


def test_it_updates_outcomes_keeping_empty_columns(tmp_path: Path) -> None:
    zhang = make_commissioner("张三", "ZJ-01")
    li = make_commissioner("李四", "ZJ-02")
    outcome = Outcome.objects.create(
        title="苹果气调保鲜", description="旧", trl=5, institution=make_institution("浙江大学")
    )
    outcome.owners.add(zhang)
    path = write_csv(
        tmp_path / "outcomes.csv",
        [
            HEADER,
            [None, "苹果气调保鲜", "新简介", "李四", None, None, "实用新型1项", None, None],
        ],
    )

    result = run_import(OutcomeImporter, path)

    assert (result.created, result.updated) == (0, 1)
    outcome.refresh_from_db()
    assert outcome.institution is not None
    assert (outcome.description, outcome.trl, outcome.institution.name) == ("新简介", 5, "浙江大学")
    assert outcome.intellectual_property == "实用新型1项"
    assert list(outcome.owners.all()) == [li]


def test_outcome_errors_name_row_and_column(tmp_path: Path) -> None:
    make_commissioner("张三")
    make_commissioner("张三", institution=make_institution("浙江理工大学"))
    path = write_csv(
        tmp_path / "outcomes.csv",
        [
            HEADER,
            [None, "成果甲", "简介", None, None, "10", None, None, None],
            [None, "成果乙", "简介", "张三", "新单位", None, None, None, None],
            [None, "成果丙", "简介", "王五", None, None, None, None, None],
        ],
    )
    errors = import_errors(OutcomeImporter, path)
    assert errors == ["第2行 技术成熟度: “10”不能大于9"]

    path = write_csv(
        tmp_path / "outcomes2.csv",
        [
            HEADER,
            [None, "成果乙", "简介", "张三", "新单位", None, None, None, None],
            [None, "成果丙", "简介", "王五", None, None, None, "某路演", None],
        ],
    )
    assert import_errors(OutcomeImporter, path) == [
        "第2行 完成人: 有多名特派员叫“张三”，请改填编号",
        "第3行 完成人: 找不到特派员“王五”（请填写编号或姓名）",
    ]
    assert Outcome.objects.count() == 0
    assert not Institution.objects.filter(name="新单位").exists()


def test_it_imports_and_updates_cooperation_intents(tmp_path: Path) -> None:
    outcome = Outcome.objects.create(code="CG-01", title="彩棉高效纺纱技术", description="简介")
    enterprise = make_enterprise("阿克苏纺织有限公司")
    path = write_csv(
        tmp_path / "intents.csv",
        [
            INTENT_HEADER,
            ["CG-01", "阿克苏纺织有限公司", "2024-06-01", "意向", "现场洽谈"],
        ],
    )
    assert run_import(CooperationIntentImporter, path).created == 1

    path = write_csv(
        tmp_path / "intents2.csv",
        [
            INTENT_HEADER,
            ["彩棉高效纺纱技术", "阿克苏纺织有限公司", "2024-09-10", "签约", None],
        ],
    )
    result = run_import(CooperationIntentImporter, path)

    assert (result.created, result.updated) == (0, 1)
    intent = CooperationIntent.objects.get()
    assert (intent.outcome, intent.enterprise, intent.date, intent.status, intent.note) == (
        outcome,
        enterprise,
        datetime.date(2024, 9, 10),
        "signed",
        "现场洽谈",
    )


def test_intents_name_the_unknown_outcome_or_enterprise(tmp_path: Path) -> None:
    Outcome.objects.create(title="彩棉高效纺纱技术", description="简介")
    path = write_csv(
        tmp_path / "intents.csv",
        [
            INTENT_HEADER,
            ["彩棉高效纺纱技术", "不存在的公司", "2024-06-01", "意向", None],
            ["不存在的成果", "不存在的公司", "2024-06-01", "意向", None],
            ["彩棉高效纺纱技术", "某公司", "2024-06-01", "洽谈", None],
        ],
    )
    errors = import_errors(CooperationIntentImporter, path)
    assert errors[0].startswith("第4行 状态: “洽谈”不是可选值")

    path = write_csv(
        tmp_path / "intents2.csv",
        [
            INTENT_HEADER,
            ["彩棉高效纺纱技术", "不存在的公司", "2024-06-01", "意向", None],
            ["不存在的成果", "不存在的公司", "2024-06-01", "意向", None],
        ],
    )
    assert import_errors(CooperationIntentImporter, path) == [
        "第2行 企业名称: 企业“不存在的公司”不存在，请先导入企业（enterprises）",
        "第3行 成果: 科技成果“不存在的成果”不存在，请先导入科技成果（outcomes）",
    ]
    assert CooperationIntent.objects.count() == 0
