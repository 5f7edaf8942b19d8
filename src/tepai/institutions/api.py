"""单位 (institutions) in the API."""

from typing import Annotated

from ninja import FilterLookup, FilterSchema
from pydantic import Field

from tepai.api.crud import Endpoints
from tepai.api.schemas import RecordOut, label_of
from tepai.core.choices import InstitutionType


class InstitutionOut(RecordOut):
    """单位：特派员的工作单位、创新中心的牵头单位等。"""

    name: str = Field(description="单位名称")
    type: str = Field(description="单位类型代码")
    type_label: str = label_of("type", "单位类型")
    province: str = Field(description="所在省份")
    description: str = Field(description="简介")


class InstitutionFilters(FilterSchema):
    """按名称、编号、省份搜索；按类型、省份筛选。"""

    q: Annotated[
        str | None, FilterLookup(["name__icontains", "code__iexact", "province__icontains"])
    ] = Field(None, description="搜索：单位名称、编号、省份")
    type: Annotated[InstitutionType | None, FilterLookup("type")] = Field(
        None, description="单位类型"
    )
    province: Annotated[str | None, FilterLookup("province")] = Field(
        None, description="所在省份（完全一致）"
    )


ENDPOINTS = Endpoints(
    singular="institution",
    out=InstitutionOut,
    filters=InstitutionFilters,
    tag="单位",
)
