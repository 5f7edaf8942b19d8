"""科技特派员 (commissioners) in the API; they may edit their own profile."""

import datetime
from typing import Annotated, Any

from django.db.models import Model, Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import FilterLookup, FilterSchema, Schema
from pydantic import Field

from tepai.accounts.roles import Role, role_of
from tepai.api import masking
from tepai.api.crud import Data, Endpoints, WriteRules, limit_fields
from tepai.api.schemas import RecordIdInt, RecordOut, Ref, label_of
from tepai.commissioners.models import Commissioner
from tepai.core.choices import Degree, Gender, TitleLevel
from tepai.programs.models import Team

# What a commissioner maintains about themselves; name, unit, title and batches are the
# programme office's records.
PROFILE_FIELDS = {"bio", "research_fields", "phone", "email"}


class WorkItemOut(Schema):
    """代表性成果：过往项目、论文、专利。"""

    id: int = Field(description="记录 ID")
    kind: str = Field(description="类型代码")
    kind_label: str = label_of("kind", "类型")
    title: str = Field(description="标题")
    text: str = Field(description="内容")
    year: int | None = Field(description="年份")


class CommissionerOut(RecordOut):
    """科技特派员。手机号码和邮箱除管理员和本人外均脱敏显示，出生日期只给出年份。"""

    name: str = Field(description="姓名")
    gender: str = Field(description="性别代码")
    gender_label: str = label_of("gender", "性别")
    birth_date: datetime.date | None = Field(
        description="出生日期（精度为“月”时日期为当月 1 日；除管理员和本人外为空）"
    )
    birth_year: int | None = Field(description="出生年份")
    birth_date_precision: str | None = Field(
        description="出生日期精度：day 日、month 月（仅管理员可见，其他人为空）"
    )
    institution: Ref = Field(description="工作单位")
    title: str = Field(description="职称")
    title_level: str = Field(description="职称级别代码")
    title_level_label: str = label_of("title_level", "职称级别")
    degree: str = Field(description="学位代码")
    degree_label: str = label_of("degree", "学位")
    research_fields: list[str] = Field(description="研究方向")
    bio: str = Field(description="个人简介")
    phone: str = Field(description="手机号码（无权查看时脱敏，如 138****1234）")
    email: str = Field(description="电子邮箱（无权查看时脱敏）")
    personal_data_masked: bool = Field(description="手机号码和邮箱是否已脱敏")
    batches: list[Ref] = Field(description="批次")
    teams: list[Ref] = Field(description="所属团队")
    centres: list[Ref] = Field(description="所属创新中心")
    max_load: int | None = Field(description="同时对接上限（为空表示不限）")

    @staticmethod
    def resolve_birth_date(obj: Commissioner, context: Any) -> datetime.date | None:
        shown: datetime.date | None = masking.birth_date(context, obj, "birth_date")
        return shown

    @staticmethod
    def resolve_birth_year(obj: Commissioner, context: Any) -> int | None:
        return masking.year_of_birth(obj, "birth_date")

    @staticmethod
    def resolve_birth_date_precision(obj: Commissioner, context: Any) -> str | None:
        # Internal bookkeeping of the programme office (issue 9, finding 12).
        return obj.birth_date_precision if masking.reveals(context, Commissioner) else None

    @staticmethod
    def resolve_phone(obj: Commissioner, context: Any) -> str:
        return masking.phone(context, obj, "phone")

    @staticmethod
    def resolve_email(obj: Commissioner, context: Any) -> str:
        return masking.email(context, obj, "email")

    @staticmethod
    def resolve_personal_data_masked(obj: Commissioner, context: Any) -> bool:
        return not masking.reveals(context, obj)


class CommissionerDetailOut(CommissionerOut):
    work_items: list[WorkItemOut] = Field(description="代表性成果")


class CommissionerFilters(FilterSchema):
    """按姓名、编号、职称、简介搜索；按单位、批次、团队、中心、职称级别、学位、性别筛选。"""

    q: Annotated[
        str | None,
        FilterLookup(["name__icontains", "code__iexact", "title__icontains", "bio__icontains"]),
    ] = Field(None, description="搜索：姓名、编号、职称、个人简介")
    institution: Annotated[RecordIdInt | None, FilterLookup("institution_id")] = Field(
        None, description="工作单位 ID"
    )
    batch: Annotated[RecordIdInt | None, FilterLookup("batches")] = Field(
        None, description="批次 ID"
    )
    team: Annotated[RecordIdInt | None, FilterLookup("teams")] = Field(None, description="团队 ID")
    centre: Annotated[RecordIdInt | None, FilterLookup("centres")] = Field(
        None, description="创新中心 ID"
    )
    title_level: Annotated[TitleLevel | None, FilterLookup("title_level")] = Field(
        None, description="职称级别"
    )
    degree: Annotated[Degree | None, FilterLookup("degree")] = Field(None, description="学位")
    gender: Annotated[Gender | None, FilterLookup("gender")] = Field(None, description="性别")


class CommissionerRules(WriteRules):
    def prepare_update(self, request: HttpRequest, record: Model, data: Data) -> Data:
        if role_of(request.user) is Role.COMMISSIONER:
            limit_fields(
                data, PROFILE_FIELDS, _("特派员只能修改本人的个人简介、研究方向、手机号码和邮箱")
            )
        return data


ENDPOINTS = Endpoints(
    singular="commissioner",
    out=CommissionerOut,
    detail_out=CommissionerDetailOut,
    filters=CommissionerFilters,
    tag="特派员",
    related=("institution",),
    prefetch=(
        "batches",
        Prefetch("teams", queryset=Team.objects.select_related("batch")),
        "centres",
    ),
    detail_prefetch=("work_items",),
    rules=CommissionerRules(),
)
