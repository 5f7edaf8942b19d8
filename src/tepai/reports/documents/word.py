"""Documents as Word files: the docxtpl templates beside this module, filled with the fields.

Charts go in as PNG (Word draws SVG only in recent versions), photos as they were uploaded.
The templates are made by scripts/build_report_templates.py and may be restyled in Word.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tepai.reports.documents import svg

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_WIDTH_MM = 150
PHOTO_WIDTH_MM = 120


def render_docx(template: str, data: dict[str, Any]) -> bytes:
    """Return the Word document made from ``template``.docx and ``data``."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage  # imported here: only Word output needs them

    document = DocxTemplate(str(TEMPLATES / f"{template}.docx"))
    fields = dict(data)
    fields["charts"] = [
        {
            **chart,
            "image": InlineImage(
                document, io.BytesIO(svg.to_png(chart["svg"])), width=Mm(CHART_WIDTH_MM)
            ),
        }
        for chart in data.get("charts", [])
    ]
    fields["photos"] = [
        {**photo, "image": InlineImage(document, photo["photo"], width=Mm(PHOTO_WIDTH_MM))}
        for photo in data.get("photos", [])
        if Path(photo["photo"]).is_file()
    ]
    document.render(fields, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
