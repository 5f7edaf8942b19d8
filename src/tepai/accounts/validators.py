"""Password policy pieces Django does not ship: character classes, with Chinese messages."""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_CLASSES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("upper", lambda ch: ch.isascii() and ch.isupper()),
    ("lower", lambda ch: ch.isascii() and ch.islower()),
    ("digit", lambda ch: ch.isascii() and ch.isdigit()),
    ("symbol", lambda ch: ch in string.punctuation or ch == " " or not ch.isascii()),
)


def character_classes(password: str) -> set[str]:
    """Return which of upper, lower, digit and symbol occur in ``password``.

    Anything outside ASCII letters and digits (punctuation, spaces, Chinese) counts as a symbol.
    """
    return {name for name, test in _CLASSES if any(test(ch) for ch in password)}


class CharacterClassesValidator:
    """Require at least ``min_classes`` of: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        if not 1 <= min_classes <= len(_CLASSES):
            raise ValueError(f"min_classes must be 1–{len(_CLASSES)}")
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        found = len(character_classes(password))
        if found < self.min_classes:
            raise ValidationError(
                _(
                    "密码须包含大写字母、小写字母、数字、符号中的至少 %(min)d 类，"
                    "当前只有 %(found)d 类。"
                ),
                code="password_too_few_character_classes",
                params={"min": self.min_classes, "found": found},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "密码须包含大写字母、小写字母、数字、符号中的至少 %(min)d 类。",
            "密码须包含大写字母、小写字母、数字、符号中的至少 %(min)d 类。",
            self.min_classes,
        ) % {"min": self.min_classes}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length check with its message in our catalogue.

    Django 5.2 changed the message's msgid and its Chinese catalogue still has the old one,
    so Chinese users would read the English text.
    """

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
