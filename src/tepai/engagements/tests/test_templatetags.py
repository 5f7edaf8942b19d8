"""Highlighting matched terms never lets text inject markup."""

from __future__ import annotations

from tepai.engagements.templatetags.engagements_tags import highlight, is_low, score


def test_highlight_marks_terms_longest_first_and_escapes() -> None:
    text = "匹配要点：染色自动化、染色；<script>"
    assert highlight(text, ["染色", "染色自动化"]) == (
        "匹配要点：<mark>染色自动化</mark>、<mark>染色</mark>；&lt;script&gt;"
    )
    assert highlight("<b>", ["<b>"]) == "<mark>&lt;b&gt;</mark>"
    assert highlight("无", None) == "无"


def test_scores_are_shown_as_numbers() -> None:
    assert score(0.1914) == "0.19"
    assert score(None) == "—"
    assert is_low(0.05) and not is_low(0.2)
