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
def score(value: float | None) -> str:
    """Return a matching score with two decimals ("0.19").

    Scores are the engine's absolute fused scores (comparable across demands), not shares of
    a best match, so they are shown as numbers rather than as percentages that would read
    as "19% suitable".
    """
    if value is None:
        return "—"
    return f"{float(value):.2f}"


# Below this score a pairing shares little with the demand (the matching service's own
# threshold for recommending demands); pages flag it for a second look.
LOW_SCORE = 0.10


@register.filter
def is_low(value: float | None) -> bool:
    return value is not None and float(value) < LOW_SCORE
