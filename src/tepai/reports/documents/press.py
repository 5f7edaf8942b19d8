"""新闻通稿: the press-release draft for an event, every figure read from records.

Written in the register of a provincial news site: a dateline lead (when, where, what), who
took part (the batch's profile), what was done (centres, demand lists, roadshows, signings)
and, for a launch, what the previous batch achieved.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from tepai.activities.models import Activity, ActivityKind
from tepai.demands.models import DemandList
from tepai.events.models import Event, EventKind
from tepai.outcomes.models import IntentStatus, Outcome
from tepai.programs.models import Batch, InnovationCentre, Team
from tepai.projects.models import Project
from tepai.reports.attribution import attributed
from tepai.reports.batch_stats import batch_report
from tepai.reports.documents.context import amount_text, chinese_date, common, profile
from tepai.reports.documents.figures import kpis
from tepai.reports.periods import Period

# Signings a release names by title; the rest are counted.
NAMED_SIGNINGS = 2


def _signed(projects: Any) -> str:
    """Return a sentence on signed projects: count, total amount, the largest by name."""
    rows = list(projects.select_related("enterprise").order_by("-amount", "signed_on", "id"))
    if not rows:
        return ""
    total = sum((p.amount or Decimal(0) for p in rows), Decimal(0))
    kinds = "、".join(sorted({p.get_kind_display() for p in rows}))
    named = "和".join(
        f"与{p.enterprise.name}签订的“{p.title}”" if p.enterprise else f"“{p.title}”"
        for p in rows[:NAMED_SIGNINGS]
    )
    text = f"签订{kinds}{len(rows)}项"
    if total:
        text += f"，合同金额合计{amount_text(total)}"
    more = "等" if len(rows) > NAMED_SIGNINGS else ""
    return f"{text}，其中包括{named}{more}项目"


def _launch(event: Event, batch: Batch, until: datetime.date) -> list[str]:
    """Return the paragraphs after the lead of a launch (出征仪式) release."""
    paragraphs = [f"据介绍，{batch.name}科技特派员{profile(batch_report(batch))['sentence']}"]
    # "第二批纺织服装团队" is written "纺织服装团队" after "第二批科技特派员组建".
    teams = [
        name.removeprefix(batch.name)
        for name in Team.objects.filter(batch=batch).order_by("name").values_list("name", flat=True)
    ]
    # A centre unveiled after the launch (its 揭牌 is an event of its own, told below) did not
    # exist yet when the batch set out.
    unveiled_later = list(
        Event.objects.filter(kind=EventKind.UNVEILING, date__gt=event.date).values_list(
            "name", flat=True
        )
    )
    centres = [
        name
        for name in InnovationCentre.objects.filter(batch=batch)
        .order_by("id")
        .values_list("name", flat=True)
        if not any(name in unveiling for unveiling in unveiled_later)
    ]
    if teams or centres:
        text = f"{batch.name}科技特派员"
        if teams:
            text += f"组建{'、'.join(teams)}等{len(teams)}个特派团"
        if centres:
            joined = (
                "、".join(centres[:-1]) + "和" + centres[-1] if len(centres) > 1 else centres[0]
            )
            text += f"{'，' if teams else ''}依托{joined}{len(centres)}个创新中心开展服务"
        paragraphs.append(text + "，围绕受援地重点产业开展技术攻关、成果转化和人才培养。")
    later = Event.objects.filter(batch=batch, date__gt=event.date, date__lte=until)
    done = [(e.date, sentence) for e in later if (sentence := _event_sentence(e))]
    donations = attributed(Activity.objects.filter(kind=ActivityKind.DONATION), batch).filter(
        date__gt=event.date, date__lte=until
    )
    done += [
        (d.date, f"{chinese_date(d.date)}，{d.notes.rstrip('。')}") for d in donations if d.notes
    ]
    done.sort(key=lambda pair: pair[0])
    signed = attributed(Project.objects.counted(), batch).filter(
        signed_on__gt=event.date, signed_on__lte=until
    )
    if signed.exists():
        total = signed.aggregate(total=Sum("amount"))["total"]
        sentence = (
            f"截至{chinese_date(until)}，{batch.name}科技特派员累计签约项目{signed.count()}项"
        )
        if total:
            sentence += f"，合同金额合计{amount_text(total)}"
        done.append((until, sentence))
    if done:
        paragraphs.append("出征以来，" + "；".join(text for _day, text in done) + "。")
    earlier = (
        Batch.objects.filter(dispatch_date__lt=batch.dispatch_date)
        .order_by("-dispatch_date")
        .first()
    )
    if earlier is not None:
        narrative = kpis(earlier, None).narrative()
        paragraphs.append(f"此前，{narrative}")
    return paragraphs


def _event_sentence(event: Event) -> str:
    """Return what an event achieved, in one clause: unveiled, published, shown, signed."""
    when = chinese_date(event.date)
    if event.kind == EventKind.UNVEILING:
        lists = DemandList.objects.filter(event=event)
        published = "".join(
            f"，发布《{dl.name}》{dl.demands.count()}项" for dl in lists if dl.demands.exists()
        )
        return f"{when}举行{event.name}{published}"
    if event.kind == EventKind.ROADSHOW:
        outcomes = Outcome.objects.filter(roadshow_event=event)
        count = outcomes.count()
        intents = outcomes.filter(intents__isnull=False).distinct().count()
        text = f"{when}举办{event.name}，推介科技成果{count}项"
        return text + (f"，其中{intents}项成果与企业达成合作意向或签约" if intents else "")
    if event.kind == EventKind.SIGNING:
        signed = _signed(Project.objects.counted().filter(signing_event=event))
        return f"{when}举行{event.name}" + (f"，{signed}" if signed else "")
    return ""


def _kind_paragraphs(event: Event) -> list[str]:
    """Return what the event itself was about, for every kind but a launch."""
    if event.kind == EventKind.UNVEILING:
        centres = [c.name for c in InnovationCentre.objects.all() if c.name in event.name]
        lists = list(DemandList.objects.filter(event=event))
        text = f"活动现场为{'、'.join(centres)}揭牌" if centres else "活动现场举行揭牌仪式"
        for dl in lists:
            text += f"，{dl.publisher or '主办方'}发布《{dl.name}》，共{dl.demands.count()}项需求"
        return [text + "。"]
    if event.kind == EventKind.ROADSHOW:
        outcomes = Outcome.objects.filter(roadshow_event=event).select_related("institution")
        institutions = sorted({o.institution.name for o in outcomes if o.institution})
        intents = outcomes.filter(intents__isnull=False).distinct().count()
        signed = (
            outcomes.filter(intents__status__in=[IntentStatus.SIGNED, IntentStatus.TRANSFERRED])
            .distinct()
            .count()
        )
        text = f"路演共推介科技成果{outcomes.count()}项"
        if institutions:
            text += f"，来自{'、'.join(institutions)}等{len(institutions)}家单位"
        return [text + f"。截至目前，{intents}项成果与企业达成合作意向，其中{signed}项已签约。"]
    if event.kind == EventKind.SIGNING:
        projects = Project.objects.counted().filter(signing_event=event)
        signings = _signed(projects)
        amount = projects.aggregate(total=Sum("amount"))["total"]
        if not signings:
            return []
        enterprises = projects.exclude(enterprise=None).values("enterprise").distinct().count()
        text = f"活动现场，科技特派员与{enterprises}家企业{signings}"
        return [text + (f"，合同金额合计{amount_text(amount)}。" if amount else "。")]
    return []


def press(event: Event, period: Period | None = None) -> dict[str, Any]:
    """Return the fields of the press release for ``event`` (figures up to ``period``'s end)."""
    until = period.end if period is not None else max(timezone.localdate(), event.date)
    data = common("新闻通稿", event.batch, period)
    place = f"在{event.location}" if event.location else ""
    lead = f"{chinese_date(event.date)}，{event.name}{place}举行。"
    paragraphs = [lead]
    if event.kind == EventKind.LAUNCH and event.batch is not None:
        paragraphs += _launch(event, event.batch, until)
    else:
        paragraphs += _kind_paragraphs(event)
        if event.batch is not None:
            paragraphs.append(
                f"据了解，{event.batch.name}科技特派员{profile(batch_report(event.batch))['sentence']}"
            )
    data.update(
        {
            "headline": event.name,
            "event": {
                "name": event.name,
                "kind": event.get_kind_display(),
                "date": chinese_date(event.date),
                "location": event.location,
            },
            "paragraphs": paragraphs,
            "profile": profile(batch_report(event.batch)) if event.batch else None,
        }
    )
    return data
