"""项目与合同 (projects and contracts) in the API."""

import datetime
from decimal import Decimal
from typing import Annotated, ClassVar

from django.db.models import Q
from ninja import FilterLookup
from pydantic import Field

from tepai.api.endpoints.periods import PeriodDate, PeriodFilters, batch_filter
from tepai.api.registry import Registry
from tepai.api.schemas import RecordIdInt, RecordOut, Ref, label_of
from tepai.projects.forms import ProjectForm
from tepai.projects.models import Project, ProjectKind, ProjectLevel, ProjectStatus


class ProjectOut(RecordOut):
    """项目合同：特派员主持或参与的科研项目，或与企业签订的技术合同。"""

    title: str = Field(description="项目名称")
    kind: str = Field(description="类型代码")
    kind_label: str = label_of("kind", "类型")
    level: str = Field(description="项目级别代码（合同为空）")
    level_label: str = label_of("level", "项目级别")
    led_by_commissioner: bool = Field(description="是否由特派员主持")
    commissioners: list[Ref] = Field(description="特派员")
    enterprise: Ref | None = Field(description="企业")
    demand: Ref | None = Field(description="对应的技术需求")
    amount: Decimal | None = Field(description="金额（万元）")
    signed_on: datetime.date = Field(description="签约日期")
    signing_event: Ref | None = Field(description="签约活动")
    status: str = Field(description="状态代码")
    status_label: str = label_of("status", "状态")
    batch: Ref | None = Field(description="批次")
    description: str = Field(description="说明")


class ProjectFilters(PeriodFilters):
    """按名称、编号、说明搜索；按类型、级别、状态、批次、企业、特派员、签约日期筛选。

    批次：签约日期在该批次服务期内、且有特派员为该批次成员的项目（无特派员的按其登记的批次），
    与工作成效统计口径相同。
    """

    period_fields: ClassVar[tuple[str, str]] = ("signed_from", "signed_to")

    q: Annotated[
        str | None, FilterLookup(["title__icontains", "code__iexact", "description__icontains"])
    ] = Field(None, description="搜索：项目名称、编号、说明")
    kind: Annotated[ProjectKind | None, FilterLookup("kind")] = Field(None, description="类型")
    level: Annotated[ProjectLevel | None, FilterLookup("level")] = Field(
        None, description="项目级别"
    )
    status: Annotated[ProjectStatus | None, FilterLookup("status")] = Field(
        None, description="状态"
    )
    batch: RecordIdInt | None = Field(None, description="批次 ID（按签约日期时特派员所在批次）")
    enterprise: Annotated[RecordIdInt | None, FilterLookup("enterprise_id")] = Field(
        None, description="企业 ID"
    )
    commissioner: Annotated[RecordIdInt | None, FilterLookup("commissioners")] = Field(
        None, description="特派员 ID"
    )
    signed_from: PeriodDate | None = Field(None, description="签约日期不早于（YYYY-MM-DD）")
    signed_to: PeriodDate | None = Field(None, description="签约日期不晚于（YYYY-MM-DD）")

    def filter_batch(self, value: int | None) -> Q:
        return batch_filter(Project, value)


REGISTRIES = [
    Registry(
        path="projects",
        singular="project",
        model=Project,
        out=ProjectOut,
        filters=ProjectFilters,
        tag="项目合同",
        related=("enterprise", "demand", "signing_event", "batch"),
        prefetch=("commissioners",),
        form=ProjectForm,
    )
]
