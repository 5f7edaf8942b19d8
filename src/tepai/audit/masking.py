"""Masking of phones and e-mails inside free text (object names, logged values, notes)."""

from __future__ import annotations

import re

from tepai.core.admin_helpers import mask_email

_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[-‐－—](\d{7,8})(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def mask_text(text: str) -> str:
    """Return ``text`` with every mobile, landline and e-mail in it masked (138****1234)."""
    text = _MOBILE.sub(r"\1****\2", text)
    text = _LANDLINE.sub(
        lambda m: f"{m.group(1)}-{'*' * (len(m.group(2)) - 4)}{m.group(2)[-4:]}", text
    )
    return _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
