"""The dashboard's chart template tags: the SVG charts of :mod:`tepai.reports.documents.svg`.

The drawing lives there so that the Word and PDF documents draw exactly the same charts.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from tepai.reports.documents import svg
from tepai.reports.documents.svg import ChartLike, FigureLike

register = template.Library()


@register.simple_tag
def bar_chart(chart: ChartLike, width: int = 420) -> SafeString:
    """Return grouped horizontal bars: per group its label, then one bar per series.

    Groups where every series is zero are left out to keep the chart short.
    """
    return mark_safe(svg.bar_chart(chart, width))  # escaped while drawn


@register.simple_tag
def column_chart(chart: ChartLike, width: int = 360, height: int = 150) -> SafeString:
    """Return vertical bars over periods (one series): the KPIs by month or year."""
    return mark_safe(svg.column_chart(chart, width, height))  # escaped while drawn


@register.simple_tag
def funnel(steps: list[FigureLike], width: int = 420) -> SafeString:
    """Return a funnel: one centred bar per step, its count, and the share of the first step."""
    return mark_safe(svg.funnel(steps, width))  # escaped while drawn
