"""科技成果 and 合作意向 (outcomes, cooperation intents) in the API."""

import datetime
from typing import Annotated

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import FilterLookup, FilterSchema, Schema
from pydantic import Field

from tepai.api.crud import Data, Endpoints, WriteRules
from tepai.api.ownership import for_own_enterprise, keep_enterprise
from tepai.api.schemas import RecordIdInt, RecordOut, Ref, label_of
from tepai.core.choices import IndustryCluster
from tepai.outcomes.models import IntentStatus


class OutcomeOut(RecordOut):
    """科技成果：特派员及其单位可转化的研究成果。"""

    title: str = Field(description="成果名称")
    description: str = Field(description="成果简介")
    owners: list[Ref] = Field(description="完成人（特派员）")
    institution: Ref | None = Field(description="所属单位")
    trl: int | None = Field(description="技术成熟度 TRL 1–9")
    intellectual_property: str = Field(description="知识产权")
    roadshow_event: Ref | None = Field(description="路演活动")
    cluster: str = Field(description="产业集群代码（可为空）")
    cluster_label: str = label_of("cluster", "产业集群")


class OutcomeFilters(FilterSchema):
    """按名称、简介、编号搜索；按产业集群、单位、完成人筛选。"""

    q: Annotated[
        str | None, FilterLookup(["title__icontains", "description__icontains", "code__iexact"])
    ] = Field(None, description="搜索：成果名称、简介、编号")
    cluster: Annotated[IndustryCluster | None, FilterLookup("cluster")] = Field(
        None, description="产业集群"
    )
    institution: Annotated[RecordIdInt | None, FilterLookup("institution_id")] = Field(
        None, description="所属单位 ID"
    )
    owner: Annotated[RecordIdInt | None, FilterLookup("owners")] = Field(
        None, description="完成人（特派员 ID）"
    )


class IntentOut(Schema):
    """合作意向：企业对一项成果的兴趣，从意向到签约、转化。"""

    id: int = Field(description="记录 ID")
    outcome: Ref = Field(description="成果")
    enterprise: Ref = Field(description="企业")
    date: datetime.date = Field(description="日期")
    status: str = Field(description="状态代码")
    status_label: str = label_of("status", "状态")
    note: str = Field(description="说明")


class IntentFilters(FilterSchema):
    """按成果名称、企业名称、说明搜索；按状态、成果、企业筛选。"""

    q: Annotated[
        str | None,
        FilterLookup(
            ["outcome__title__icontains", "enterprise__name__icontains", "note__icontains"]
        ),
    ] = Field(None, description="搜索：成果名称、企业名称、说明")
    status: Annotated[IntentStatus | None, FilterLookup("status")] = Field(None, description="状态")
    outcome: Annotated[RecordIdInt | None, FilterLookup("outcome_id")] = Field(
        None, description="成果 ID"
    )
    enterprise: Annotated[RecordIdInt | None, FilterLookup("enterprise_id")] = Field(
        None, description="企业 ID"
    )


class IntentRules(WriteRules):
    def prepare_create(self, request: HttpRequest, data: Data) -> Data:
        return for_own_enterprise(request, data, _("企业用户只能登记本企业的合作意向"))

    def prepare_update(self, request: HttpRequest, record: Model, data: Data) -> Data:
        keep_enterprise(request, record, data, _("企业用户不能把合作意向转给其他企业"))
        return data


OUTCOME_ENDPOINTS = Endpoints(
    singular="outcome",
    out=OutcomeOut,
    filters=OutcomeFilters,
    tag="科技成果",
    related=("institution", "roadshow_event"),
    prefetch=("owners",),
)

INTENT_ENDPOINTS = Endpoints(
    singular="intent",
    out=IntentOut,
    filters=IntentFilters,
    tag="科技成果",
    related=("outcome", "enterprise"),
    rules=IntentRules(),
    optional_on_create=("enterprise",),
)
