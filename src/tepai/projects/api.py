"""项目与合同 (projects and contracts) in the API."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from django.db.models import Q
from django.http import HttpRequest
from ninja import FilterLookup, Router
from pydantic import Field

from tepai.api.crud import Endpoints, RecordId, get_record
from tepai.api.periods import PeriodDate, PeriodFilters, batch_filter
from tepai.api.schemas import WRITE_ERRORS, RecordIdInt, RecordOut, Ref, label_of
from tepai.core.registries import registries_by_slug
from tepai.projects import contracts
from tepai.projects.models import ContractState, Project, ProjectKind, ProjectLevel, ProjectStatus


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
    state: str = Field(
        description="确认状态代码：draft 待确认（双方确认对接后生成的合同草稿，不计入工作成效）"
        "或 confirmed 已确认"
    )
    state_label: str = label_of("state", "确认状态")
    client_party: str = Field(description="委托方（甲方）")
    contractor_party: str = Field(description="受托方（乙方）")
    starts_on: datetime.date | None = Field(description="履行开始日期")
    ends_on: datetime.date | None = Field(description="履行截止日期")
    has_attachment: bool = Field(description="是否已上传合同扫描件（网页端下载）")
    confirmed_at: datetime.datetime | None = Field(description="确认时间")

    @staticmethod
    def resolve_has_attachment(obj: Project) -> bool:
        return bool(obj.attachment)


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
    state: Annotated[ContractState | None, FilterLookup("state")] = Field(
        None, description="确认状态（draft 待确认 / confirmed 已确认）"
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


def _project(request: HttpRequest, pk: int) -> Any:
    """Return project ``pk`` if the user may read it (else 404), as the API shows it."""
    return get_record(registries_by_slug()["projects"], request.user, pk, detail=True)


def confirm(request: HttpRequest, id: int = RecordId) -> Any:
    project = _project(request, id)
    assert isinstance(project, Project)
    # The contract step decides: 403 for anyone but an administrator, 422 naming the field
    # for a missing or wrong detail or a contract already confirmed; nothing is changed then.
    contracts.confirm(project, request.user, request=request)
    return _project(request, id)


def _mount_extras(router: Router) -> None:
    """Add the confirmation of a draft contract."""
    router.add_api_operation(
        "/projects/{int:id}/confirm",
        ["POST"],
        confirm,
        response={200: ProjectOut, **WRITE_ERRORS},
        summary="确认待确认合同（管理员）",
        description=(
            "双方确认对接后生成的合同草稿须填写合同名称、金额、签约日期和甲乙双方"
            "（网页端“完善合同信息”或更新接口），由管理员确认后才计入工作成效统计，"
            "其需求随之变为“已签约”。非管理员返回 403；信息不全或有误、合同已确认时返回 422"
            "（fields 指明字段），均不做任何修改。"
        ),
        operation_id="confirm_project",
        url_name="projects-confirm",
        tags=[ENDPOINTS.tag],
    )


ENDPOINTS = Endpoints(
    singular="project",
    out=ProjectOut,
    filters=ProjectFilters,
    tag="项目合同",
    related=("enterprise", "demand", "signing_event", "batch"),
    prefetch=("commissioners",),
    extras=_mount_extras,
)
