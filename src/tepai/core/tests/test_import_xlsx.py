"""The streaming .xlsx reader (issue 9 finding 3): openpyxl's values, one pass over the sheet."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tepai.core.importing import ImportFailed, read_table
from tepai.core.importing.xlsx import open_first_sheet

_SHEET = "xl/worksheets/sheet1.xml"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Every cell type and layout quirk the reader has to decode as openpyxl does: shared strings
# (plain, formatted runs, a phonetic guide), inline strings, numbers, a date and a time in
# date styles, booleans, a formula's text, an error, an ISO date, rows without a number, cells
# without a reference, a gap, a row numbered twice, a cell past the last one of its row.
_ROWS = """
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>
  <c r="D1" t="inlineStr"><is><t>日期</t></is></c><c r="E1" t="inlineStr"><is><r><t>时</t></r>
  <r><rPr><b/></rPr><t>间</t></r></is></c></row>
<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2"><v>13800138000</v></c><c r="C2"><v>1.5</v></c>
  <c r="D2" s="1"><v>29655</v></c><c r="E2" s="2"><v>0.5</v></c></row>
<row><c t="b"><v>1</v></c><c t="str"><v>公式结果</v></c><c t="e"><v>#N/A</v></c>
  <c t="d"><v>2024-04-24T00:00:00</v></c><c><v>2E3</v></c></row>
<row r="6"><c r="C6" t="inlineStr"><is><t xml:space="preserve">  空格  </t></is></c>
  <c r="B6"><v>7</v></c></row>
<row r="6"><c r="A6"><v>99</v></c></row>
<row r="7" spans="1:3"/>
<row r="8"><c r="A8" t="s"><v>4</v></c><c r="B8" t="inlineStr"/><c r="C8"><v></v></c></row>
"""
_STRINGS = (
    "<si><t>姓名</t></si>"
    "<si><r><t>出生</t></r><r><rPr><i/></rPr><t>日期</t></r></si>"
    "<si><t>手机</t><rPh sb='0' eb='1'><t>ショウ</t></rPh></si>"
    "<si><t>张三_x005F_x000D_</t></si>"
    "<si><t/></si>"
)


def _crafted(path: Path) -> Path:
    """Write an .xlsx with the cells above: openpyxl writes the package, the parts are ours."""
    template = path.with_name("template.xlsx")
    workbook = Workbook()
    # Styles 1 and 2 of the package: a date and a time span.
    workbook.active["A1"].number_format = "mm-dd-yy"
    workbook.active["B1"].number_format = "[h]:mm"
    workbook.save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == _SHEET:
                data = (
                    f'<worksheet xmlns="{_MAIN}"><sheetData>{_ROWS}</sheetData></worksheet>'
                ).encode()
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>",
                )
            target.writestr(info, data)
        target.writestr(
            "xl/sharedStrings.xml", f'<sst xmlns="{_MAIN}" count="5">{_STRINGS}</sst>'.encode()
        )
    return path


def _openpyxl_rows(path: Path) -> list[tuple[int, list[Any]]]:
    """Return what the reader returned before: openpyxl's read-only values, numbered."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = [
        (number, list(values))
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        if values
    ]
    workbook.close()
    return rows


def _our_rows(path: Path) -> list[tuple[int, list[Any]]]:
    with path.open("rb") as handle:
        reader, rows = open_first_sheet(handle)
        try:
            return list(rows)
        finally:
            reader.archive.close()


def test_values_are_openpyxls(tmp_path: Path) -> None:
    path = _crafted(tmp_path / "crafted.xlsx")
    ours = _our_rows(path)
    assert ours == _openpyxl_rows(path)
    # The cases above really are in it.
    values = dict(ours)
    assert values[1] == ["姓名", "出生日期", "手机", "日期", "时间"]
    assert values[2] == [
        "张三_x000D_",
        13800138000,
        1.5,
        datetime.datetime(1981, 3, 10),
        datetime.timedelta(hours=12),
    ]
    assert values[3] == [True, "公式结果", "#N/A", datetime.datetime(2024, 4, 24), 2000.0]
    assert values[6] == [None, 7]  # the last cell sets the width: C6 is dropped
    assert values[8] == ["", None, None]


def test_an_openpyxl_workbook_reads_alike(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "出生日期", "人数", "比例", "是否"])
    sheet.append(["李四", datetime.date(1979, 5, 6), 3, 0.25, False])
    sheet.append([None, datetime.datetime(2024, 1, 2, 3, 4), None, None, None])
    sheet["G9"] = "远处的格"
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    assert _our_rows(path) == _openpyxl_rows(path)


def test_the_sheet_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl's read-only mode parsed a sheet without <dimension> twice (once to size it)."""
    path = tmp_path / "book.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["名称"])
    sheet.append(["浙江大学"])
    workbook.save(path)
    opened: list[str] = []
    original = zipfile.ZipFile.open

    def counting_open(self: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(name if isinstance(name, str) else name.filename)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    table = read_table(path)
    assert [row.cells for row in table.rows] == [{"名称": "浙江大学"}]
    assert opened.count(_SHEET) == 1


@pytest.mark.parametrize(
    "sheet_xml",
    [
        b"<worksheet><sheetData><row><c><v>1</v>",  # cut off
        f'<worksheet xmlns="{_MAIN}"><sheetData><row><c t="s"><v>7</v></c></row>'
        "</sheetData></worksheet>".encode(),  # no shared string 7
        f'<worksheet xmlns="{_MAIN}"><sheetData><row><c><v>一</v></c></row>'
        "</sheetData></worksheet>".encode(),  # not a number
    ],
)
def test_a_broken_sheet_is_refused_clearly(tmp_path: Path, sheet_xml: bytes) -> None:
    template = tmp_path / "template.xlsx"
    Workbook().save(template)
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, sheet_xml if info.filename == _SHEET else source.read(info))
    with pytest.raises(ImportFailed) as caught:
        read_table(path)
    assert "无法读取 Excel 文件" in str(caught.value)
