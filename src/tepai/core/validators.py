"""Django field validators built on :mod:`tepai.core.cleaning`."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from tepai.core.cleaning import CleaningError, parse_phone, validate_credit_code


def credit_code_validator(value: str) -> None:
    """Raise ValidationError unless ``value`` is a valid 统一社会信用代码."""
    if not value:
        return
    try:
        validate_credit_code(value)
    except CleaningError as exc:
        raise ValidationError(str(exc), code="credit_code") from exc


def phone_validator(value: str) -> None:
    """Raise ValidationError unless ``value`` is a mainland mobile or landline number."""
    if not value:
        return
    try:
        parse_phone(value)
    except CleaningError as exc:
        raise ValidationError(str(exc), code="phone") from exc
