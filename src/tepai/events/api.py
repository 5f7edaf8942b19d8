"""活动 (events) in the API."""

import datetime
from typing import Annotated

from ninja import FilterLookup
from pydantic import Field

from tepai.api.crud import Endpoints
from tepai.api.periods import PeriodDate, PeriodFilters
from tepai.api.schemas import RecordIdInt, RecordOut, Ref, label_of
from tepai.events.models import EventKind


class EventOut(RecordOut):
    """活动：出征仪式、揭牌、签约、路演、培训等。"""

    name: str = Field(description="活动名称")
    kind: str = Field(description="活动类型代码")
    kind_label: str = label_of("kind", "活动类型")
    date: datetime.date = Field(description="日期")
    location: str = Field(description="地点")
    batch: Ref | None = Field(description="批次")
    description: str = Field(description="说明")


class EventFilters(PeriodFilters):
    """按名称、编号、地点搜索；按类型、批次、日期筛选。"""

    q: Annotated[
        str | None, FilterLookup(["name__icontains", "code__iexact", "location__icontains"])
    ] = Field(None, description="搜索：活动名称、编号、地点")
    kind: Annotated[EventKind | None, FilterLookup("kind")] = Field(None, description="活动类型")
    batch: Annotated[RecordIdInt | None, FilterLookup("batch_id")] = Field(
        None, description="批次 ID"
    )
    date_from: PeriodDate | None = Field(None, description="日期不早于（YYYY-MM-DD）")
    date_to: PeriodDate | None = Field(None, description="日期不晚于（YYYY-MM-DD）")


ENDPOINTS = Endpoints(
    singular="event",
    out=EventOut,
    filters=EventFilters,
    tag="活动",
    related=("batch",),
)
