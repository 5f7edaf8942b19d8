"""Filters the dated API lists share: a period (from/to) and the batch a record belongs to.

Both call the functions the web lists call (:func:`tepai.reports.dating.in_period`,
:func:`tepai.reports.attribution.batch_condition`), so ``/api/activities?batch=2&date_from=…``
returns exactly the records of ``/activities/?batch=2&from=…`` and of the KPIs counted there.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any, ClassVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import FilterSchema
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from tepai.api.errors import InvalidInput
from tepai.programs.models import Batch
from tepai.reports.attribution import batch_condition
from tepai.reports.dating import in_period
from tepai.reports.periods import EARLIEST, LATEST, Period, PeriodError

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_only(value: Any) -> Any:
    # pydantic would read "1.5e-51" or "1700000000" as a Unix time; a period is written as
    # a calendar date, and anything else is a 422 ("应为日期，格式 YYYY-MM-DD").
    if isinstance(value, datetime.date) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")


# A date a period may start or end on: the calendar tepai accepts (a 422 naming the field).
PeriodDate = Annotated[datetime.date, BeforeValidator(_iso_only), Field(ge=EARLIEST, le=LATEST)]


class PeriodFilters(FilterSchema):
    """A FilterSchema whose two date fields (``period_fields``) select one period.

    Subclasses declare the two fields (as ``PeriodDate | None``) and name them; the period is
    applied by :func:`in_period`, and an end before the start is a 422 naming the end field.
    """

    period_fields: ClassVar[tuple[str, str]] = ("date_from", "date_to")

    def _skip(self, value: Any) -> Q:
        return Q()  # applied in filter(), as one period

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.period_fields:
            setattr(cls, f"filter_{name}", cls._skip)

    # Ninja types filter() over any value; the periods are only ever applied to querysets.
    def filter(self, queryset: QuerySet[Any]) -> QuerySet[Any]:  # type: ignore[override]
        queryset = super().filter(queryset)
        first, last = self.period_fields
        start, end = getattr(self, first), getattr(self, last)
        if start is None and end is None:
            return queryset
        try:
            period = Period(start or EARLIEST, end or LATEST)
        except PeriodError as error:
            raise InvalidInput(
                _("提交的数据有误：%(field)s：%(problem)s") % {"field": last, "problem": error},
                fields={last: [str(error)]},
            ) from None
        return in_period(queryset, period)


def batch_filter(model: type[Model], batch_id: int | None) -> Q:
    """Return the condition "belongs to batch ``batch_id``" (no such batch: nothing)."""
    if batch_id is None:
        return Q()
    return batch_condition(model, Batch.objects.filter(pk=batch_id))
