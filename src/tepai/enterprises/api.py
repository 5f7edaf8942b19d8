"""企业 (enterprises) in the API; an enterprise user may update its own contact details."""

from typing import Annotated, Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import FilterLookup, FilterSchema
from pydantic import Field

from tepai.accounts.roles import Role, role_of
from tepai.api import masking
from tepai.api.crud import Data, Endpoints, WriteRules, limit_fields
from tepai.api.schemas import RecordOut, label_of
from tepai.core.choices import IndustryCluster
from tepai.enterprises.models import Enterprise, EnterpriseSize

# What an enterprise keeps up to date itself; name and credit code identify it officially.
SELF_SERVICE_FIELDS = {
    "county",
    "size",
    "contact_name",
    "contact_phone",
    "contact_email",
    "description",
}


class EnterpriseOut(RecordOut):
    """受援企业。联系电话和邮箱除管理员和本企业外均脱敏显示。"""

    name: str = Field(description="企业名称")
    credit_code: str = Field(description="统一社会信用代码")
    county: str = Field(description="所在县市")
    cluster: str = Field(description="产业集群代码")
    cluster_label: str = label_of("cluster", "产业集群")
    size: str = Field(description="企业规模代码（可为空）")
    size_label: str = label_of("size", "企业规模")
    contact_name: str = Field(description="联系人")
    contact_phone: str = Field(description="联系电话（无权查看时脱敏）")
    contact_email: str = Field(description="电子邮箱（无权查看时脱敏）")
    personal_data_masked: bool = Field(description="联系电话和邮箱是否已脱敏")
    description: str = Field(description="企业简介")

    @staticmethod
    def resolve_contact_phone(obj: Enterprise, context: Any) -> str:
        return masking.phone(context, obj, "contact_phone")

    @staticmethod
    def resolve_contact_email(obj: Enterprise, context: Any) -> str:
        return masking.email(context, obj, "contact_email")

    @staticmethod
    def resolve_personal_data_masked(obj: Enterprise, context: Any) -> bool:
        return not masking.reveals(context, obj)


class EnterpriseFilters(FilterSchema):
    """按名称、编号、信用代码、县市搜索；按产业集群、县市、规模筛选。"""

    q: Annotated[
        str | None,
        FilterLookup(
            ["name__icontains", "code__iexact", "credit_code__iexact", "county__icontains"]
        ),
    ] = Field(None, description="搜索：企业名称、编号、统一社会信用代码、所在县市")
    cluster: Annotated[IndustryCluster | None, FilterLookup("cluster")] = Field(
        None, description="产业集群"
    )
    county: Annotated[str | None, FilterLookup("county")] = Field(
        None, description="所在县市（完全一致）"
    )
    size: Annotated[EnterpriseSize | None, FilterLookup("size")] = Field(
        None, description="企业规模"
    )


class EnterpriseRules(WriteRules):
    def prepare_update(self, request: HttpRequest, record: Model, data: Data) -> Data:
        if role_of(request.user) is Role.ENTERPRISE:
            limit_fields(
                data, SELF_SERVICE_FIELDS, _("企业用户只能修改本企业的县市、规模、联系人和简介")
            )
        return data


ENDPOINTS = Endpoints(
    singular="enterprise",
    out=EnterpriseOut,
    filters=EnterpriseFilters,
    tag="企业",
    rules=EnterpriseRules(),
)
