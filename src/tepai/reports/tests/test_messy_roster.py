"""A messy roster, as offices keep them, imports into exact batch statistics."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tepai.commissioners.models import Commissioner
from tepai.core.tests.import_helpers import write_xlsx
from tepai.institutions.models import Institution
from tepai.programs.models import Batch

pytestmark = pytest.mark.django_db

HEADER = ["序号", "姓 名", "性别", "出生日期", "工作单位", "职称", "学位", "研究方向", "手机号码"]
# Ages on the dispatch date 2024-04-24 are in the comments.
MESSY_ROWS = [
    [
        1,
        "张  三",
        "男",
        datetime.datetime(1981, 3, 2),
        "浙江大学",
        "教授",
        "工学博士",
        "纺织",
        13800000001.0,
    ],  # 43
    [2, "李四", "女", "1985/4/25", "浙江理工大学 ", "副教授", "博士研究生", "印染", None],  # 38
    [
        3,
        "王　五",
        "男",
        "1979.05",
        "国网浙江省电力有限公司电力科学研究院",
        "教授级高级工程师",
        "硕士研究生",
        "空冷",
        None,
    ],  # 44
    [4, "赵六", "女", "1990年3月", "浙江工业大学", "讲师", "博士", "化工", None],  # 34
    [5, "钱七", "男", "1975年4月24日", "浙江大学", "研究员", "理学博士", "储能", None],  # 49
    [6, "孙八", "男", "1988-12-01", "浙江农林大学", "高级农艺师", "学士", "林果", None],  # 35
]


@pytest.fixture
def second_batch() -> Batch:
    call_command("batch", "create", "第二批", "--dispatch-date", "2024-04-24")
    return Batch.objects.get(name="第二批")


def test_a_messy_roster_gives_exact_statistics(
    tmp_path: Path, second_batch: Batch, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = write_xlsx(tmp_path / "名册.xlsx", [HEADER, *MESSY_ROWS])
    call_command("import", "commissioners", str(roster), "--batch", "第二批")
    capsys.readouterr()
    call_command("report", "batch", "第二批", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert report["members"] == 6
    assert report["institutions"] == 5
    assert report["average_age"] == 40.5  # (43 + 38 + 44 + 34 + 49 + 35) / 6 = 40.5
    assert report["senior_title_percent"] == 83.3  # all but the 讲师
    assert report["doctorate_percent"] == 66.7  # 4 of 6
    assert set(Commissioner.objects.values_list("name", flat=True)) == {
        "张三",
        "李四",
        "王五",
        "赵六",
        "钱七",
        "孙八",
    }


def test_a_roster_with_bad_rows_changes_nothing(tmp_path: Path, second_batch: Batch) -> None:
    bad: list[list[object]] = [
        *MESSY_ROWS[:2],
        [3, "王五", "男", "1979年13月", "新单位研究院", "教授", "博士", "空冷", None],
        [4, "赵六", "未知", "1990-03-01", "浙江工业大学", "首席科学家", "博士", "化工", None],
        *MESSY_ROWS[4:],
    ]
    roster = write_xlsx(tmp_path / "坏名册.xlsx", [HEADER, *bad])
    institutions = Institution.objects.count()
    with pytest.raises(CommandError, match="3 处错误"):
        call_command("import", "commissioners", str(roster), "--batch", "第二批")
    assert Commissioner.objects.count() == 0
    assert Institution.objects.count() == institutions
    assert not second_batch.commissioners.exists()
