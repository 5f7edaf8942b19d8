"""The `tepai import` and `tepai template` commands, the registry, and the engine's edge cases."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tepai.commissioners.importers import CommissionerImporter
from tepai.commissioners.models import Commissioner
from tepai.core.importing.registry import get_importer, importer_names
from tepai.core.tests.import_helpers import import_errors, write_csv, write_xlsx
from tepai.enterprises.importers import EnterpriseImporter
from tepai.enterprises.models import Enterprise
from tepai.institutions.importers import InstitutionImporter
from tepai.institutions.models import Institution

ROSTER_HEADER = ["姓名", "性别", "出生日期", "工作单位", "职称", "学位", "研究方向"]


@pytest.mark.parametrize("registry", importer_names())
def test_it_registers_every_importer_under_its_name(registry: str) -> None:
    importer = get_importer(registry)
    assert importer.registry == registry
    headers = [column.header for column in importer.columns]
    assert len(headers) == len(set(headers))
    keys = [column.key for column in importer.columns]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("registry", importer_names())
def test_template_header_row_is_the_importers_columns(registry: str, tmp_path: Path) -> None:
    target = tmp_path / f"{registry}.xlsx"

    call_command("template", registry, "-o", str(target), stderr=StringIO())

    workbook = load_workbook(target)
    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert header == [column.header for column in get_importer(registry).columns]
    assert workbook.worksheets[1].title == "填写说明"


@pytest.mark.django_db
def test_a_filled_in_xlsx_template_imports(tmp_path: Path) -> None:
    target = tmp_path / "template.xlsx"
    call_command("template", "commissioners", "-o", str(target), stderr=StringIO())
    workbook = load_workbook(target)
    sheet = workbook.worksheets[0]
    values = {
        "编号": "ZJ-09",
        "姓名": "张三",
        "性别": "男",
        "出生日期": "1981.03",
        "工作单位": "浙江大学",
        "职称": "教授",
        "学位": "博士",
        "研究方向": "纺织",
    }
    for index, cell in enumerate(sheet[1], start=1):
        sheet.cell(row=2, column=index, value=values.get(cell.value))
    workbook.save(target)
    out = StringIO()

    call_command("import", "commissioners", str(target), stdout=out)

    assert "新增 1 条" in out.getvalue()
    assert Commissioner.objects.get().code == "ZJ-09"


@pytest.mark.django_db
def test_a_filled_in_csv_template_imports(tmp_path: Path) -> None:
    target = tmp_path / "template.csv"
    call_command("template", "enterprises", "--format", "csv", "-o", str(target), stderr=StringIO())
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").strip().split(",")
    assert header == [column.header for column in EnterpriseImporter.columns]
    row = {"企业名称": "阿克苏纺织有限公司", "产业集群": "棉花和纺织服装"}
    with target.open("a", encoding="utf-8") as handle:
        handle.write(",".join(row.get(name, "") for name in header) + "\n")

    call_command("import", "enterprises", str(target), stdout=StringIO())

    assert Enterprise.objects.get().cluster == "cotton_textile"


@pytest.mark.django_db
def test_the_import_command_prints_every_error_and_fails(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ROSTER_HEADER,
            ["张三", "男", "1981-03-02", "浙江大学", "教授", "博士", "纺织"],
            ["李四", "人", "1981-03-02", "浙江大学", "教授", "博士", "纺织"],
            ["王五", "男", "1981-03", "浙江大学", "教授", "在读博士", "纺织"],
        ],
    )
    err = StringIO()

    with pytest.raises(CommandError, match="发现 2 处错误"):
        call_command("import", "commissioners", str(path), stdout=StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["第3行 性别", "第4行 学位"]
    assert Commissioner.objects.count() == 0
    assert Institution.objects.count() == 0


@pytest.mark.django_db
def test_the_import_command_reports_what_it_did(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "roster.xlsx",
        [
            ROSTER_HEADER,
            ["张三", "男", "1981-03-02", "浙江大学", "教授", "博士", "纺织"],
        ],
    )
    out = StringIO()

    call_command("import", "commissioners", str(path), stdout=out)

    assert out.getvalue().strip() == (
        "科技特派员导入完成：共 1 行，新增 1 条，更新 0 条；同时新建 单位 1 个。"
    )


def test_the_batch_option_is_only_for_rosters(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", [["企业名称", "产业集群"], ["甲公司", "粮油"]])
    with pytest.raises(CommandError, match="--batch"):
        call_command("import", "enterprises", str(path), "--batch", "第二批")


@pytest.mark.django_db
def test_an_excel_error_value_is_reported_not_raised(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "err.xlsx",
        [
            ["单位名称", "所在省份"],
            ["浙江大学", "#N/A"],
        ],
    )

    errors = import_errors(InstitutionImporter, path)

    assert errors == ["第2行 所在省份: 单元格是Excel错误值“#N/A”，请检查公式"]


@pytest.mark.django_db
def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "empty.csv", [ROSTER_HEADER])
    assert import_errors(CommissionerImporter, path) == ["第2行 (整行): 文件中没有数据行"]


def _tepai() -> list[str]:
    """Return the command that runs the installed `tepai` console script."""
    script = Path(sys.executable).with_name("tepai")
    if script.exists():
        return [str(script)]
    found = shutil.which("tepai")
    assert found, "the tepai console script is not installed"
    return [found]


def test_the_console_script_exits_non_zero_and_prints_the_rows(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEPAI_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["TEPAI_HOME"] = str(tmp_path / "home")
    migrated = subprocess.run(
        [*_tepai(), "migrate", "--no-input"], env=env, capture_output=True, text=True, timeout=300
    )
    assert migrated.returncode == 0, migrated.stderr
    bad = write_csv(
        tmp_path / "BAD.csv",
        [
            ["序号", *ROSTER_HEADER],
            [1, "张三", "男", "1981-03-02", "浙江大学", "教授", "博士", "纺织"],
            [2, "李四", "男", "1981-02-30", "浙江大学", "教授", "博士", "纺织"],
            [3, "", "女", "1981-03-02", "浙江大学", "教授", "博士", "纺织"],
        ],
    )

    result = subprocess.run(
        [*_tepai(), "import", "commissioners", str(bad)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode != 0
    assert "第3行 出生日期: 无法识别的日期“1981-02-30”：1981年2月没有30日" in result.stderr
    assert "第4行 姓名: 不能为空" in result.stderr
    assert "数据库未做任何修改" in result.stderr
    assert "导入完成" not in result.stdout
