"""Statistics of one batch of commissioners, as the programme reports them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tepai.commissioners.models import Commissioner
from tepai.core.choices import SENIOR_TITLE_LEVELS, Degree, TitleLevel
from tepai.programs.models import Batch
from tepai.reports.numbers import one_decimal, percent

AGE_BANDS = ((0, 35, "35岁以下"), (35, 45, "35–44岁"), (45, 55, "45–54岁"), (55, 200, "55岁及以上"))


@dataclass
class BatchReport:
    """The figures of a batch; ``to_dict`` is the JSON the CLI prints."""

    batch: Batch
    members: int
    institutions: int
    average_age: float | None
    senior_title_percent: float | None
    doctorate_percent: float | None
    by_institution: list[dict[str, Any]] = field(default_factory=list)
    by_title_level: list[dict[str, Any]] = field(default_factory=list)
    by_degree: list[dict[str, Any]] = field(default_factory=list)
    by_field: list[dict[str, Any]] = field(default_factory=list)
    by_age_band: list[dict[str, Any]] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch.name,
            "dispatch_date": self.batch.dispatch_date.isoformat(),
            "members": self.members,
            "institutions": self.institutions,
            "average_age": self.average_age,
            "senior_title_percent": self.senior_title_percent,
            "doctorate_percent": self.doctorate_percent,
            "by_institution": self.by_institution,
            "by_title_level": self.by_title_level,
            "by_degree": self.by_degree,
            "by_field": self.by_field,
            "by_age_band": self.by_age_band,
            "member_ids": self.member_ids,
        }


def _counted(counter: Counter[str], total: int, key: str = "name") -> list[dict[str, Any]]:
    return [
        {key: name, "count": count, "percent": percent(count, total)}
        for name, count in sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    ]


def batch_report(batch: Batch) -> BatchReport:
    """Return the statistics of ``batch``: ages are whole years on its dispatch date."""
    members = list(
        Commissioner.objects.filter(batches=batch).select_related("institution").order_by("id")
    )
    total = len(members)
    ages = [member.age_on(batch.dispatch_date) for member in members]
    institutions = Counter(member.institution.name for member in members)
    levels = Counter(member.title_level for member in members)
    degrees = Counter(member.degree for member in members)
    fields = Counter(field_name for member in members for field_name in member.research_fields)
    bands = Counter(label for age in ages for low, high, label in AGE_BANDS if low <= age < high)
    senior = sum(levels[level] for level in SENIOR_TITLE_LEVELS)
    return BatchReport(
        batch=batch,
        members=total,
        institutions=len(institutions),
        average_age=one_decimal(Decimal(sum(ages)) / total) if total else None,
        senior_title_percent=percent(senior, total),
        doctorate_percent=percent(degrees[Degree.DOCTORATE], total),
        by_institution=_counted(institutions, total),
        by_title_level=[
            {
                "level": level.value,
                "name": str(level.label),
                "count": levels[level],
                "percent": percent(levels[level], total),
            }
            for level in TitleLevel
            if levels[level]
        ],
        by_degree=[
            {
                "degree": degree.value,
                "name": str(degree.label),
                "count": degrees[degree],
                "percent": percent(degrees[degree], total),
            }
            for degree in Degree
            if degrees[degree]
        ],
        by_field=_counted(fields, total)[:30],
        by_age_band=[
            {"name": label, "count": bands[label], "percent": percent(bands[label], total)}
            for _, _, label in AGE_BANDS
            if bands[label]
        ],
        member_ids=[member.pk for member in members],
    )


def format_batch_report(report: BatchReport) -> str:
    """Return the report as text for the terminal."""

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}%"

    lines = [
        f"批次：{report.batch.name}（派出日期 {report.batch.dispatch_date:%Y-%m-%d}）",
        f"成员：{report.members} 人，来自 {report.institutions} 家单位",
        f"平均年龄：{'—' if report.average_age is None else f'{report.average_age:.1f} 岁'}",
        f"高级职称（正高+副高）占比：{pct(report.senior_title_percent)}",
        f"博士学位占比：{pct(report.doctorate_percent)}",
    ]
    sections = [
        ("按单位", report.by_institution),
        ("按职称级别", report.by_title_level),
        ("按学位", report.by_degree),
        ("按年龄段", report.by_age_band),
    ]
    for title, rows in sections:
        lines.append(f"\n{title}：")
        lines.extend(f"  {row['name']}：{row['count']} 人（{pct(row['percent'])}）" for row in rows)
    # Research fields are many and mostly one person's each: thirty lines of "1 人（4.8%）"
    # say less than the shared ones and a count of the rest.
    shared = [row for row in report.by_field if row["count"] > 1]
    single = [row["name"] for row in report.by_field if row["count"] == 1]
    lines.append("\n按研究方向（两人及以上）：" if shared else "\n按研究方向：")
    lines.extend(f"  {row['name']}：{row['count']} 人（{pct(row['percent'])}）" for row in shared)
    if single:
        examples = "、".join(single[:5]) + ("等" if len(single) > 5 else "")
        lines.append(f"  另有 {len(single)} 个方向各 1 人（{examples}）")
    return "\n".join(lines)
