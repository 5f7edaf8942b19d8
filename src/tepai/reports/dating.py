"""Which date puts a record in a period, for the lists' 从/至 (``?from=&to=``) filters.

- 工作记录 (activities): 日期; 活动 (events): 日期; 合作意向: 日期.
- 项目合同 (projects and contracts): 签约日期 — the date the KPIs count them by.
- 技术需求 (demands): 发布日期, the day an officer means by "本期发布的需求": the 发布日期 of
  each 需求发布批次 (demand list) the demand was published in; a demand in no dated list
  counts on the day it was entered on the platform (创建时间, in the server's time zone). A
  demand republished in a later list is in both periods.

The web lists and the API call :func:`in_period`, so both select the same records.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from tepai.activities.models import Activity
from tepai.demands.models import Demand, DemandList
from tepai.events.models import Event
from tepai.outcomes.models import CooperationIntent
from tepai.projects.models import Project
from tepai.reports.periods import Period, within

__all__ = ["RECORD_DATES", "dated", "in_period"]

RECORD_DATES: dict[type[Model], str] = {
    Activity: "date",
    Project: "signed_on",
    Event: "date",
    CooperationIntent: "date",
}


def dated(model: type[Model]) -> bool:
    """Return True if records of ``model`` can be selected by period."""
    return model in RECORD_DATES or model is Demand


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _demands_published(period: Period) -> Q:
    links = DemandList.demands.through._base_manager
    in_lists = links.filter(
        demandlist__published_on__gte=period.start, demandlist__published_on__lte=period.end
    ).values("demand_id")
    listed = links.filter(demandlist__published_on__isnull=False).values("demand_id")
    # Bounds as instants (not created_at__date) so the newest-first index still serves.
    entered = Q(
        created_at__gte=_day_start(period.start),
        created_at__lt=_day_start(period.end + datetime.timedelta(days=1)),
    )
    return Q(pk__in=in_lists) | (~Q(pk__in=listed) & entered)


def in_period(queryset: QuerySet[Any], period: Period | None) -> QuerySet[Any]:
    """Return the records of ``queryset`` dated in ``period`` (``None``: all of them).

    Raises TypeError for a kind of record that has no date to select by.
    """
    if period is None:
        return queryset
    model = queryset.model
    if model is Demand:
        return queryset.filter(_demands_published(period))
    if model not in RECORD_DATES:
        raise TypeError(f"{model.__name__} records have no date to select by")
    return within(queryset, RECORD_DATES[model], period)
