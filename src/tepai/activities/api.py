"""工作记录 (activities) in the API; commissioners record their own work."""

import datetime
from typing import Annotated

from django.db.models import Model, Q
from django.http import HttpRequest
from ninja import FilterLookup
from pydantic import Field

from tepai.accounts.roles import Role, role_of
from tepai.activities.confirmation import request_confirmation
from tepai.activities.models import Activity, ActivityKind
from tepai.api.crud import Data, Endpoints, WriteRules
from tepai.api.periods import PeriodDate, PeriodFilters, batch_filter
from tepai.api.schemas import RecordIdInt, RecordOut, Ref, label_of


class ActivityOut(RecordOut):
    """工作记录：特派员的一项工作及其数量，KPI 据此统计。"""

    date: datetime.date = Field(description="日期")
    kind: str = Field(description="类型代码")
    kind_label: str = label_of("kind", "类型")
    commissioners: list[Ref] = Field(description="特派员")
    enterprises: list[Ref] = Field(description="服务的企业")
    quantity: int = Field(description="数量（人数、人次、个数等，视类型而定）")
    is_trial: bool = Field(description="是否试验示范（仅品种引进）")
    batch: Ref | None = Field(description="批次")
    place: str = Field(description="地点")
    confirmation: str = Field(
        description="企业确认：not_needed 无需确认（项目办录入）、pending 待企业确认、"
        "confirmed 已确认、disputed 企业有异议"
    )
    confirmation_label: str = label_of("confirmation", "企业确认")
    confirmation_note: str = Field(description="确认意见（企业的异议原因）")
    notes: str = Field(description="说明")


class ActivityFilters(PeriodFilters):
    """按说明、地点、编号搜索；按类型、批次、特派员、企业、日期筛选。

    批次：记录日期在该批次服务期内、且有特派员为该批次成员的记录（无特派员的记录按其登记的批次），
    与工作成效统计口径相同。
    """

    q: Annotated[
        str | None, FilterLookup(["notes__icontains", "place__icontains", "code__iexact"])
    ] = Field(None, description="搜索：说明、地点、编号")
    kind: Annotated[ActivityKind | None, FilterLookup("kind")] = Field(None, description="类型")
    batch: RecordIdInt | None = Field(None, description="批次 ID（按记录日期时特派员所在批次）")
    commissioner: Annotated[RecordIdInt | None, FilterLookup("commissioners")] = Field(
        None, description="特派员 ID"
    )
    enterprise: Annotated[RecordIdInt | None, FilterLookup("enterprises")] = Field(
        None, description="企业 ID"
    )
    date_from: PeriodDate | None = Field(None, description="日期不早于（YYYY-MM-DD）")
    date_to: PeriodDate | None = Field(None, description="日期不晚于（YYYY-MM-DD）")

    def filter_batch(self, value: int | None) -> Q:
        return batch_filter(Activity, value)


def _with_me(request: HttpRequest, data: Data) -> Data:
    """Keep the signed-in commissioner among the activity's commissioners."""
    if role_of(request.user) is not Role.COMMISSIONER:
        return data
    account = getattr(request.user, "account", None)
    assert account is not None  # the commissioner role comes from the account
    me = account.commissioner_id
    chosen = list(data.get("commissioners") or [])
    if me not in chosen:
        # A commissioner records their own work, and the record stays theirs to edit.
        chosen.append(me)
    return {**data, "commissioners": chosen}


class ActivityRules(WriteRules):
    def prepare_create(self, request: HttpRequest, data: Data) -> Data:
        return _with_me(request, data)

    def prepare_update(self, request: HttpRequest, record: Model, data: Data) -> Data:
        return _with_me(request, data) if "commissioners" in data else data

    def after_create(self, request: HttpRequest, record: Model) -> None:
        # A commissioner's own record of serving enterprises waits for them to confirm it.
        if role_of(request.user) is Role.COMMISSIONER:
            request_confirmation(record)  # type: ignore[arg-type]


ENDPOINTS = Endpoints(
    singular="activity",
    out=ActivityOut,
    filters=ActivityFilters,
    tag="工作记录",
    related=("batch",),
    prefetch=("commissioners", "enterprises"),
    rules=ActivityRules(),
)
