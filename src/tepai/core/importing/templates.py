"""Blank import templates: the header row users fill in, plus a sheet explaining each column."""

from __future__ import annotations

import csv
import io

from tepai.core.importing.base import Importer

_EXPLANATION_HEADERS = ["列名", "是否必填", "说明", "示例"]


def template_rows(importer: type[Importer]) -> list[list[str]]:
    """Return the explanation table: one row per column of the template."""
    return [
        [column.header, "必填" if column.required else "选填", column.help, column.example]
        for column in importer.columns
    ]


def build_xlsx(importer: type[Importer]) -> bytes:
    """Return an .xlsx template: sheet 1 is the header to fill, sheet 2 explains the columns."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = importer.label
    required_font = Font(bold=True, color="C00000")
    for index, column in enumerate(importer.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        if column.required:
            cell.font = required_font
        note = "；".join(
            part
            for part in (
                "必填" if column.required else "选填",
                column.help,
                f"示例：{column.example}" if column.example else "",
            )
            if part
        )
        cell.comment = Comment(note, "tepai")
        sheet.column_dimensions[cell.column_letter].width = max(12, 2 * len(column.header) + 4)
    sheet.freeze_panes = "A2"

    explanation = workbook.create_sheet("填写说明")
    explanation.append(_EXPLANATION_HEADERS)
    for row in template_rows(importer):
        explanation.append(row)
    explanation.append([])
    explanation.append([importer.description or f"{importer.label}导入模板"])
    explanation.append(["第1行为表头；红色列为必填；可增加“序号”列，导入时忽略。"])
    explanation.append(["任何一行有误时整个文件不导入，错误以“第N行 列名: 原因”列出。"])
    for letter, width in zip("ABCD", (18, 10, 40, 30), strict=True):
        explanation.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_csv(importer: type[Importer]) -> bytes:
    """Return a CSV template (UTF-8 with BOM, so Excel opens the Chinese headers correctly)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.header for column in importer.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
