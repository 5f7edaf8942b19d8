"""`tepai export`: every registry's export re-imports as a no-op, and personal data is masked."""

from __future__ import annotations

import csv
import datetime
import io
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from tepai.activities.models import Activity, ActivityKind
from tepai.cases.models import Case
from tepai.commissioners.importers import CommissionerImporter
from tepai.commissioners.models import Commissioner, DatePrecision, WorkItem, WorkItemKind
from tepai.core.choices import Degree, Gender, IndustryCluster, TitleLevel
from tepai.core.importing import read_table
from tepai.core.importing.exporting import (
    Cell,
    export,
    export_rows,
    format_cell,
    write_csv,
    write_xlsx,
)
from tepai.core.importing.registry import get_importer, importer_names
from tepai.core.personal_data import is_masked
from tepai.core.tests.import_helpers import (
    make_batch,
    make_commissioner,
    make_enterprise,
    make_event,
    run_import,
)
from tepai.core.tests.import_helpers import write_csv as write_csv_rows
from tepai.demands.models import Demand, DemandList, DemandStatus
from tepai.demo.loader import load_demo
from tepai.enterprises.importers import EnterpriseImporter
from tepai.enterprises.models import Enterprise
from tepai.programs.models import InnovationCentre, Team
from tepai.projects.models import Project, ProjectKind, ProjectLevel, ProjectStatus

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Enough for a table and its prefetches; an export that queried per row would need dozens.
MAX_EXPORT_QUERIES = 8


def _counts() -> dict[str, int]:
    """Return the row count of every table, many-to-many tables included.

    The audit log is left out: each export is recorded there, which is not a data change.
    """
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label != "audit"
    }


def _export_file(registry: str, path: Path, *options: str) -> str:
    err = StringIO()
    call_command("export", registry, "-o", str(path), *options, stderr=err)
    return err.getvalue()


def _table(data: bytes, fmt: str) -> list[list[str]]:
    """Return a file's cells as text, the header first."""
    if fmt == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def test_it_round_trips_every_registry_of_the_demo(tmp_path: Path) -> None:
    load_demo()
    for registry in importer_names():
        importer = get_importer(registry)
        before = _counts()
        with CaptureQueriesContext(connection) as queries:
            first = export(registry, fmt="csv", unmask=True).data
        assert len(queries) <= MAX_EXPORT_QUERIES, (registry, len(queries))
        rows = len(_table(first, "csv")) - 1
        assert rows == importer.model._default_manager.count() > 0, registry
        assert _table(first, "csv")[0] == [column.header for column in importer.columns]

        for fmt in ("xlsx", "csv"):
            path = tmp_path / f"{registry}.{fmt}"
            summary = _export_file(registry, path, "--format", fmt, "--include-personal-data")
            assert f"已导出 {importer.label} {rows} 条" in summary

            result = run_import(importer, path)

            assert (registry, fmt, result.created, result.updated) == (registry, fmt, 0, rows)
            assert not result.related_created, (registry, fmt)
            assert _counts() == before, (registry, fmt)
        # Nothing changed either: exporting again gives the same file.
        assert export(registry, fmt="csv", unmask=True).data == first, registry


def test_it_masks_phones_and_emails_and_a_masked_file_keeps_the_real_ones(tmp_path: Path) -> None:
    load_demo()
    phones = dict(Commissioner.objects.values_list("pk", "phone"))
    emails = dict(Commissioner.objects.values_list("pk", "email"))
    contacts = dict(Enterprise.objects.values_list("pk", "contact_phone"))
    assert any(phones.values()) and any(emails.values()) and any(contacts.values())

    for registry, importer in (
        ("commissioners", CommissionerImporter),
        ("enterprises", EnterpriseImporter),
    ):
        for fmt in ("csv", "xlsx"):
            path = tmp_path / f"{registry}.{fmt}"
            summary = _export_file(registry, path, "--format", fmt)
            assert "联系方式已脱敏" in summary
            text = "\n".join(",".join(row) for row in _table(path.read_bytes(), fmt))
            assert not MOBILE.search(text), (registry, fmt, MOBILE.search(text))
            assert "****" in text

            result = run_import(importer, path)

            assert (result.created, result.updated) == (0, importer.model.objects.count())
    assert dict(Commissioner.objects.values_list("pk", "phone")) == phones
    assert dict(Commissioner.objects.values_list("pk", "email")) == emails
    assert dict(Enterprise.objects.values_list("pk", "contact_phone")) == contacts
    unmasked = _export_file("commissioners", tmp_path / "full.csv", "--include-personal-data")
    assert "含完整联系方式" in unmasked
    assert MOBILE.search((tmp_path / "full.csv").read_text(encoding="utf-8-sig"))


def test_it_formats_values_as_the_importer_parses_them_whatever_the_language() -> None:
    batch = make_batch("第二批", code="B-02")
    team = Team.objects.create(name="纺织服装团队", batch=batch)
    centre = InnovationCentre.objects.create(name="浙阿纺织服装科技创新中心")
    person = make_commissioner(
        "李四",
        code="ZJ2-01",
        batches=[batch],
        gender=Gender.FEMALE,
        birth_date=datetime.date(1981, 3, 1),
        birth_date_precision=DatePrecision.MONTH,
        title="教授级高级工程师（正高）",
        title_level=TitleLevel.SENIOR,
        degree=Degree.MASTER,
        research_fields=["纺织材料", "印染工艺"],
        phone="13812345678",
        email="lisi@example.edu.cn",
    )
    person.teams.add(team)
    person.centres.add(centre)
    for title in ("彩棉纺纱工艺", "一种纺纱机；及其控制方法", "棉纺：高支纱"):
        WorkItem.objects.create(commissioner=person, kind=WorkItemKind.PATENT, title=title)
    uncoded = make_commissioner("王五", birth_date=datetime.date(1979, 12, 31))
    enterprise = make_enterprise(code="QY-001")
    demand = Demand.objects.create(
        enterprise=enterprise,
        title="棉纱断头",
        problem="断头率高",
        cluster=IndustryCluster.COTTON_TEXTILE,
        budget=Decimal("100.00"),
        status=DemandStatus.PUBLISHED,
    )
    DemandList.objects.create(name="2024年需求").demands.add(demand)
    project = Project.objects.create(
        code="XM-001",
        title="彩棉纺纱工艺优化",
        kind=ProjectKind.RESEARCH,
        level=ProjectLevel.PROVINCIAL,
        led_by_commissioner=True,
        enterprise=enterprise,
        demand=demand,
        amount=Decimal("12.50"),
        signed_on=datetime.date(2024, 7, 1),
        signing_event=make_event("集中签约", code="HD-01"),
        status=ProjectStatus.IN_PROGRESS,
        batch=batch,
    )
    project.commissioners.set([person, uncoded])

    def rows(registry: str, **options: object) -> list[dict[str, object]]:
        headers, values = export_rows(registry, **options)  # type: ignore[arg-type]
        return [dict(zip(headers, row, strict=True)) for row in values]

    translation.activate("en")
    people = {row["姓名"]: row for row in rows("commissioners")}
    [demand_row] = rows("demands")
    [project_row] = rows("projects")

    assert people["李四"] == {
        "编号": "ZJ2-01",
        "姓名": "李四",
        "性别": "女",
        "出生日期": "1981-03",
        "工作单位": "浙江大学",
        "职称": "教授级高级工程师（正高）",
        "学位": "硕士",
        "研究方向": "纺织材料、印染工艺",
        "批次": "第二批",
        "所属团队": "纺织服装团队",
        "所属中心": "浙阿纺织服装科技创新中心",
        "手机号码": "138****5678",
        "电子邮箱": "l***@example.edu.cn",
        "个人简介": "",
        # Keywords were stored with the 研究方向; titles with a ； would read back as two.
        "关键词": None,
        "代表性成果": "彩棉纺纱工艺；棉纺：高支纱",
    }
    assert people["王五"]["出生日期"] == "1979-12-31"
    assert people["王五"]["批次"] == ""
    assert rows("commissioners", unmask=True)[0]["手机号码"] == "13812345678"
    assert demand_row["预算（万元）"] == "100"
    assert (demand_row["企业名称"], demand_row["状态"], demand_row["产业集群"]) == (
        "阿克苏纺织有限公司",
        "已发布",
        "棉花和纺织服装",
    )
    assert demand_row["需求批次"] == "2024年需求"
    assert demand_row["截止日期"] is None
    assert project_row["金额（万元）"] == "12.5"
    assert (project_row["类型"], project_row["项目级别"], project_row["状态"]) == (
        "科研项目",
        "省部级",
        "执行中",
    )
    assert project_row["是否主持"] == "是"
    assert project_row["签约日期"] == "2024-07-01"
    # Commissioners by 编号, or by name when they have none (ordered by name).
    assert project_row["特派员"] == "ZJ2-01、王五"
    assert (project_row["需求编号"], project_row["签约活动"], project_row["批次"]) == (
        "棉纱断头",
        "HD-01",
        "第二批",
    )


def test_it_formats_cells() -> None:
    assert format_cell(Decimal("168.00")) == "168"
    assert format_cell(Decimal("1E+2")) == "100"
    assert format_cell(Decimal("0.050")) == "0.05"
    assert format_cell(False) == "否"
    assert format_cell(3) == 3
    assert format_cell(["a", None, "", "b"]) == "a、b"
    with pytest.raises(TypeError):
        format_cell(make_batch())


def test_it_keeps_text_that_looks_like_a_formula_as_text() -> None:
    rows: list[list[Cell]] = [["=1+1", "\x01控制字符", 5, None]]

    xlsx = load_workbook(io.BytesIO(write_xlsx(["A", "B", "C", "D"], rows)), read_only=True)
    values = list(xlsx.worksheets[0].iter_rows(values_only=True))

    assert values[1][:3] == ("=1+1", "控制字符", 5)
    assert write_csv(["A"], [["x,y"]]).startswith("\ufeff".encode())


def test_it_keeps_a_masked_landline_and_takes_a_new_number(tmp_path: Path) -> None:
    kept = make_enterprise("甲公司", contact_phone="0997-1234567", contact_email="a@b.cn")
    replaced = make_enterprise("乙公司", contact_phone="13800001111")
    header = ["企业名称", "产业集群", "联系电话", "电子邮箱"]
    path = write_csv_rows(
        tmp_path / "enterprises.csv",
        [
            header,
            ["甲公司", "棉花和纺织服装", "0997-***4567", "a***@b.cn"],
            ["乙公司", "棉花和纺织服装", "13900002222", ""],
            ["丙公司", "棉花和纺织服装", "139****2222", ""],
        ],
    )

    result = run_import(EnterpriseImporter, path)

    assert (result.created, result.updated) == (1, 2)
    kept.refresh_from_db()
    replaced.refresh_from_db()
    assert (kept.contact_phone, kept.contact_email) == ("0997-1234567", "a@b.cn")
    assert replaced.contact_phone == "13900002222"
    # A new record cannot learn a masked number: it is left empty.
    assert Enterprise.objects.get(name="丙公司").contact_phone == ""
    assert is_masked("0997-***4567") and is_masked("w***@x.cn") and not is_masked("138")


def _queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def _add_people(batch_name: str, count: int) -> None:
    batch = make_batch(batch_name)
    team = Team.objects.create(name=f"{batch_name}团队", batch=batch)
    centre = InnovationCentre.objects.create(name=f"{batch_name}中心")
    enterprise = make_enterprise(f"{batch_name}企业")
    for index in range(count):
        person = make_commissioner(f"{batch_name}{index}", batches=[batch])
        person.teams.add(team)
        person.centres.add(centre)
        project = Project.objects.create(
            title=f"{batch_name}项目{index}",
            kind=ProjectKind.SERVICE_CONTRACT,
            enterprise=enterprise,
            signed_on=datetime.date(2024, 7, 1),
            batch=batch,
        )
        project.commissioners.add(person)
        activity = Activity.objects.create(
            code=f"{batch_name}-{index}", date=datetime.date(2024, 7, 1), kind=ActivityKind.VISIT
        )
        activity.commissioners.add(person)
        activity.enterprises.add(enterprise)
        case = Case.objects.create(title=f"{batch_name}案例{index}", body="正文", batch=batch)
        case.projects.add(project)
        case.activities.add(activity)


@pytest.mark.parametrize("registry", ["commissioners", "projects", "activities", "cases"])
def test_it_exports_with_a_number_of_queries_that_does_not_grow_with_rows(registry: str) -> None:
    _add_people("第一批", 2)
    few = _queries(lambda: export(registry, fmt="csv"))
    _add_people("第二批", 20)

    many = _queries(lambda: export(registry, fmt="csv"))

    assert many == few


def test_it_exports_one_batch_and_refuses_registries_without_batches(tmp_path: Path) -> None:
    _add_people("第一批", 2)
    _add_people("第二批", 3)
    path = tmp_path / "roster.csv"

    summary = _export_file("commissioners", path, "--format", "csv", "--batch", "第二批")

    assert summary.startswith("已导出 科技特派员 3 条（批次：第二批；联系方式已脱敏）")
    names = [row[1] for row in _table(path.read_bytes(), "csv")[1:]]
    assert names == ["第二批0", "第二批1", "第二批2"]
    with pytest.raises(CommandError, match="企业（enterprises）不属于批次"):
        _export_file("enterprises", path, "--batch", "第二批")
    with pytest.raises(CommandError, match="批次“第九批”不存在"):
        _export_file("cases", path, "--batch", "第九批")


def test_it_takes_the_format_from_the_output_file_name(tmp_path: Path) -> None:
    make_batch("第二批")

    _export_file("batches", tmp_path / "batches.csv")
    _export_file("batches", tmp_path / "batches.xlsx")

    assert (tmp_path / "batches.csv").read_bytes().startswith("\ufeff".encode())
    assert (tmp_path / "batches.xlsx").read_bytes().startswith(b"PK")
    with pytest.raises(CommandError, match="扩展名"):
        _export_file("batches", tmp_path / "batches.csv", "--format", "xlsx")


def test_it_refuses_to_write_xlsx_to_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)

    with pytest.raises(CommandError, match="二进制"):
        call_command("export", "institutions", stderr=StringIO())


def test_it_writes_csv_to_standard_output(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    make_batch("第二批", code="B-02")

    call_command("export", "batches", "--format", "csv")

    out, err = capsysbinary.readouterr()
    text = out.decode("utf-8-sig")
    assert text.splitlines()[1] == '"B-02","第二批","2024-04-24","","","",""'
    assert "已导出 批次 1 条" in err.decode()
    table = read_table(io.BytesIO(out), filename="batches.csv")
    assert table.rows[0].cells["批次名称"] == "第二批"
