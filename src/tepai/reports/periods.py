"""Reporting periods: a month, a quarter, a year or any span of days, and the ones to compare.

Every KPI, dashboard figure, list filter and document takes one :class:`Period` (or ``None``
for all time), so "2024年第二季度" means the same days on every page, in the CLI and in Word.
Both ends are inclusive, as an office writes them ("4月1日至6月30日").
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

PeriodKind = Literal["month", "quarter", "year", "custom"]

# The longest span a period may cover: beyond it a typo ("0024-04-01") would be taken at face
# value and every comparison period would fall outside the calendar.
EARLIEST = datetime.date(1949, 10, 1)
LATEST = datetime.date(2199, 12, 31)


class PeriodError(ValueError):
    """A period that cannot be read or is not a span of days; the message is for the user."""


@dataclass(frozen=True)
class Period:
    """The days from ``start`` to ``end``, both included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(
                _("结束日期 %(end)s 早于开始日期 %(start)s")
                % {"end": self.end.isoformat(), "start": self.start.isoformat()}
            )
        if self.start < EARLIEST or self.end > LATEST:
            raise PeriodError(
                _("日期须在 %(earliest)s 至 %(latest)s 之间")
                % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
            )

    # -- constructors ------------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        _check_year(year)
        if not 1 <= month <= 12:
            raise PeriodError(_("月份须为 1–12，收到 %(month)s") % {"month": month})
        last = calendar.monthrange(year, month)[1]
        return cls(datetime.date(year, month, 1), datetime.date(year, month, last))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        _check_year(year)
        if not 1 <= quarter <= 4:
            raise PeriodError(_("季度须为 1–4，收到 %(quarter)s") % {"quarter": quarter})
        first = 3 * quarter - 2
        return cls(datetime.date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> Period:
        _check_year(year)
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    # -- what it is --------------------------------------------------------------------------

    @property
    def kind(self) -> PeriodKind:
        """Return what the days form: a calendar month, quarter or year, or a custom span."""
        s, e = self.start, self.end
        if s.day != 1 or e != _month_end(e.year, e.month):
            return "custom"
        if s.year == e.year and s.month == e.month:
            return "month"
        if s.year == e.year and s.month % 3 == 1 and e.month == s.month + 2:
            return "quarter"
        if s.year == e.year and s.month == 1 and e.month == 12:
            return "year"
        return "custom"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        """Return the period as an office writes it: 2024年4月, 2024年第二季度, 2024年…"""
        s, e = self.start, self.end
        kind = self.kind
        if kind == "month":
            return _("%(year)d年%(month)d月") % {"year": s.year, "month": s.month}
        if kind == "quarter":
            return _("%(year)d年第%(quarter)s季度") % {
                "year": s.year,
                "quarter": _QUARTER_NAMES[(s.month - 1) // 3](),
            }
        if kind == "year":
            return _("%(year)d年") % {"year": s.year}
        if e == LATEST:
            return _("%(year)d年%(month)d月%(day)d日起") % {
                "year": s.year, "month": s.month, "day": s.day,
            }  # fmt: skip
        if s == EARLIEST:
            return _("截至%(year)d年%(month)d月%(day)d日") % {
                "year": e.year, "month": e.month, "day": e.day,
            }  # fmt: skip
        if s.year == e.year:
            return _("%(year)d年%(m1)d月%(d1)d日至%(m2)d月%(d2)d日") % {
                "year": s.year, "m1": s.month, "d1": s.day, "m2": e.month, "d2": e.day,
            }  # fmt: skip
        return _("%(y1)d年%(m1)d月%(d1)d日至%(y2)d年%(m2)d月%(d2)d日") % {
            "y1": s.year, "m1": s.month, "d1": s.day, "y2": e.year, "m2": e.month, "d2": e.day,
        }  # fmt: skip

    @property
    def token(self) -> str:
        """Return the compact form used in URLs and read back by :func:`parse_token`."""
        kind, s = self.kind, self.start
        if kind == "month":
            return f"{s.year:04d}-{s.month:02d}"
        if kind == "quarter":
            return f"{s.year:04d}-Q{(s.month - 1) // 3 + 1}"
        if kind == "year":
            return f"{s.year:04d}"
        return f"{s.isoformat()}..{self.end.isoformat()}"

    def __str__(self) -> str:
        return self.token

    # -- the periods to compare with ---------------------------------------------------------

    def previous(self) -> Period:
        """Return the period just before: the previous month/quarter/year, or as many days."""
        kind, s = self.kind, self.start
        if kind == "month":
            year, month = (s.year - 1, 12) if s.month == 1 else (s.year, s.month - 1)
            return Period.month(year, month)
        if kind == "quarter":
            index = (s.month - 1) // 3 + 1
            if index == 1:
                return Period.quarter(s.year - 1, 4)
            return Period.quarter(s.year, index - 1)
        if kind == "year":
            return Period.year(s.year - 1)
        end = s - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    def year_earlier(self) -> Period:
        """Return the same days a year earlier (29 February becomes the 28th)."""
        kind, s = self.kind, self.start
        if kind == "month":
            return Period.month(s.year - 1, s.month)
        if kind == "quarter":
            return Period.quarter(s.year - 1, (s.month - 1) // 3 + 1)
        if kind == "year":
            return Period.year(s.year - 1)
        return Period(_year_before(self.start), _year_before(self.end))


_QUARTER_NAMES = (
    lambda: _("一"),
    lambda: _("二"),
    lambda: _("三"),
    lambda: _("四"),
)


def _check_year(year: int) -> None:
    if not EARLIEST.year <= year <= LATEST.year:
        raise PeriodError(
            _("年份须在 %(first)d–%(last)d 之间，收到 %(year)s")
            % {"first": EARLIEST.year, "last": LATEST.year, "year": year}
        )


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _year_before(day: datetime.date) -> datetime.date:
    if day.month == 2 and day.day == 29:
        return datetime.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def parse_date(text: str, field: str) -> datetime.date:
    """Return ``text`` (YYYY-MM-DD) as a date, or raise :class:`PeriodError` naming ``field``."""
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(
            _("%(field)s“%(value)s”不是日期，应写作 YYYY-MM-DD，如 2024-04-01")
            % {"field": field, "value": text[:40]}
        ) from None
    if not EARLIEST <= day <= LATEST:
        raise PeriodError(
            _("%(field)s须在 %(earliest)s 至 %(latest)s 之间")
            % {"field": field, "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
        )
    return day


def between(start: str | None, end: str | None) -> Period | None:
    """Return the period from two YYYY-MM-DD texts (``--from``/``--to``, ``?from=&to=``).

    Both empty means all time (``None``); one end alone runs to the other end of the calendar.
    """
    start, end = (start or "").strip(), (end or "").strip()
    if not start and not end:
        return None
    first = parse_date(start, _("开始日期")) if start else EARLIEST
    last = parse_date(end, _("结束日期")) if end else LATEST
    return Period(first, last)


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_SPAN = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def parse_token(token: str) -> Period | None:
    """Return the period of a URL token (``2024-04``, ``2024-Q2``, ``2024``, ``A..B``; ``all``)."""
    token = token.strip()
    if token in ("", "all"):
        return None
    if match := _MONTH.match(token):
        return Period.month(int(match[1]), int(match[2]))
    if match := _QUARTER.match(token):
        return Period.quarter(int(match[1]), int(match[2]))
    if match := _YEAR.match(token):
        return Period.year(int(match[1]))
    if match := _SPAN.match(token):
        return Period(parse_date(match[1], _("开始日期")), parse_date(match[2], _("结束日期")))
    raise PeriodError(
        _("无法识别的时间段“%(token)s”：应为 2024-04、2024-Q2、2024 或 2024-04-01..2024-06-30")
        % {"token": token[:40]}
    )


def within(queryset: QuerySet[Any], field: str, period: Period | None) -> QuerySet[Any]:
    """Return the records of ``queryset`` whose date ``field`` lies in ``period`` (all: None)."""
    if period is None:
        return queryset
    return queryset.filter(**{f"{field}__gte": period.start, f"{field}__lte": period.end})
