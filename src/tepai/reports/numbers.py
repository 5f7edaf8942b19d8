"""Numbers the way official Chinese reports state them: "30余份", "超60人次"."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Style = Literal["余", "超"]


def round_down_idiomatically(count: int) -> int:
    """Return the round figure an official report would cite for ``count``.

    Below 10 the exact count; below 100 the tens (34 → 30); from 100 on, the two leading
    digits (206 → 200, 256 → 250, 1234 → 1200).
    """
    if count < 10:
        return count
    if count < 100:
        return count - count % 10
    magnitude = int(10 ** (len(str(count)) - 2))
    return count - count % magnitude


def idiomatic(count: int, unit: str, style: Style = "余") -> str:
    """Return ``count`` with ``unit`` as an official report phrases it.

    ``idiomatic(34, "份")`` → "30余份"; ``idiomatic(62, "人次", "超")`` → "超60人次";
    exact figures stay exact: ``idiomatic(5, "项")`` → "5项", ``idiomatic(60, "人次", "超")``
    → "60人次".
    """
    if count < 0:
        raise ValueError("count must not be negative")
    base = round_down_idiomatically(count)
    if base == count:
        return f"{count}{unit}"
    if style == "超":
        return f"超{base}{unit}"
    return f"{base}余{unit}"


def one_decimal(value: Decimal | float | int) -> float:
    """Return ``value`` rounded half-up to one decimal (42.05 → 42.1), as reports print it.

    Python's round() rounds half to even and works on binary floats, which would print
    42.0 for an exact 42.05.
    """
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percent(part: int, whole: int) -> float | None:
    """Return ``part`` as a percentage of ``whole`` to one decimal, or None when whole is 0."""
    if whole == 0:
        return None
    return one_decimal(Decimal(part) * 100 / Decimal(whole))
