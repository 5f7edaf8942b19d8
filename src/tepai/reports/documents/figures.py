"""The KPIs a document states: for its period and scope, beside the previous period.

Documents never count on their own: every figure is :func:`tepai.reports.kpi.kpi_report`'s, so a
简报 says what ``tepai report kpi`` says for the same period and scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tepai.institutions.models import Institution
from tepai.programs.models import Batch
from tepai.reports.kpi import KpiReport, compare_kpis, kpi_report
from tepai.reports.periods import Period


def kpis(
    batch: Batch | None, period: Period | None, institution: Institution | None = None
) -> KpiReport:
    """Return the KPIs of ``batch`` (None: all) in ``period`` (None: all time).

    ``institution`` narrows them to the work of that institution's commissioners.
    """
    return kpi_report(batch, period, institution=institution)


@dataclass(frozen=True)
class Line:
    """One KPI of a document: this period, the one before, and the change in words."""

    key: str
    label: str
    unit: str
    value: int
    phrase: str
    previous: int | None
    year_earlier: int | None

    @property
    def change(self) -> str:
        """Return the change on the previous period: 增加3份 / 减少1人次 / 持平 / "" (none)."""
        return change_words(self.value, self.previous, self.unit)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "value": self.value,
            "phrase": self.phrase,
            "previous": "—" if self.previous is None else self.previous,
            "year_earlier": "—" if self.year_earlier is None else self.year_earlier,
            "change": self.change or "—",
        }


def change_words(value: int, previous: int | None, unit: str) -> str:
    """Return ``value`` against ``previous`` as an office writes it (环比)."""
    if previous is None:
        return ""
    if value == previous:
        return "持平"
    difference = value - previous
    return f"{'增加' if difference > 0 else '减少'}{abs(difference)}{unit}"


def lines(
    batch: Batch | None, period: Period | None, institution: Institution | None = None
) -> tuple[KpiReport, list[Line]]:
    """Return the period's KPIs and, per KPI, the previous period and a year earlier."""
    compared = compare_kpis(period, batch, institution=institution)
    result = []
    for key, figure in compared.current.figures.items():
        before = compared.change(key, "previous")
        last_year = compared.change(key, "year_earlier")
        result.append(
            Line(
                key,
                figure.definition.label,
                figure.definition.unit,
                figure.value,
                figure.phrase,
                None if before is None else before.base,
                None if last_year is None else last_year.base,
            )
        )
    return compared.current, result
