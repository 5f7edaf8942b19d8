"""Template helpers of the engagement pages."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, terms: Iterable[str] | None) -> SafeString:
    """Return ``text`` escaped, with every occurrence of ``terms`` wrapped in <mark>.

    Longer terms win where terms overlap ("染色自动化" before "染色"); matching is on the
    escaped text, so a term can never inject markup.
    """
    escaped = str(escape(text or ""))
    words = sorted({str(escape(t)) for t in terms or () if t}, key=len, reverse=True)
    if not words:
        return mark_safe(escaped)
    pattern = re.compile("|".join(re.escape(word) for word in words))
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))


@register.filter
def percent(value: float | None) -> str:
    """Return a score in [0, 1] as a whole percentage ("73%"); scores may exceed 1 slightly."""
    if value is None:
        return "—"
    return f"{round(float(value) * 100)}%"
