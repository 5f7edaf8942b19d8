"""Importing commissioner rosters: the messy real-world sheets the project must accept."""

from __future__ import annotations

import csv
import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tepai.commissioners.importers import (
    CommissionerImporter,
    WorkItemImporter,
    parse_keywords,
    parse_outcomes,
)
from tepai.commissioners.models import Commissioner, WorkItem
from tepai.core.importing import ImportFailed
from tepai.core.tests.import_helpers import (
    import_errors,
    make_batch,
    make_commissioner,
    make_institution,
    run_import,
    write_csv,
    write_xlsx,
)
from tepai.institutions.models import Institution
from tepai.programs.models import Batch, InnovationCentre, Team
from tepai.recommender.conversion import expert_from

pytestmark = pytest.mark.django_db

HEADER = ["编号", "姓名", "性别", "出生日期", "工作单位", "职称", "学位", "研究方向"]
D = datetime.date

# A roster as offices really send them: a 序号 column, headers with stray and full-width
# spaces, an alias (出生年月), every date format, titles and degrees in many wordings.
MESSY_HEADER: list[Any] = [
    "序号",
    "编号",
    "姓\u3000名",
    " 性别 ",
    "出生年月",
    "工作单位*",
    "职称",
    "学位",
    "研究方向",
    "手机号码",
    "电子邮箱",
]
MESSY_ROWS: list[list[Any]] = [
    [
        1,
        "ZJ-01",
        "张  三",
        "男",
        datetime.datetime(1981, 3, 2),
        "浙江大学",
        "教授",
        "博士研究生",
        "纺织材料、印染工艺",
        13800000000.0,
        "Zhang.San@ZJU.edu.cn",
    ],
    [
        2,
        None,
        " 李四 ",
        "女",
        "1981-03-02",
        "浙江省农业科学院 ",
        "研究员",
        "工学博士",
        "果树栽培；病虫害防治",
        "138 0000 0001",
        None,
    ],
    [
        3,
        None,
        "王\u3000五",
        "男性",
        "1981/3/2",
        "\u3000浙江理工大学",
        "正高级工程师",
        "硕士研究生",
        "纺纱",
        None,
        None,
    ],
    [
        4,
        None,
        "赵六",
        "女性",
        1981.03,
        "浙江大学",
        "教授级高级工程师",
        "博士",
        "电力系统",
        None,
        None,
    ],
    [
        5,
        None,
        "钱七",
        "M",
        "1981年3月",
        "浙江省人民医院",
        "主任医师",
        "医学博士",
        "心血管",
        None,
        None,
    ],
    [6, None, "孙八", "F", "1981年3月2日", "浙江大学", "副教授", "理学硕士", "化学", None, None],
    [
        7,
        None,
        "周九",
        "男",
        "1981.03",
        "浙江省农业科学院",
        "副研究员",
        "农学博士",
        "育种",
        None,
        None,
    ],
    [
        8,
        None,
        "吴十",
        "男",
        "1975.12.31",
        "浙江理工大学",
        "高级工程师",
        "工程硕士",
        "机械",
        None,
        None,
    ],
    [
        9,
        None,
        "郑十一",
        "女",
        "１９８６－０７－０８",
        "浙江省农业科学院",
        "高级农艺师",
        "大学本科",
        "土壤",
        None,
        None,
    ],
    [
        10,
        None,
        "冯十二",
        "男",
        datetime.datetime(1979, 11, 30),
        "浙江省人民医院",
        "副主任医师",
        "博士后",
        "骨科",
        None,
        None,
    ],
    [11, None, "陈十三", "女", "1990/1/5", "浙江理工大学", "讲师", "Ph.D.", "服装设计", None, None],
    [
        12,
        None,
        "褚十四",
        "男",
        "1988年10月",
        "浙江省农业科学院",
        "助理研究员",
        "学士",
        "植保",
        None,
        None,
    ],
    [
        13,
        None,
        "卫十五",
        "男",
        "1985-06",
        "杭州新锐科技有限公司",
        "工程师",
        "本科",
        "软件",
        None,
        None,
    ],
    [
        14,
        None,
        "蒋十六",
        "女",
        "1992年2月29日",
        "浙江省农业科学院",
        "农艺师",
        "大专",
        "园艺",
        None,
        None,
    ],
]
# (name, gender, birth date, precision, institution, title, title level, degree)
MESSY_EXPECTED = [
    ("张三", "M", D(1981, 3, 2), "day", "浙江大学", "教授", "senior", "doctorate"),
    ("李四", "F", D(1981, 3, 2), "day", "浙江省农业科学院", "研究员", "senior", "doctorate"),
    ("王五", "M", D(1981, 3, 2), "day", "浙江理工大学", "正高级工程师", "senior", "master"),
    ("赵六", "F", D(1981, 3, 1), "month", "浙江大学", "教授级高级工程师", "senior", "doctorate"),
    ("钱七", "M", D(1981, 3, 1), "month", "浙江省人民医院", "主任医师", "senior", "doctorate"),
    ("孙八", "F", D(1981, 3, 2), "day", "浙江大学", "副教授", "vice_senior", "master"),
    (
        "周九",
        "M",
        D(1981, 3, 1),
        "month",
        "浙江省农业科学院",
        "副研究员",
        "vice_senior",
        "doctorate",
    ),
    ("吴十", "M", D(1975, 12, 31), "day", "浙江理工大学", "高级工程师", "vice_senior", "master"),
    (
        "郑十一",
        "F",
        D(1986, 7, 8),
        "day",
        "浙江省农业科学院",
        "高级农艺师",
        "vice_senior",
        "bachelor",
    ),
    (
        "冯十二",
        "M",
        D(1979, 11, 30),
        "day",
        "浙江省人民医院",
        "副主任医师",
        "vice_senior",
        "doctorate",
    ),
    ("陈十三", "F", D(1990, 1, 5), "day", "浙江理工大学", "讲师", "intermediate", "doctorate"),
    (
        "褚十四",
        "M",
        D(1988, 10, 1),
        "month",
        "浙江省农业科学院",
        "助理研究员",
        "intermediate",
        "bachelor",
    ),
    (
        "卫十五",
        "M",
        D(1985, 6, 1),
        "month",
        "杭州新锐科技有限公司",
        "工程师",
        "intermediate",
        "bachelor",
    ),
    ("蒋十六", "F", D(1992, 2, 29), "day", "浙江省农业科学院", "农艺师", "intermediate", "other"),
]


def _as_csv_text(cell: object) -> object:
    if isinstance(cell, datetime.datetime):
        return f"{cell.year}/{cell.month}/{cell.day}"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell


def _records() -> list[tuple[object, ...]]:
    return [
        (
            c.name,
            c.gender,
            c.birth_date,
            c.birth_date_precision,
            c.institution.name,
            c.title,
            c.title_level,
            c.degree,
        )
        for c in Commissioner.objects.select_related("institution").order_by("id")
    ]


def _counts() -> dict[str, int]:
    """Row counts of every table a roster import touches."""
    return {
        "commissioners": Commissioner.objects.count(),
        "institutions": Institution.objects.count(),
        "batches": Batch.objects.count(),
        "teams": Team.objects.count(),
        "centres": InnovationCentre.objects.count(),
        "batch links": Commissioner.batches.through.objects.count(),
        "team links": Commissioner.teams.through.objects.count(),
        "centre links": Commissioner.centres.through.objects.count(),
        "work items": WorkItem.objects.count(),
    }


def test_it_imports_a_messy_xlsx_roster_exactly(tmp_path: Path) -> None:
    make_institution("浙江大学")
    path = write_xlsx(tmp_path / "roster.xlsx", [MESSY_HEADER, *MESSY_ROWS])

    result = run_import(CommissionerImporter, path)

    assert (result.rows, result.created, result.updated) == (14, 14, 0)
    assert result.related_created == {"单位": 4}
    assert _records() == MESSY_EXPECTED
    zhang = Commissioner.objects.get(name="张三")
    assert (zhang.code, zhang.phone) == ("ZJ-01", "13800000000")
    assert zhang.email == "Zhang.San@zju.edu.cn"
    assert zhang.research_fields == ["纺织材料", "印染工艺"]
    assert Commissioner.objects.get(name="李四").phone == "13800000001"
    assert Commissioner.objects.get(name="李四").research_fields == ["果树栽培", "病虫害防治"]
    assert sorted(Institution.objects.values_list("name", flat=True)) == sorted(
        ["浙江大学", "浙江省农业科学院", "浙江理工大学", "浙江省人民医院", "杭州新锐科技有限公司"]
    )
    # Institutions created on the fly get a type guessed from their name.
    types = dict(Institution.objects.values_list("name", "type"))
    assert types["浙江省人民医院"] == "hospital"
    assert types["杭州新锐科技有限公司"] == "enterprise"


def test_it_imports_the_same_messy_roster_from_csv(tmp_path: Path) -> None:
    # In a CSV every cell is text: Excel writes a date cell as 1981/3/2, a number without ".0",
    # and 1981.03 stays the text "1981.03", which must still mean March 1981.
    rows = [[_as_csv_text(cell) for cell in row] for row in MESSY_ROWS]
    path = write_csv(tmp_path / "roster.csv", [MESSY_HEADER, *rows], encoding="gb18030")

    result = run_import(CommissionerImporter, path)

    assert result.created == 14
    assert _records() == MESSY_EXPECTED


def test_it_lists_every_bad_row_with_sheet_row_numbers(tmp_path: Path) -> None:
    make_batch("第二批")
    before = _counts()
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            ["序号", *HEADER, "手机号码", "电子邮箱"],
            [1, None, "张三", "男", "1981-03-02", "新单位甲", "教授", "博士", "纺织"],
            [],  # a blank row: skipped, but the rows below keep their sheet numbers
            [2, None, "李四", "未知", "1981-03-02", "新单位乙", "教授", "博士", "纺织"],
            [3, None, "王五", "男", "1981.13", "新单位乙", "处长", "博士", "纺织"],
            [4, None, None, "男", "1981-03-02", "新单位乙", "教授", "博士", "纺织"],
            [
                5,
                None,
                "赵六",
                "女",
                "1981-03-02",
                "新单位乙",
                "教授",
                "博士",
                "纺织",
                "12345",
                "a@",
            ],
            [
                6,
                None,
                "张 三",
                "男",
                datetime.datetime(1981, 3, 2),
                "新单位甲",
                "教授",
                "博士",
                "纺",
            ],
            [7, None, "钱七", "男", "1981-03-02", "新单位乙", "教授", "博士在读", "纺织"],
        ],
    )

    errors = import_errors(CommissionerImporter, path)

    assert [error.split(":")[0] for error in errors] == [
        "第4行 性别",
        "第5行 出生日期",
        "第5行 职称",
        "第6行 姓名",
        "第7行 手机号码",
        "第7行 电子邮箱",
        "第8行 (整行)",
        "第9行 学位",
    ]
    assert "第5行 出生日期: 无法识别的日期“1981.13”" in errors[1]
    assert errors[3] == "第6行 姓名: 不能为空"
    assert errors[6] == "第8行 (整行): 与第2行是同一条记录，重复了"
    assert _counts() == before


def test_it_writes_nothing_when_a_late_row_fails_while_saving(tmp_path: Path) -> None:
    make_batch("第二批")
    before = _counts()
    path = write_xlsx(
        tmp_path / "late.xlsx",
        [
            [*HEADER, "批次", "所属团队", "所属中心"],
            [
                None,
                "张三",
                "男",
                "1981-03-02",
                "新单位甲",
                "教授",
                "博士",
                "纺织",
                "第二批",
                "新团队",
                "新中心",
            ],
            [],
            [None, "李四", "女", "1982-05-06", "新单位乙", "教授", "博士", "纺织", "第九批"],
            [
                None,
                "王五",
                "男",
                "1983-05-06",
                "新单位丙",
                "讲师",
                "硕士",
                "纺织",
                "第二批",
                None,
                None,
            ],
        ],
    )

    errors = import_errors(CommissionerImporter, path)

    assert errors == ["第4行 批次: 批次“第九批”不存在，请先用 tepai batch create 创建"]
    # The institutions, team, centre, commissioners and links of rows 2 and 5 were undone.
    assert _counts() == before


def test_it_numbers_csv_rows_like_the_sheet_including_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "\ufeff姓名,性别,出生日期,工作单位,职称,学位,研究方向\n"
        "张三,男,1981-03-02,浙江大学,教授,博士,纺织\n"
        "\n"
        ",,,,,,\n"
        "李四,男,1981-03-02,浙江大学,教授,博士,\n",
        encoding="utf-8",
    )

    assert import_errors(CommissionerImporter, path) == ["第5行 研究方向: 不能为空"]
    assert Commissioner.objects.count() == 0


def test_it_refuses_unknown_and_missing_columns(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "cols.csv",
        [
            ["姓名", "性别", "出生日期", "工作单位", "职称", "研究方向", "爱好"],
            ["张三", "男", "1981-03-02", "浙江大学", "教授", "纺织", "下棋"],
        ],
    )

    errors = import_errors(CommissionerImporter, path)

    assert [error.split(":")[0] for error in errors] == ["第1行 爱好", "第1行 学位"]
    assert errors[1] == "第1行 学位: 缺少必填列"


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", [MESSY_HEADER, *MESSY_ROWS])
    before = _counts()
    out = StringIO()

    call_command("import", "commissioners", str(path), "--dry-run", stdout=out)

    assert "校验通过（未写入）" in out.getvalue()
    assert "新增 14 条" in out.getvalue()
    assert "单位 5 个" in out.getvalue()
    assert _counts() == before


def test_it_updates_by_code_on_reimport(tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "a.csv",
        [
            [*HEADER, "手机号码", "电子邮箱"],
            [
                "ZJ-01",
                "张三",
                "男",
                "1981-03-02",
                "浙江大学",
                "副教授",
                "博士",
                "纺织",
                "13800000000",
                "z@zju.edu.cn",
            ],
        ],
    )
    run_import(CommissionerImporter, first)
    # The clerk corrects the name and the title; phone and e-mail are left empty.
    second = write_csv(
        tmp_path / "b.csv",
        [
            HEADER,
            ["ZJ-01", "张叁", "男", "1981年3月2日", "浙江大学", "教授", "博士", "纺织、印染"],
        ],
    )

    result = run_import(CommissionerImporter, second)

    assert (result.created, result.updated) == (0, 1)
    commissioner = Commissioner.objects.get()
    assert (commissioner.name, commissioner.title_level) == ("张叁", "senior")
    assert commissioner.research_fields == ["纺织", "印染"]
    assert (commissioner.phone, commissioner.email) == ("13800000000", "z@zju.edu.cn")


def test_it_updates_by_name_birth_date_and_institution_on_reimport(tmp_path: Path) -> None:
    header = ["姓名", "性别", "出生日期", "工作单位", "职称", "学位", "研究方向", "手机号码"]
    first = write_xlsx(
        tmp_path / "a.xlsx",
        [
            header,
            ["张三", "男", "1981年3月", "浙江大学", "教授", "博士", "纺织", 13800000000.0],
            ["李四", "女", datetime.datetime(1990, 5, 6), "浙江大学", "讲师", "硕士", "印染", None],
        ],
    )
    run_import(CommissionerImporter, first)
    second = write_xlsx(
        tmp_path / "b.xlsx",
        [
            header,
            ["张 三", "男", 1981.03, " 浙江大学", "教授", "博士", "纺织", 13900000000.0],
            ["李四", "女", "1990/5/6", "浙江大学", "副教授", "博士", "印染", None],
            ["李四", "女", "1991/5/6", "浙江大学", "讲师", "硕士", "印染", None],
        ],
    )

    result = run_import(CommissionerImporter, second)

    assert (result.created, result.updated) == (1, 2)
    assert Commissioner.objects.count() == 3
    assert Commissioner.objects.get(name="张三").phone == "13900000000"
    assert Commissioner.objects.get(name="李四", birth_date=D(1990, 5, 6)).degree == "doctorate"


def test_the_batch_option_adds_everyone_to_the_batch(tmp_path: Path) -> None:
    second = make_batch("第二批")
    first = make_batch("第一批", dispatch_date=D(2023, 4, 1))
    path = write_csv(
        tmp_path / "roster.csv",
        [
            [*HEADER, "批次"],
            [None, "张三", "男", "1981-03-02", "浙江大学", "教授", "博士", "纺织", None],
            [None, "李四", "女", "1982-03-02", "浙江大学", "教授", "博士", "纺织", "第一批"],
        ],
    )
    out = StringIO()

    call_command("import", "commissioners", str(path), "--batch", "第二批", stdout=out)

    assert "新增 2 条" in out.getvalue()
    assert set(second.commissioners.values_list("name", flat=True)) == {"张三", "李四"}
    assert list(first.commissioners.values_list("name", flat=True)) == ["李四"]


def test_the_batch_option_must_name_an_existing_batch(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        [
            HEADER,
            [None, "张三", "男", "1981-03-02", "浙江大学", "教授", "博士", "纺织"],
        ],
    )

    with pytest.raises(CommandError):
        call_command(
            "import",
            "commissioners",
            str(path),
            "--batch",
            "第九批",
            stdout=StringIO(),
            stderr=StringIO(),
        )

    assert Commissioner.objects.count() == 0
    assert Institution.objects.count() == 0


def test_it_imports_work_items_and_updates_them(tmp_path: Path) -> None:
    make_commissioner("张三", "ZJ-01")
    header = ["特派员", "类型", "标题", "内容", "年份"]
    path = write_csv(
        tmp_path / "items.csv",
        [
            header,
            ["ZJ-01", "论文", "彩棉纺纱研究", "摘要", "2022"],
            ["张三", "专利", "一种纺纱机", "", ""],
        ],
    )
    assert run_import(WorkItemImporter, path).created == 2

    update = write_csv(tmp_path / "b.csv", [header, ["张三", "论文", "一种纺纱机", "", "2021"]])
    result = run_import(WorkItemImporter, update)

    assert (result.created, result.updated) == (0, 1)
    item = WorkItem.objects.get(title="一种纺纱机")
    assert (item.kind, item.year) == ("paper", 2021)


def test_work_items_name_the_unknown_commissioner(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "items.csv",
        [
            ["特派员", "类型", "标题"],
            ["无名氏", "论文", "某论文"],
        ],
    )

    with pytest.raises(ImportFailed) as failure:
        run_import(WorkItemImporter, path)

    assert str(failure.value) == "第2行 特派员: 找不到特派员“无名氏”（请填写编号或姓名）"


def test_a_person_in_two_batches_keeps_the_team_of_one_of_them(tmp_path: Path) -> None:
    first = make_batch("第一批", dispatch_date=D(2023, 4, 1))
    make_batch("第二批")
    team = Team.objects.create(name="林果团队", batch=first)
    header = [*HEADER, "批次", "所属团队"]
    row = [None, "张三", "男", "1981-03-02", "浙江大学", "教授", "博士", "林果"]
    path = write_csv(tmp_path / "two.csv", [header, [*row, "第一批、第二批", "林果团队"]])

    run_import(CommissionerImporter, path)

    assert list(Commissioner.objects.get().teams.all()) == [team]
    unknown = write_csv(tmp_path / "new.csv", [header, [*row, "第一批、第二批", "新团队"]])
    assert import_errors(CommissionerImporter, unknown) == [
        "第2行 所属团队: 多个批次都有或都没有团队“新团队”，无法确定"
    ]
    no_batch = write_csv(tmp_path / "none.csv", [header, [*row, None, "林果团队"]])
    assert import_errors(CommissionerImporter, no_batch) == [
        "第2行 所属团队: 填写团队时须同时填写批次"
    ]


# ----- 关键词 and 代表性成果: what a roster adds so its people can be matched ----------------
ROSTER = [*HEADER, "关键词", "代表性成果"]
ROSTER_PERSON = ["ZJ-01", "张三", "男", "1981-03-02", "浙江大学", "教授", "博士", "纺织、印染"]


def _roster_row(keywords: str | None, outcomes: str | None) -> list[str | None]:
    return [*ROSTER_PERSON, keywords, outcomes]


def _person(name: str, born: str, outcomes: str) -> list[str | None]:
    return [None, name, "男", born, "浙江大学", "教授", "博士", "纺织", None, outcomes]


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_keywords_are_split_like_research_fields_and_also_on_spaces() -> None:
    assert parse_keywords("翅片积灰 高支纱、纺纱/捻度；印染，machine learning\n5G 通信") == [
        "翅片积灰",
        "高支纱",
        "纺纱",
        "捻度",
        "印染",
        "machine learning",
        "5G",
        "通信",
    ]
    assert parse_keywords("纺纱　纺纱") == ["纺纱"]  # a full-width space; repeats dropped


def test_keywords_join_the_research_fields_the_matching_engine_reads(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "roster.csv", [ROSTER, _roster_row("翅片积灰 印染、高支纱", None)])

    run_import(CommissionerImporter, path)

    commissioner = Commissioner.objects.get()
    # After the 研究方向, without repeating 印染.
    assert commissioner.research_fields == ["纺织", "印染", "翅片积灰", "高支纱"]
    assert expert_from(commissioner).fields == ("纺织", "印染", "翅片积灰", "高支纱")


def test_outcome_cells_are_split_into_titles_and_notes() -> None:
    entries = parse_outcomes(
        "高支棉纱纺纱工艺优化：断头率降低30%；一种棉花、小麦通用播种机\n"
        "配比1:1的混纺工艺: 说明;;高支棉纱纺纱工艺优化\r\n彩棉育种；彩棉育种：新品种"
    )

    assert [(entry.title, entry.note) for entry in entries] == [
        ("高支棉纱纺纱工艺优化", "断头率降低30%"),  # the repeat without a 说明 adds nothing
        ("一种棉花、小麦通用播种机", ""),
        ("配比1:1的混纺工艺", "说明"),
        ("彩棉育种", "新品种"),  # a repeat with the 说明 the first lacked gives it
    ]
    assert str(entries[0]) == "高支棉纱纺纱工艺优化：断头率降低30%"


def test_outcomes_become_work_items_created_or_updated_by_title_never_twice(
    tmp_path: Path,
) -> None:
    commissioner = make_commissioner("张三", "ZJ-01")
    WorkItem.objects.create(
        commissioner=commissioner, kind="patent", title="一种棉花播种机", text="旧内容", year=2021
    )
    WorkItem.objects.create(commissioner=commissioner, kind="paper", title="棉纺：高支纱")
    cell = "高支棉纱纺纱工艺优化：断头率降低30%\n一种棉花播种机：新说明；棉纺：高支纱；彩棉育种"
    path = write_csv(tmp_path / "roster.csv", [ROSTER, _roster_row(None, cell)])

    result = run_import(CommissionerImporter, path)

    assert (result.created, result.updated) == (0, 1)
    assert result.related_created == {"代表性成果": 2}
    assert "同时新建 代表性成果 2 个" in result.summary()
    items = {item.title: (item.kind, item.text, item.year) for item in WorkItem.objects.all()}
    assert items == {
        "高支棉纱纺纱工艺优化": ("other", "断头率降低30%", None),
        # An existing item keeps its kind and year and takes the new 说明.
        "一种棉花播种机": ("patent", "新说明", 2021),
        # Exactly an existing title: that item, not a new "棉纺" with the 说明 "高支纱".
        "棉纺：高支纱": ("paper", "", None),
        "彩棉育种": ("other", "", None),
    }

    again = run_import(CommissionerImporter, path)

    assert (again.created, again.updated, again.related_created) == (0, 1, {})
    assert WorkItem.objects.count() == 4
    # An empty cell keeps the work items; so does a cell naming only some of them.
    run_import(CommissionerImporter, write_csv(tmp_path / "b.csv", [ROSTER, _roster_row("", "")]))
    assert WorkItem.objects.count() == 4


def test_a_new_commissioner_gets_the_outcomes_of_their_row(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "roster.xlsx", [ROSTER, _roster_row("纺纱", "彩棉纺纱工艺：提高色牢度")]
    )

    assert run_import(CommissionerImporter, path).created == 1

    [item] = Commissioner.objects.get().work_items.all()
    assert (item.title, item.text, item.kind) == ("彩棉纺纱工艺", "提高色牢度", "other")


def test_bad_outcome_cells_are_row_errors_and_nothing_is_written(tmp_path: Path) -> None:
    before = _counts()
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ROSTER,
            _roster_row("纺纱", "好成果：写入后会被撤销"),
            _person("李四", "1982-03-02", "：只有说明没有标题"),
            _person("王五", "1983-03-02", "长" * 301),
            _person("赵六", "1984-03-02", "同一成果：说明甲；同一成果：说明乙"),
        ],
    )

    errors = import_errors(CommissionerImporter, path)

    assert errors == [
        "第3行 代表性成果: “：只有说明没有标题”缺少标题（每项写“标题”或“标题：说明”）",
        f"第4行 代表性成果: 标题“{'长' * 20}…”超过300字",
        "第5行 代表性成果: “同一成果”写了两次，说明不同",
    ]
    assert _counts() == before


def test_an_export_with_outcomes_and_keywords_reimports_as_an_update(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "roster.csv", [ROSTER, _roster_row("翅片积灰", "彩棉纺纱：色牢度")])
    run_import(CommissionerImporter, path)
    commissioner = Commissioner.objects.get()
    WorkItem.objects.create(
        commissioner=commissioner, kind="paper", title="棉纺：高支纱", text="甲"
    )
    # A title with a separator cannot go into the cell: it stays out, and stays as it is.
    WorkItem.objects.create(commissioner=commissioner, kind="paper", title="甲；乙", text="乙")
    exported = tmp_path / "export.csv"
    call_command("export", "commissioners", "-o", str(exported), stderr=StringIO())
    [header, row] = _csv_rows(exported)
    cells = dict(zip(header, row, strict=True))
    assert cells["研究方向"] == "纺织、印染、翅片积灰"
    assert cells["关键词"] == ""
    assert cells["代表性成果"] == "彩棉纺纱；棉纺：高支纱"
    before = {item.title: (item.kind, item.text) for item in WorkItem.objects.all()}

    result = run_import(CommissionerImporter, exported)

    assert (result.created, result.updated, result.related_created) == (0, 1, {})
    assert {item.title: (item.kind, item.text) for item in WorkItem.objects.all()} == before
    commissioner.refresh_from_db()
    assert commissioner.research_fields == ["纺织", "印染", "翅片积灰"]


def test_the_template_explains_the_new_columns(tmp_path: Path) -> None:
    target = tmp_path / "template.xlsx"
    call_command("template", "commissioners", "-o", str(target), stderr=StringIO())

    explanation = {
        row[0]: row[1:] for row in load_workbook(target)["填写说明"].iter_rows(values_only=True)
    }
    assert explanation["关键词"][0] == "选填"
    assert "研究方向" in explanation["关键词"][1]
    assert explanation["代表性成果"][0] == "选填"
    assert "标题：说明" in explanation["代表性成果"][1]
