from decimal import Decimal

import pytest

from tepai.reports.numbers import idiomatic, one_decimal, percent


@pytest.mark.parametrize(
    ("count", "unit", "style", "expected"),
    [
        (34, "份", "余", "30余份"),
        (62, "人次", "超", "超60人次"),
        (60, "人次", "超", "60人次"),
        (5, "项", "余", "5项"),
        (0, "个", "余", "0个"),
        (10, "批次", "余", "10批次"),
        (12, "批次", "余", "10余批次"),
        (99, "人", "余", "90余人"),
        (206, "家", "余", "200余家"),
        (256, "家", "余", "250余家"),
        (1234, "人", "超", "超1200人"),
    ],
)
def test_it_rounds_like_official_reports(count: int, unit: str, style: str, expected: str) -> None:
    assert idiomatic(count, unit, style) == expected  # type: ignore[arg-type]


def test_it_refuses_negative_counts() -> None:
    with pytest.raises(ValueError):
        idiomatic(-1, "个")


def test_it_rounds_half_up_to_one_decimal() -> None:
    assert one_decimal(Decimal("42.05")) == 42.1
    assert one_decimal(Decimal(884) / 21) == 42.1
    assert one_decimal(2.675) == 2.7


def test_it_computes_percentages() -> None:
    assert percent(16, 21) == 76.2
    assert percent(18, 27) == 66.7
    assert percent(21, 21) == 100.0
    assert percent(1, 0) is None
