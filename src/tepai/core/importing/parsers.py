"""Cell parsers for import columns that are built from model choices and cleaning functions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import translation

from tepai.core.cleaning import (
    CleaningError,
    clean_text,
    parse_decimal,
    parse_int,
    parse_partial_date,
)


def _choice_key(label: object) -> str:
    return clean_text(label).replace(" ", "").lower()


def choice(
    choices: type[models.TextChoices], aliases: Mapping[str, str] | None = None
) -> Callable[[object], str]:
    """Return a parser accepting a choice's Chinese or English label, its code, or an alias.

    Labels are read with translation switched off (the Chinese source) and in English, so the
    parser accepts both whatever language is active when the module is first imported.
    """
    lookup: dict[str, str] = {}
    with translation.override("en"):
        lookup.update({_choice_key(label): value for value, label in choices.choices})
    with translation.override(None):
        lookup.update({_choice_key(label): value for value, label in choices.choices})
        allowed = "、".join(str(label) for _, label in choices.choices)
    lookup.update({_choice_key(value): value for value in choices.values})
    lookup.update({_choice_key(alias): value for alias, value in (aliases or {}).items()})

    def parse(raw: object) -> str:
        text = clean_text(raw)
        found = lookup.get(_choice_key(text))
        if found is None:
            raise CleaningError(f"“{text}”不是可选值（可填：{allowed}）")
        return found

    return parse


def text_block(raw: object) -> str:
    """Return long text (简介, 正文) with its line breaks kept."""
    return clean_text(raw, keep_newlines=True)


def non_negative_decimal(raw: object) -> Decimal:
    return parse_decimal(raw, min_value=0)


def positive_int(raw: object) -> int:
    return parse_int(raw, min_value=0)


def year(raw: object) -> int:
    """Return a four-digit year; a full date cell gives its year."""
    if isinstance(raw, int | float) and 1900 <= raw <= 2100 and raw == int(raw):
        return int(raw)
    text = clean_text(raw).rstrip("年")
    if text.isdigit() and len(text) == 4:
        return parse_int(text, min_value=1900, max_value=2100)
    return parse_partial_date(raw).year


def trl(raw: object) -> int:
    text = clean_text(raw).upper().removeprefix("TRL").removesuffix("级")
    return parse_int(text, min_value=1, max_value=9)


def identity(raw: Any) -> Any:
    return raw
