"""批次, 特派团 and 创新中心 (batches, teams, innovation centres) in the API."""

import datetime
from typing import Annotated

from ninja import FilterLookup, FilterSchema
from pydantic import Field

from tepai.api.crud import Endpoints
from tepai.api.schemas import RecordIdInt, RecordOut, Ref, label_of
from tepai.core.choices import IndustryCluster


class BatchOut(RecordOut):
    """批次：一次从派出省份到受援地区的特派员派遣。"""

    name: str = Field(description="批次名称")
    dispatch_date: datetime.date = Field(description="派出日期")
    end_date: datetime.date | None = Field(description="结束日期")
    sending_organisation: str = Field(description="派出单位")
    host_region: str = Field(description="受援地区")
    description: str = Field(description="简介")


class BatchFilters(FilterSchema):
    """按名称、编号、受援地区搜索。"""

    q: Annotated[
        str | None, FilterLookup(["name__icontains", "code__iexact", "host_region__icontains"])
    ] = Field(None, description="搜索：批次名称、编号、受援地区")


class TeamOut(RecordOut):
    """特派团：批次内按产业组织的特派员团队。"""

    name: str = Field(description="团队名称")
    batch: Ref = Field(description="批次")
    cluster: str = Field(description="产业方向代码（可为空）")
    cluster_label: str = label_of("cluster", "产业方向")
    description: str = Field(description="简介")


class TeamFilters(FilterSchema):
    """按名称、编号搜索；按批次、产业方向筛选。"""

    q: Annotated[str | None, FilterLookup(["name__icontains", "code__iexact"])] = Field(
        None, description="搜索：团队名称、编号"
    )
    batch: Annotated[RecordIdInt | None, FilterLookup("batch_id")] = Field(
        None, description="批次 ID"
    )
    cluster: Annotated[IndustryCluster | None, FilterLookup("cluster")] = Field(
        None, description="产业方向"
    )


class CentreOut(RecordOut):
    """创新中心：特派员在受援地区驻点的产业创新中心。"""

    name: str = Field(description="中心名称")
    cluster: str = Field(description="产业方向代码（可为空）")
    cluster_label: str = label_of("cluster", "产业方向")
    location: str = Field(description="所在地")
    lead_institution: Ref | None = Field(description="牵头单位")
    batch: Ref | None = Field(description="批次")
    description: str = Field(description="简介")


class CentreFilters(FilterSchema):
    """按名称、编号、所在地搜索；按批次、产业方向筛选。"""

    q: Annotated[
        str | None, FilterLookup(["name__icontains", "code__iexact", "location__icontains"])
    ] = Field(None, description="搜索：中心名称、编号、所在地")
    batch: Annotated[RecordIdInt | None, FilterLookup("batch_id")] = Field(
        None, description="批次 ID"
    )
    cluster: Annotated[IndustryCluster | None, FilterLookup("cluster")] = Field(
        None, description="产业方向"
    )


BATCH_ENDPOINTS = Endpoints(
    singular="batch",
    out=BatchOut,
    filters=BatchFilters,
    tag="批次与团队",
)

TEAM_ENDPOINTS = Endpoints(
    singular="team",
    out=TeamOut,
    filters=TeamFilters,
    tag="批次与团队",
    related=("batch",),
)

CENTRE_ENDPOINTS = Endpoints(
    singular="centre",
    out=CentreOut,
    filters=CentreFilters,
    tag="批次与团队",
    related=("lead_institution", "batch"),
)
