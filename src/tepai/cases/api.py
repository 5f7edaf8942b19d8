"""典型案例 (cases) in the API."""

from typing import Annotated

from ninja import FilterLookup, FilterSchema
from pydantic import Field

from tepai.api.crud import Endpoints
from tepai.api.schemas import RecordIdInt, RecordOut, Ref


class CaseOut(RecordOut):
    """典型案例：讲述工作成效的案例文字，关联项目和工作记录。"""

    title: str = Field(description="标题")
    body: str = Field(description="正文")
    projects: list[Ref] = Field(description="关联项目")
    activities: list[Ref] = Field(description="关联工作记录")
    batch: Ref | None = Field(description="批次")


class CaseFilters(FilterSchema):
    """按标题、正文、编号搜索；按批次筛选。"""

    q: Annotated[
        str | None, FilterLookup(["title__icontains", "body__icontains", "code__iexact"])
    ] = Field(None, description="搜索：标题、正文、编号")
    batch: Annotated[RecordIdInt | None, FilterLookup("batch_id")] = Field(
        None, description="批次 ID"
    )


ENDPOINTS = Endpoints(
    singular="case",
    out=CaseOut,
    filters=CaseFilters,
    tag="典型案例",
    related=("batch",),
    prefetch=("projects", "activities"),
)
