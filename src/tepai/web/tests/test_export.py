"""Exporting the current list as .xlsx: same records, import columns, masked per role."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tepai.core.importing import read_table
from tepai.core.importing.registry import get_importer
from tepai.testing.factories import make_institution
from tepai.web.tests.conftest import World

pytestmark = pytest.mark.django_db


def sheet(client: Client, url: str) -> tuple[list[str], list[list[Any]], Any]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    book = load_workbook(io.BytesIO(response.content))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:], book.active


def column(headers: list[str], rows: list[list[Any]], name: str) -> list[Any]:
    index = headers.index(name)
    return [row[index] for row in rows]


def test_it_exports_the_filtered_list_in_the_import_columns(
    world: World, audit_calls: list[tuple[str, dict[str, Any]]]
) -> None:
    client = world.client("admin")
    headers, rows, _ = sheet(client, f"/commissioners/export.xlsx?batches={world.first_batch.pk}")
    assert headers == [c.header for c in get_importer("commissioners").columns]
    assert column(headers, rows, "姓名") == ["李四"]
    assert column(headers, rows, "手机号码") == ["13900005678"]
    detail = audit_calls[-1][1]
    assert detail["personal_data_unmasked"] is True and detail["note"] == "批次：第一批"


def test_it_exports_in_the_lists_order(world: World) -> None:
    client = world.client("admin")
    headers, rows, _ = sheet(client, "/projects/export.xlsx?sort=signed_on")
    assert column(headers, rows, "项目名称") == [
        "第一批合同",
        "省重点研发",
        "印染技术服务",
        "果品分选开发",
    ]


def test_it_masks_contacts_for_users_who_may_not_see_them(
    world: World, audit_calls: list[tuple[str, dict[str, Any]]]
) -> None:
    headers, rows, _ = sheet(world.client("auditor"), "/commissioners/export.xlsx")
    phones = column(headers, rows, "手机号码")
    assert sorted(phones) == ["138****1234", "139****5678"]
    assert "z***@example.com" in column(headers, rows, "电子邮箱")
    action, detail = audit_calls[-1]
    assert action == "export"
    assert detail["registry"] == "commissioners"
    assert detail["rows"] == 2 and detail["personal_data_unmasked"] is False
    assert detail["note"] == "全部（当前用户可见范围）"


def test_a_commissioner_exports_their_own_contacts_unmasked(world: World) -> None:
    headers, rows, _ = sheet(world.client("commissioner"), "/commissioners/export.xlsx")
    assert sorted(column(headers, rows, "手机号码")) == ["13800001234", "139****5678"]


def test_an_enterprise_exports_only_what_it_may_see(world: World) -> None:
    headers, rows, _ = sheet(world.client("enterprise"), "/demands/export.xlsx")
    assert sorted(column(headers, rows, "需求名称")) == [
        "需求-draft",
        "需求-matching",
        "需求-published",
    ]


def test_formula_like_text_stays_text_and_round_trips(world: World) -> None:
    names = ['=HYPERLINK("x","y")', "+86 大学", "-研究院", "@单位"]
    for name in names:
        make_institution(name)
    response = world.client("admin").get("/institutions/export.xlsx?sort=name")
    book = load_workbook(io.BytesIO(response.content))
    cells = {
        cell.value: cell.data_type for row in book.active.iter_rows(min_row=2) for cell in row[1:2]
    }
    for name in names:
        assert cells[name] == "s", name
    table = read_table(io.BytesIO(response.content), filename="institutions.xlsx")
    result = get_importer("institutions")().run(table, dry_run=True)
    assert result.created == 0 and result.updated == result.rows


def test_an_export_is_refused_where_the_list_is(world: World) -> None:
    assert world.client("enterprise").get("/demand-lists/export.xlsx").status_code == 403


def test_exports_reach_the_audit_log(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from tepai.audit.models import AuditEntry

    monkeypatch.undo()  # the real audit call, not the recording stand-in
    world.client("auditor").get("/enterprises/export.xlsx")
    entry = AuditEntry.objects.filter(action="export").latest("at")
    assert entry.actor == world.users["auditor"]
    assert entry.detail["registry"] == "enterprises" and entry.detail["rows"] == 2
