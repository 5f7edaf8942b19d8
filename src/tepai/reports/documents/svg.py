"""Charts drawn as SVG on the server: no JavaScript library, no external file.

The dashboard's template tags (``tepai.web.templatetags.charts``) and the Word/PDF documents
(``tepai.reports.documents``) draw the same charts with these functions. Every bar and funnel
step is wrapped in a link to the list of the records it counts (the figure's ``url``); a figure
without a URL (always, in documents) is drawn without a link. :func:`standalone` turns a chart
into a self-contained SVG file (namespace, size, styles) for PDF and for PNG conversion.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Protocol

from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy


class FigureLike(Protocol):
    """A number to draw: ``tepai.web.figures.Figure`` or anything with these attributes."""

    @property
    def label(self) -> str: ...
    @property
    def value(self) -> int: ...
    @property
    def url(self) -> str | None: ...


class SeriesLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def figures(self) -> Sequence[FigureLike]: ...


class ChartLike(Protocol):
    """A chart: ``tepai.web.dashboard_figures.Chart`` or anything with these attributes."""

    @property
    def title(self) -> str: ...
    @property
    def groups(self) -> Sequence[str]: ...
    @property
    def series(self) -> Sequence[SeriesLike]: ...


PALETTE = ("#1f5fa8", "#6aa5dc", "#f0a04b", "#7f9c3d")
FONT = 13


def _attrs(**attrs: object) -> str:
    return " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not None
    )


def _text(x: float, y: float, content: str, **attrs: object) -> str:
    position = _attrs(x=round(x, 1), y=round(y, 1), **attrs)
    return f"<text {position}>{conditional_escape(content)}</text>"


def _rect(**attrs: object) -> str:
    rounded = {k: round(v, 1) if isinstance(v, float) else v for k, v in attrs.items()}
    return f"<rect {_attrs(**rounded)}/>"


def _linked(figure: FigureLike, body: str, title: str) -> str:
    inner = f"<title>{conditional_escape(title)}</title>{body}"
    if figure.url is None:
        return f"<g>{inner}</g>"
    return f"<a {_attrs(href=figure.url, class_='chart-link')}>{inner}</a>"


def _svg(width: int, height: float, label: str, body: Sequence[str], kind: str = "") -> str:
    head = _attrs(
        viewBox=f"0 0 {width} {math.ceil(height)}",
        role="img",
        aria_label=label,
        class_=f"chart {kind}".strip(),
    )
    return f"<svg {head}>{''.join(body)}</svg>"


def bar_chart(chart: ChartLike, width: int = 420) -> str:
    """Return grouped horizontal bars: per group its label, then one bar per series.

    Groups where every series is zero are left out to keep the chart short.
    """
    label_width = 0
    bar_height, gap, group_gap = 14, 3, 12
    right = 56
    peak = max((f.value for s in chart.series for f in s.figures), default=0) or 1
    scale = (width - label_width - right) / peak
    parts: list[str] = []
    x = 0.0
    for index, series in enumerate(chart.series):
        color = PALETTE[index % len(PALETTE)]
        parts.append(_rect(x=x, y=2, width=12, height=12, fill=color))
        parts.append(_text(x + 16, 13, series.name, font_size=FONT, class_="legend"))
        x += 32 + FONT * len(series.name)
    y = 30.0
    for group_index, group in enumerate(chart.groups):
        figures = [s.figures[group_index] for s in chart.series]
        if not any(f.value for f in figures):
            continue
        parts.append(_text(0, y + FONT - 1, group, font_size=FONT, class_="group-label"))
        y += FONT + 5
        for index, (series, figure) in enumerate(zip(chart.series, figures, strict=True)):
            length = max(figure.value * scale, 2)
            color = PALETTE[index % len(PALETTE)]
            bar = _rect(x=label_width, y=y, width=length, height=bar_height, fill=color, rx=2)
            value = _text(
                label_width + length + 5, y + bar_height - 3, str(figure.value), font_size=FONT
            )
            title = f"{group} · {series.name}：{figure.value}"
            parts.append(_linked(figure, bar + value, title))
            y += bar_height + gap
        y += group_gap
    if y == 30.0:
        parts.append(_text(0, y + FONT, "—", font_size=FONT, class_="muted"))
        y += 2 * FONT
    return _svg(width, y, chart.title, parts, "bars")


MONTHS = (
    gettext_lazy("1月"),
    gettext_lazy("2月"),
    gettext_lazy("3月"),
    gettext_lazy("4月"),
    gettext_lazy("5月"),
    gettext_lazy("6月"),
    gettext_lazy("7月"),
    gettext_lazy("8月"),
    gettext_lazy("9月"),
    gettext_lazy("10月"),
    gettext_lazy("11月"),
    gettext_lazy("12月"),
)
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_DAY = re.compile(r"(\d{2})-(\d{2})")


def ticks(labels: Sequence[str]) -> list[tuple[str, str]]:
    """Return each bar's tick as (its own line, the line under it) from its period label.

    "2024-05" → ("5月", "2024"), "2024-Q2" → ("Q2", "2024"), "05-03" (a day) → ("3", "5月"),
    "2024" → ("2024", ""). The second line names the year (the month, for days) only where it
    changes, so "24-05" is never left to guess and each tick stays short enough to read.
    """
    result: list[tuple[str, str]] = []
    previous = ""
    for label in labels:
        if match := _MONTH.fullmatch(label):
            own, under = str(MONTHS[int(match[2]) - 1]), match[1]
        elif match := _QUARTER.fullmatch(label):
            own, under = f"Q{match[2]}", match[1]
        elif match := _DAY.fullmatch(label):
            own, under = str(int(match[2])), str(MONTHS[int(match[1]) - 1])
        else:
            own, under = label, ""
        result.append((own, under if under != previous else ""))
        previous = under or previous
    return result


# Tick text size in the chart's own units: the dashboard draws the chart 360 wide into cards
# about 300 px wide on a phone, so 12 reads as ~10 px there and 13-14 px on a desktop.
TICK = 12
# The width a tick needs (a few glyphs and a gap): fewer ticks than bars beyond that.
TICK_ROOM = TICK * 2.6


def column_chart(chart: ChartLike, width: int = 360, height: int = 150) -> str:
    """Return vertical bars over periods (one series): the KPIs by month or year."""
    figures = chart.series[0].figures if chart.series else []
    top, bottom = 18, 2 * TICK + 12
    plot = height - top - bottom
    count = max(len(figures), 1)
    # A few periods get bars of a sensible width, centred, rather than the whole chart each.
    slot = min(width / count, 56.0)
    left = (width - slot * count) / 2
    peak = max((f.value for f in figures), default=0) or 1
    every = max(1, math.ceil(TICK_ROOM / slot))
    labels = ticks([f.label for f in figures])
    shown_under = ""
    parts = [f"<line {_attrs(x1=0, y1=top + plot, x2=width, y2=top + plot, class_='axis')}/>"]
    for index, figure in enumerate(figures):
        x = left + index * slot
        bar_height = figure.value / peak * plot
        bar_y = top + plot - bar_height
        body = _rect(
            x=x + slot * 0.15,
            y=bar_y,
            width=slot * 0.7,
            height=max(bar_height, 1.0),
            fill=PALETTE[0],
            rx=1,
        )
        # A transparent full-height target keeps short bars easy to tap.
        body += _rect(x=x, y=top, width=slot, height=plot, fill="transparent")
        if figure.value and count <= 16:
            body += _text(
                x + slot / 2, bar_y - 4, str(figure.value), font_size=11, text_anchor="middle"
            )
        parts.append(_linked(figure, body, f"{figure.label}：{figure.value}"))
        own, under = labels[index]
        shown_under = under or shown_under
        if index % every:
            continue
        centre = x + slot / 2
        baseline = top + plot + TICK + 3
        parts.append(
            _text(centre, baseline, own, font_size=TICK, text_anchor="middle", class_="tick")
        )
        # The year (or month) under the first tick shown of it, even if its first bar had none.
        if shown_under:
            parts.append(
                _text(
                    centre,
                    baseline + TICK + 2,
                    shown_under,
                    font_size=TICK,
                    text_anchor="middle",
                    class_="tick",
                )
            )
            shown_under = ""
    return _svg(width, height, chart.title, parts)


def funnel(steps: Sequence[FigureLike], width: int = 420) -> str:
    """Return a funnel: one centred bar per step, its count, and the share of the first step."""
    row, gap = 30, 8
    label_width, value_width = 72, 96
    area = width - label_width - value_width
    first = steps[0].value if steps else 0
    peak = max((s.value for s in steps), default=0) or 1
    parts: list[str] = []
    for index, step in enumerate(steps):
        y = index * (row + gap)
        length = max(step.value / peak * area, 4)
        x = label_width + (area - length) / 2
        color = PALETTE[0] if index == 0 else PALETTE[1]
        share = f"{step.value * 100 / first:.0f}%" if first and index else ""
        body = (
            _rect(x=x, y=y, width=length, height=row, fill=color, rx=3)
            + _text(0, y + row / 2 + 5, step.label, font_size=14)
            + _text(
                label_width + area + 8,
                y + row / 2 + 5,
                f"{step.value}" + (f"（{share}）" if share else ""),
                font_size=14,
                class_="funnel-value",
            )
        )
        parts.append(_linked(step, body, f"{step.label}：{step.value}"))
    height = len(steps) * (row + gap)
    return _svg(width, height, "funnel", parts, "funnel")


# The dashboard styles its charts from tepai.css; a document carries the same look inside the
# SVG. The font is named: cairo (PNG for Word) picks no fallback font per glyph, so a Chinese
# label needs a CJK family, and WenQuanYi Micro Hei is the one CI installs.
FONT_FAMILY = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
DOCUMENT_STYLE = (
    f"text {{ font-family: {FONT_FAMILY}; fill: #1d2733; }} "
    ".tick, .legend, .muted { fill: #5b6673; } "
    ".axis { stroke: #c9d1da; stroke-width: 1; }"
)
_VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')


def size(svg: str) -> tuple[int, int]:
    """Return the width and height of a chart drawn by this module (from its viewBox)."""
    match = _VIEWBOX.search(svg)
    if match is None:
        raise ValueError("not a chart drawn by tepai.reports.documents.svg")
    return int(match[1]), int(match[2])


def standalone(svg: str) -> str:
    """Return the chart as an SVG file of its own: namespace, size and styles included."""
    width, height = size(svg)
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="{FONT_FAMILY}"'
    )
    # Text fills are given as attributes as well: some renderers ignore <style> in SVG.
    body = svg.replace("<text ", '<text fill="#1d2733" ')
    body = body.replace('class="axis"', 'class="axis" stroke="#c9d1da"')
    return opening + body[len("<svg") :].replace(">", f"><style>{DOCUMENT_STYLE}</style>", 1)


def to_png(svg: str, scale: float = 3.0) -> bytes:
    """Return the chart as a PNG image, ``scale`` pixels per SVG unit (3: sharp in print)."""
    import cairosvg  # imported here: the dashboard never needs cairo

    png: bytes = cairosvg.svg2png(bytestring=standalone(svg).encode(), scale=scale)
    return png
