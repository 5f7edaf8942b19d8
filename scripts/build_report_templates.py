#!/usr/bin/env python
"""Build the Word templates of tepai's documents (src/tepai/reports/documents/templates/*.docx).

The templates are docxtpl files: ordinary Word documents whose {{ fields }} and {%p for %}
loops the office may restyle and reword in Word (docs/reports.md lists the fields). This script
makes them reproducibly from scratch; run it after changing it, then commit the .docx files:

    python scripts/build_report_templates.py
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "src/tepai/reports/documents/templates"
BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "方正小标宋简体"
RED = RGBColor(0xC0, 0x00, 0x00)
FIXED_TIME = datetime.datetime(2024, 1, 1)


def _font(run_or_style: object, name: str, size: float, bold: bool = False) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold = name, Pt(size), bold
    element = run_or_style.element  # type: ignore[attr-defined]
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _page_number(paragraph: object) -> None:
    """Append "— PAGE —", Word's page-number field, to a footer paragraph."""
    paragraph.add_run("— ")  # type: ignore[attr-defined]
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    paragraph.add_run(" —")  # type: ignore[attr-defined]


def _document() -> DocumentType:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(28)
    section.left_margin, section.right_margin = Mm(26), Mm(24)
    _font(document.styles["Normal"], BODY_FONT, 14)
    document.styles["Normal"].paragraph_format.line_spacing = Pt(26)
    for level, size in ((1, 15), (2, 14)):
        style = document.styles[f"Heading {level}"]
        _font(style, HEADING_FONT if level == 1 else "楷体_GB2312", size, bold=level == 2)
        style.font.color.rgb = RGBColor(0, 0, 0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)
    return document


def _para(document: DocumentType, text: str, indent: bool = True, **style: object) -> object:
    paragraph = document.add_paragraph(text)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(28)
    if style.get("center"):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _masthead(document: DocumentType) -> None:
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("{{ title }}")
    _font(run, TITLE_FONT, 26)
    run.font.color.rgb = RED
    _para(document, "{{ period_label }}", indent=False, center=True)
    meta = _para(document, "{{ issuer }}\t\t\t{{ issued_on }}", indent=False)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "4"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    meta._p.get_or_add_pPr().append(border)  # type: ignore[attr-defined]


def _colophon(document: DocumentType) -> None:
    _para(document, "", indent=False)
    _para(document, "{{ print_line }}", indent=False)


def _table(document: DocumentType, headers: list[str], loop: str, cells: list[str]) -> None:
    """Add a table: a header row, then one row per item of ``loop`` (docxtpl {%tr %} rows)."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, header in enumerate(headers):
        table.rows[0].cells[index].text = header
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for index, cell in enumerate(cells):
        table.rows[2].cells[index].text = cell
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    _font(run, BODY_FONT, 10.5)


def _kpis(document: DocumentType, number: str = "一") -> None:
    document.add_heading(f"{number}、主要指标", level=1)
    _para(document, "{{ overview }}")
    _para(document, "{{ narrative }}")
    _para(document, "{{ comparison }}")
    _table(
        document,
        ["指标", "本期", "上期", "环比", "上年同期"],
        "k in kpis",
        [
            "{{ k.label }}（{{ k.unit }}）",
            "{{ k.value }}",
            "{{ k.previous }}",
            "{{ k.change }}",
            "{{ k.year_earlier }}",
        ],
    )


def _body(document: DocumentType) -> None:
    _kpis(document)
    document.add_heading("二、图表", level=1)
    _para(document, "{%p for chart in charts %}", indent=False)
    _para(document, "{{ chart.image }}", indent=False, center=True)
    _para(document, "图{{ loop.index }}　{{ chart.title }}（{{ chart.note }}）", False, center=True)
    _para(document, "{%p endfor %}", indent=False)
    document.add_heading("三、签约与项目落地", level=1)
    _para(document, "{{ signing_summary }}")
    _table(
        document,
        ["项目名称", "类型", "企业", "金额", "签约日期", "特派员"],
        "s in signings",
        [
            "{{ s.title }}",
            "{{ s.kind }}",
            "{{ s.enterprise }}",
            "{{ s.amount }}",
            "{{ s.signed_on }}",
            "{{ s.commissioners }}",
        ],
    )
    _para(document, "{%p for l in landings %}", indent=False)
    _para(document, "{{ l.date }}，{{ l.text }}")
    _para(document, "{%p endfor %}", indent=False)
    document.add_heading("四、工作动态", level=1)
    _para(document, "{%p for h in highlights %}", indent=False)
    _para(document, "{{ h.date }}，{{ h.text }}")
    _para(document, "{%p endfor %}", indent=False)
    _para(document, "{%p for photo in photos %}", indent=False)
    _para(document, "{{ photo.image }}", indent=False, center=True)
    _para(document, "{{ photo.photo_caption }}", indent=False, center=True)
    _para(document, "{%p endfor %}", indent=False)
    document.add_heading("五、典型案例", level=1)
    _para(document, "{%p for case in cases %}", indent=False)
    document.add_heading("{{ case.title }}", level=2)
    _para(document, "{{ case.body }}")
    _para(document, "{%p endfor %}", indent=False)
    document.add_heading("六、下一步工作", level=1)
    _para(document, "{%p for item in next['items'] %}", indent=False)
    _para(document, "{{ loop.index }}．{{ item }}")
    _para(document, "{%p endfor %}", indent=False)


def bulletin(document: DocumentType) -> None:
    _masthead(document)
    _body(document)
    _colophon(document)


def summary(document: DocumentType) -> None:
    _masthead(document)
    document.add_heading("批次概况", level=1)
    _para(document, "{{ subject }}{{ profile.sentence }}服务期为{{ period_span }}。")
    _table(
        document,
        ["派出单位", "人数", "占比"],
        "row in profile.by_institution",
        ["{{ row.name }}", "{{ row.count }}", "{{ row.percent }}%"],
    )
    _body(document)
    _colophon(document)


def notice(document: DocumentType) -> None:
    _masthead(document)
    _para(document, "各派出单位：", indent=False)
    _para(document, "{{ opening }}")
    _kpis(document)
    document.add_heading("二、各派出单位工作情况", level=1)
    _para(document, "{%p for unit in units %}", indent=False)
    document.add_heading("（{{ loop.index }}）{{ unit.name }}", level=2)
    _para(document, "{{ unit.sentence }}")
    _para(document, "{%p endfor %}", indent=False)
    document.add_heading("三、有关要求", level=1)
    _para(
        document,
        "请各派出单位加强对本单位科技特派员的跟踪管理，督促按时入疆服务、及时填报工作记录，"
        "支持特派员与受援企业深化合作，推动更多项目签约落地。",
    )
    _colophon(document)


def press(document: DocumentType) -> None:
    _para(document, "新闻通稿（草稿）", indent=False, center=True)
    headline = document.add_paragraph()
    headline.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(headline.add_run("{{ headline }}"), TITLE_FONT, 20)
    _para(document, "{%p for paragraph in paragraphs %}", indent=False)
    _para(document, "{{ paragraph }}")
    _para(document, "{%p endfor %}", indent=False)
    _colophon(document)


BUILDERS: dict[str, Callable[[DocumentType], None]] = {
    "bulletin": bulletin,
    "summary": summary,
    "notice": notice,
    "press": press,
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        document = _document()
        build(document)
        # A fixed creation time and author: the same script makes the same file.
        document.core_properties.author = "tepai"
        document.core_properties.created = FIXED_TIME
        document.core_properties.modified = FIXED_TIME
        document.core_properties.last_modified_by = "tepai"
        document.core_properties.revision = 1
        path = OUT / f"{name}.docx"
        document.save(path)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
