"""Text normalisation: one canonical form for the indexer and the query side."""

from __future__ import annotations

import re
import threading
from pathlib import Path

# Full-width ASCII letters and digits (and the few symbols that live inside numbers and
# units, such as "３．５％" or "ｍｇ／Ｌ") become half-width. The rest of the full-width block
# (，！？：；（）) is Chinese punctuation and stays: it marks clause boundaries.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}  # ０-９
_HALF_WIDTH.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_HALF_WIDTH.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_HALF_WIDTH.update({ord(c): ord(c) - 0xFEE0 for c in "％＋－．／＃＆＿"})
# Superscript and subscript digits, as in "m³" or "SiO₂", are written plainly just as often.
_HALF_WIDTH.update(
    {ord(c): ord("0") + i for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
    | {ord(c): ord("0") + i for i, c in enumerate("₀₁₂₃₄₅₆₇₈₉")}
)
_HALF_WIDTH[0x00B5] = 0x03BC  # micro sign → Greek mu, as NFKC does ("µg" and "μg")
_HALF_WIDTH[0x3000] = 0x20  # ideographic space → space, then collapsed below

_WHITESPACE = re.compile(r"\s+")
# Only ASCII letters are lower-cased: str.lower() would also fold e.g. Greek or Roman numerals.
_ASCII_UPPER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
# str.translate makes a single pass, so a letter half-widened from "Ａ" would stay upper-case in
# a combined table: widen first, then lower-case.
_TABLE_HALF = str.maketrans(_HALF_WIDTH)
_TABLE_LOWER = str.maketrans(_ASCII_UPPER)

_converter_lock = threading.Lock()
_converter_ready = False


def _to_simplified(text: str) -> str:
    """Return ``text`` in simplified Chinese (zhconv's zh-cn table, incl. regional vocabulary)."""
    global _converter_ready
    import zhconv

    if not _converter_ready:
        # zhconv builds its zh-cn table and prefix set on first use (~15 ms) into module
        # globals; do that once, under a lock, so concurrent first calls don't race on it.
        # Loading the table by path makes zhconv close the file (its default loader leaks
        # the handle: a ResourceWarning).
        with _converter_lock:
            if not _converter_ready:
                zhconv.loaddict(str(Path(zhconv.__file__).with_name("zhcdict.json")))
                zhconv.convert("臺", "zh-cn")
                _converter_ready = True
    return str(zhconv.convert(text, "zh-cn"))


def normalize(text: str) -> str:
    """Return ``text`` in the canonical form used for matching.

    Full-width ASCII letters and digits become half-width, traditional characters simplified
    (zhconv, zh-cn), ASCII letters lower-case, and runs of whitespace a single space (ends
    stripped). Chinese punctuation is kept.
    """
    if not text:
        return ""
    text = text.translate(_TABLE_HALF).translate(_TABLE_LOWER)
    if not text.isascii():
        text = _to_simplified(text)
    return _WHITESPACE.sub(" ", text).strip()
