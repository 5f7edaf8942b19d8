"""Documents as HTML (the web preview) and as PDF (WeasyPrint: A4, page numbers, fonts embedded).

The HTML templates live beside this module and are rendered by an engine of their own: they are
documents, not pages of the site, and need none of its context processors or tags.
"""

from __future__ import annotations

import base64
import functools
import mimetypes
from pathlib import Path
from typing import Any

from django.template import Context, Engine
from django.utils.safestring import mark_safe

from tepai.reports.documents import svg

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def _engine() -> Engine:
    return Engine(dirs=[str(TEMPLATES)], autoescape=True)


def _data_uri(path: str) -> str | None:
    """Return a photo as a data: URI (the preview and PDF then need no media URL), or None."""
    file = Path(path)
    if not file.is_file():
        return None
    kind = mimetypes.guess_type(file.name)[0] or "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(file.read_bytes()).decode()}"


def render_html(template: str, data: dict[str, Any]) -> str:
    """Return the document as one self-contained HTML page (charts inline, photos embedded)."""
    fields = dict(data)
    fields["charts"] = [
        {**chart, "inline": mark_safe(svg.standalone(chart["svg"]))}  # drawn and escaped by svg
        for chart in data.get("charts", [])
    ]
    fields["photos"] = [
        {**photo, "src": src}
        for photo in data.get("photos", [])
        if (src := _data_uri(photo["photo"])) is not None
    ]
    return _engine().get_template(f"{template}.html").render(Context(fields))


def render_pdf(html: str) -> bytes:
    """Return the HTML document as an A4 PDF with the CJK font subset embedded."""
    import weasyprint  # imported here: only PDF output needs Pango

    pdf: bytes = weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf
