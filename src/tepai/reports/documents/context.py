"""The fields of 工作简报, 月报, 工作总结 and 通报, counted from records.

Each builder returns a plain dict: the Word templates (docxtpl) and the HTML templates read the
same fields, listed in docs/reports.md. Document text is official Chinese in every interface
language, so nothing here is translated.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from tepai.activities.models import Activity, ActivityKind
from tepai.cases.models import Case
from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand, DemandStatus
from tepai.engagements.models import OPEN_STATUSES, Proposal
from tepai.institutions.models import Institution
from tepai.programs.models import Batch, InnovationCentre
from tepai.projects.models import Project
from tepai.reports.attribution import attributed, service_period
from tepai.reports.batch_stats import BatchReport, batch_report
from tepai.reports.documents import charts
from tepai.reports.documents.figures import Line, lines
from tepai.reports.kpi import KpiReport, comparison_period
from tepai.reports.periods import Period, within

DEFAULT_ISSUER = "科技特派员工作办公室"
HIGHLIGHTS = 6
CASES = 2


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def amount_text(amount: Decimal | int | None) -> str:
    """Return 万元 amounts as written in a report: 168 → "168万元", 12.5 → "12.5万元"."""
    if amount is None:
        return "—"
    value = Decimal(amount).normalize()
    return f"{value:f}万元"


def issuer_of(batch: Batch | None) -> str:
    """Return who issues the document: the batch's dispatching office, else a generic office."""
    if batch is not None and batch.sending_organisation:
        return batch.sending_organisation
    found = (
        Batch.objects.exclude(sending_organisation="")
        .order_by("-dispatch_date")
        .values_list("sending_organisation", flat=True)
        .first()
    )
    return found or DEFAULT_ISSUER


def common(title: str, batch: Batch | None, period: Period | None) -> dict[str, Any]:
    """Return the fields every document has: title, scope, period, issuer, 印发 line."""
    today = timezone.localdate()
    issuer = issuer_of(batch)
    scope = f"{batch.name}科技特派员" if batch else "科技特派员"
    return {
        "title": title,
        "scope": batch.name if batch else "全部批次",
        "subject": scope,
        "period_label": period.label if period else "全部时间",
        "period_span": (
            f"{chinese_date(period.start)}至{chinese_date(period.end)}" if period else "全部时间"
        ),
        "issuer": issuer,
        "issued_on": chinese_date(today),
        "print_line": f"{issuer}　　{chinese_date(today)}印发",
    }


# The records of a batch are those the KPIs count for it (attributed: by membership at the
# record's date), so a list in a document and a figure beside it agree.
def _projects(batch: Batch | None, period: Period | None) -> Any:
    return within(attributed(Project.objects.counted(), batch), "signed_on", period)


def _activities(batch: Batch | None, period: Period | None) -> Any:
    return within(attributed(Activity.objects.all(), batch), "date", period)


def signings(batch: Batch | None, period: Period | None) -> list[dict[str, Any]]:
    """Return the projects signed in the period, largest amounts first."""
    rows = (
        _projects(batch, period)
        .select_related("enterprise", "signing_event")
        .prefetch_related("commissioners__institution")
        .order_by("signed_on", "id")
    )
    result = []
    for project in rows:
        people = list(project.commissioners.all())
        institutions = sorted({p.institution.name for p in people})
        result.append(
            {
                "title": project.title,
                "kind": project.get_kind_display(),
                "enterprise": project.enterprise.name if project.enterprise else "—",
                "amount": amount_text(project.amount),
                "amount_value": project.amount or Decimal(0),
                "signed_on": chinese_date(project.signed_on),
                "event": project.signing_event.name if project.signing_event else "",
                "commissioners": "、".join(p.name for p in people),
                "institutions": "、".join(institutions),
            }
        )
    return result


def _activity_text(activity: Activity) -> str:
    people = "、".join(c.name for c in activity.commissioners.all())
    places = "、".join(e.name for e in activity.enterprises.all()[:3])
    text = activity.notes or activity.get_kind_display()
    who = f"{people}：" if people else ""
    where = f"（{places}）" if places and places not in text else ""
    return f"{who}{text}{where}"


def highlights(batch: Batch | None, period: Period | None) -> list[dict[str, Any]]:
    """Return the period's highlighted work records: those with a photo first, then the latest."""
    rows = (
        _activities(batch, period)
        .exclude(notes="")
        .prefetch_related("commissioners", "enterprises")
        .order_by("-date", "id")
    )
    with_photo = [a for a in rows.exclude(photo="")[:HIGHLIGHTS]]
    others = [a for a in rows.filter(photo="")[: HIGHLIGHTS - len(with_photo)]]
    chosen = sorted(with_photo + others, key=lambda a: (a.date, a.pk))
    return [
        {
            "date": chinese_date(a.date),
            "kind": a.get_kind_display(),
            "text": _activity_text(a),
            "photo": a.photo.path if a.photo else None,
            "photo_caption": f"{chinese_date(a.date)} {a.get_kind_display()}",
        }
        for a in chosen
    ]


def landings(batch: Batch | None, period: Period | None) -> list[dict[str, Any]]:
    rows = (
        _activities(batch, period)
        .filter(kind=ActivityKind.LANDING)
        .prefetch_related("commissioners", "enterprises")
        .order_by("date", "id")
    )
    return [{"date": chinese_date(a.date), "text": _activity_text(a)} for a in rows]


def typical_cases(batch: Batch | None, period: Period | None) -> list[dict[str, str]]:
    """Return up to two 典型案例: those about the period's projects or work, else the batch's."""
    about_period = Case.objects.filter(
        Q(projects__in=_projects(batch, period)) | Q(activities__in=_activities(batch, period))
    ).distinct()
    chosen = list(about_period.order_by("title")[:CASES])
    if not chosen and batch is not None:
        chosen = list(Case.objects.filter(batch=batch).order_by("title")[:CASES])
    return [{"title": case.title, "body": case.body} for case in chosen]


def next_steps(batch: Batch | None) -> dict[str, Any]:
    """Return what is still open: demands waiting for a partner and proposals waiting."""
    open_demands = Demand.objects.filter(
        status__in=[DemandStatus.PUBLISHED, DemandStatus.MATCHING]
    ).select_related("enterprise")
    waiting = Proposal.objects.filter(status__in=OPEN_STATUSES)
    if batch is not None:
        waiting = waiting.filter(commissioner__batches=batch)
    demand_count, waiting_count = open_demands.count(), waiting.count()
    listed = [
        {"title": d.title, "enterprise": d.enterprise.name, "status": d.get_status_display()}
        for d in open_demands.order_by("-budget", "id")[:5]
    ]
    items = []
    if demand_count:
        items.append(
            f"加快推进{demand_count}项已发布、对接中技术需求的对接，"
            "组织特派员与企业开展现场对接，力争尽早签约。"
        )
    if waiting_count:
        items.append(f"跟进{waiting_count}条尚待答复的对接推荐，督促特派员和企业及时答复。")
    items.append("继续做好工作记录填报和典型案例总结，及时报送工作进展。")
    return {
        "open_demand_count": demand_count,
        "waiting_proposal_count": waiting_count,
        "open_demands": listed,
        "items": items,
    }


def _kpi_section(
    batch: Batch | None, period: Period | None
) -> tuple[KpiReport, list[Line], dict[str, Any]]:
    report, kpi_lines = lines(batch, period)
    narrative = report.narrative()
    changes = [
        f"{line.label}{line.change}" for line in kpi_lines if line.change and line.change != "持平"
    ]
    compared = ""
    if (
        period is not None
        and batch is not None
        and batch.dispatch_date <= period.end
        and comparison_period(period, "previous", batch) is None
    ):
        # The previous period lies wholly before the batch set out (comparison_period).
        compared = f"本期为{batch.name}科技特派员派出后的首个统计期，暂无上期数据可比。"
    elif period is not None and any(line.previous is not None for line in kpi_lines):
        compared = (
            "与上期相比，" + "，".join(changes) + "。" if changes else "与上期相比，各项指标持平。"
        )
    return (
        report,
        kpi_lines,
        {
            "kpis": [line.as_dict() for line in kpi_lines],
            "narrative": narrative,
            "comparison": compared,
            "kpi_report": report.to_dict(),
        },
    )


def _chart_section(
    batch: Batch | None, period: Period | None, kpi_lines: list[Line], report: KpiReport
) -> list[dict[str, str]]:
    drawn = [charts.comparison_chart(kpi_lines)]
    span = period
    if span is None:
        first = Activity.objects.order_by("date").values_list("date", flat=True).first()
        span = Period(first, timezone.localdate()) if first else None
    if span is not None:
        drawn.append(charts.over_time(report, "service_contracts", span))
        drawn.append(charts.over_time(report, "visit_person_times", span))
    drawn.append(charts.by_centre(batch, period))
    drawn.append(charts.by_cluster(batch, period))
    drawn.append(charts.demand_funnel()[0])
    drawn.append(charts.outcome_funnel(batch)[0])
    return [d.as_dict() for d in drawn]


def bulletin(
    batch: Batch | None, period: Period | None, title: str = "科技特派员工作简报"
) -> dict[str, Any]:
    """Return the fields of a 工作简报 (or 月报) for ``period`` and ``batch``."""
    data = common(title, batch, period)
    report, kpi_lines, kpi_fields = _kpi_section(batch, period)
    data.update(kpi_fields)
    data["charts"] = _chart_section(batch, period, kpi_lines, report)
    data["signings"] = signings(batch, period)
    total = sum((row["amount_value"] for row in data["signings"]), Decimal(0))
    data["signing_summary"] = (
        f"{data['period_label']}共签订项目合同{len(data['signings'])}项，"
        f"合同金额合计{amount_text(total)}。"
        if data["signings"]
        else f"{data['period_label']}暂无新签项目合同。"
    )
    data["landings"] = landings(batch, period)
    data["highlights"] = highlights(batch, period)
    data["photos"] = [h for h in data["highlights"] if h["photo"]]
    data["cases"] = typical_cases(batch, period)
    data["next"] = next_steps(batch)
    active = Commissioner.objects.filter(
        Q(activities__in=_activities(batch, period)) | Q(projects__in=_projects(batch, period))
    ).distinct()
    data["active_commissioners"] = active.count()
    data["overview"] = (
        f"{data['period_label']}，{data['subject']}"
        f"共{data['active_commissioners']}人参与填报工作记录或签订项目合同，"
        f"完成工作记录{_activities(batch, period).count()}条。"
    )
    return data


def profile(report: BatchReport) -> dict[str, Any]:
    """Return a batch's profile fields and the sentence the press and summaries use."""
    senior = report.senior_title_percent
    titles = (
        "全部具有高级职称"
        if senior == 100.0
        else f"具有高级职称的占{senior}%"
        if senior is not None
        else ""
    )
    institutions = [row["name"] for row in report.by_institution]
    shown = "、".join(institutions[:4])
    listing = f"{shown}等{report.institutions}家单位" if report.institutions > 4 else shown
    parts = [f"共{report.members}人，来自{listing}"]
    if report.average_age is not None:
        parts.append(f"平均年龄{report.average_age}岁")
    if titles:
        parts.append(titles)
    if report.doctorate_percent is not None:
        parts.append(f"博士占比{report.doctorate_percent}%")
    return {
        "members": report.members,
        "institutions": report.institutions,
        "average_age": report.average_age,
        "senior_title_percent": senior,
        "doctorate_percent": report.doctorate_percent,
        "institution_names": institutions,
        "by_institution": report.by_institution,
        "sentence": "，".join(parts) + "。",
    }


def served(batch: Batch) -> Period:
    """Return a batch's 服务期 up to today while it still serves (a summary ends somewhere)."""
    span = service_period(batch)
    return Period(span.start, min(span.end, max(timezone.localdate(), span.start)))


def summary(batch: Batch, period: Period | None) -> dict[str, Any]:
    """Return the fields of a batch's 工作总结 over its service period (or ``period``)."""
    span = period or served(batch)
    data = bulletin(batch, span, title=f"{batch.name}科技特派员工作总结")
    data["profile"] = profile(batch_report(batch))
    data["centres"] = [
        {"name": c.name, "members": c.members.filter(batches=batch).count()}
        for c in InnovationCentre.objects.filter(batch=batch).order_by("name")
    ]
    return data


def notice(batch: Batch | None, period: Period | None) -> dict[str, Any]:
    """Return the fields of a 通报: per dispatching institution, its commissioners' work."""
    data = common("关于科技特派员工作情况的通报", batch, period)
    members = Commissioner.objects.all()
    if batch is not None:
        members = members.filter(batches=batch)
    institutions = (
        Institution.objects.filter(commissioners__in=members)
        .distinct()
        .order_by("name_sort", "name")
    )
    units = []
    for institution in institutions:
        people = members.filter(institution=institution).order_by("name_sort", "name")
        _report, kpi_lines = lines(batch, period, institution)
        activities = _activities(batch, period).filter(commissioners__institution=institution)
        projects = _projects(batch, period).filter(commissioners__institution=institution)
        record_count = activities.distinct().count()
        signed = projects.distinct()
        amount = signed.aggregate(total=Sum("amount"))["total"]
        done = [
            f"{line.label}{line.phrase if line.value >= 10 else f'{line.value}{line.unit}'}"
            for line in kpi_lines
            if line.value
        ]
        sentence = (
            f"{institution.name}选派{people.count()}名科技特派员"
            f"（{'、'.join(people.values_list('name', flat=True))}）。"
        )
        if record_count or signed.exists():
            sentence += (
                f"{data['period_label']}填报工作记录{record_count}条，签订项目合同{signed.count()}项"
                + (f"（合同金额{amount_text(amount)}）" if amount else "")
                + ("，" + "，".join(done) if done else "")
                + "。"
            )
        else:
            sentence += f"{data['period_label']}暂无工作记录和项目合同，请督促及时开展工作并填报。"
        units.append(
            {
                "name": institution.name,
                "members": people.count(),
                "records": record_count,
                "projects": signed.count(),
                "kpis": [line.as_dict() for line in kpi_lines],
                "sentence": sentence,
            }
        )
    data["units"] = units
    data["unit_count"] = len(units)
    data["opening"] = (
        f"现将{data['period_label']}{data['subject']}工作情况通报如下，涉及派出单位{len(units)}家。"
    )
    _report, _lines, kpi_fields = _kpi_section(batch, period)
    data.update(kpi_fields)
    return data
