"""工作成效 (KPI) report in the API: the same figures as ``tepai report kpi``."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from tepai.accounts.roles import Role, role_of
from tepai.api.errors import Forbidden, InvalidInput
from tepai.api.schemas import ERRORS, RecordIdInt, Ref
from tepai.programs.models import Batch
from tepai.reports.kpi import kpi_report


class KpiFigureOut(Schema):
    key: str = Field(description="指标代码")
    label: str = Field(description="指标名称")
    unit: str = Field(description="单位")
    value: int = Field(description="数值")
    phrase: str = Field(description="通报用语，如“300余人”")
    definition: str = Field(description="统计口径")
    records: dict[str, list[int]] = Field(description="计入的记录 ID（按登记簿）")


class KpiOut(Schema):
    """工作成效指标：由项目、合同和工作记录实时统计，附计入的记录和通报文字。"""

    batch: Ref | None = Field(description="统计的批次；为 null 时统计全部批次")
    figures: list[KpiFigureOut] = Field(description="各项指标")
    narrative: str = Field(description="通报文字")


class KpiQuery(Schema):
    batch: RecordIdInt | None = Field(None, description="只统计该批次（ID）；不填统计全部批次")


def kpi(request: HttpRequest, query: Query[KpiQuery]) -> Any:
    if role_of(request.user) not in (Role.ADMIN, Role.AUDITOR):
        raise Forbidden(_("只有管理员和审计员可以查看工作成效统计"))
    batch = None
    if query.batch is not None:
        batch = Batch.objects.filter(pk=query.batch).first()
        if batch is None:
            raise InvalidInput(
                _("批次 %(id)s 不存在") % {"id": query.batch}, fields={"batch": [_("不存在")]}
            )
    report = kpi_report(batch)
    figures = [
        {
            "key": key,
            "label": figure.definition.display_label,
            "unit": figure.definition.display_unit,
            "value": figure.value,
            "phrase": figure.phrase,
            "definition": figure.definition.definition,
            "records": figure.records,
        }
        for key, figure in report.figures.items()
    ]
    return {"batch": batch, "figures": figures, "narrative": report.narrative()}


def mount(router: Router) -> None:
    router.add_api_operation(
        "/reports/kpi",
        ["GET"],
        kpi,
        response={200: KpiOut, **ERRORS},
        summary="工作成效指标（KPI）与通报文字",
        description="管理员和审计员可查看。",
        operation_id="kpi_report",
        url_name="reports-kpi",
        tags=["统计报告"],
    )
