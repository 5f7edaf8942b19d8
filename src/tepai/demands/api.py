"""技术需求 (demands) in the API: the registry, status transitions, recommended commissioners.

Enterprises post and edit their own demands while they are drafts or under review; moving a
demand along its life-cycle goes through the one workflow (:mod:`tepai.demands.workflow`)
that the web pages use too.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import FilterLookup, Query, Router, Schema
from pydantic import Field

from tepai.accounts.roles import Role, role_of
from tepai.api.crud import Data, Endpoints, RecordId, WriteRules, get_record
from tepai.api.errors import Conflict, Forbidden, InvalidInput
from tepai.api.inputs import InputSchema
from tepai.api.ownership import for_own_enterprise, keep_enterprise, own_enterprise
from tepai.api.periods import PeriodDate, PeriodFilters
from tepai.api.schemas import ERRORS, WRITE_ERRORS, RecordIdInt, RecordOut, Ref, label_of
from tepai.commissioners.models import Commissioner
from tepai.core.choices import IndustryCluster
from tepai.core.registries import registries_by_slug
from tepai.demands.models import EDITABLE_BY_ENTERPRISE, Demand, DemandStatus
from tepai.demands.workflow import change_status
from tepai.institutions.models import Institution
from tepai.programs.models import Batch, InnovationCentre

MAX_RECOMMENDATIONS = 50


class DemandOut(RecordOut):
    """技术需求：企业提出、需要特派员帮助解决的技术难题。"""

    enterprise: Ref = Field(description="提出需求的企业")
    title: str = Field(description="需求名称")
    problem: str = Field(description="问题描述")
    current_solution: str = Field(description="现有方案及差距")
    target: str = Field(description="目标指标")
    required_skills: list[str] = Field(description="所需技能")
    cluster: str = Field(description="产业集群代码")
    cluster_label: str = label_of("cluster", "产业集群")
    budget: Decimal | None = Field(description="预算（万元）")
    deadline: datetime.date | None = Field(description="截止日期")
    collaboration_mode: str = Field(description="合作方式代码（可为空）")
    collaboration_mode_label: str = label_of("collaboration_mode", "合作方式")
    status: str = Field(description="状态代码")
    status_label: str = label_of("status", "状态")


class DemandFilters(PeriodFilters):
    """按名称、问题描述、编号、企业名称搜索；按状态、产业集群、企业、发布批次、发布日期筛选。

    发布日期：所在需求发布批次的发布日期；不在任何有日期的发布批次中的需求按其登记（创建）日期。
    """

    q: Annotated[
        str | None,
        FilterLookup(
            [
                "title__icontains",
                "problem__icontains",
                "code__iexact",
                "enterprise__name__icontains",
            ]
        ),
    ] = Field(None, description="搜索：需求名称、问题描述、编号、企业名称")
    status: Annotated[DemandStatus | None, FilterLookup("status")] = Field(None, description="状态")
    cluster: Annotated[IndustryCluster | None, FilterLookup("cluster")] = Field(
        None, description="产业集群"
    )
    enterprise: Annotated[RecordIdInt | None, FilterLookup("enterprise_id")] = Field(
        None, description="企业 ID"
    )
    demand_list: Annotated[RecordIdInt | None, FilterLookup("lists")] = Field(
        None, description="需求发布批次 ID"
    )
    date_from: PeriodDate | None = Field(None, description="发布日期不早于（YYYY-MM-DD）")
    date_to: PeriodDate | None = Field(None, description="发布日期不晚于（YYYY-MM-DD）")


class DemandRules(WriteRules):
    def prepare_create(self, request: HttpRequest, data: Data) -> Data:
        return for_own_enterprise(request, data, _("企业用户只能为本企业提出需求"))

    def prepare_update(self, request: HttpRequest, record: Model, data: Data) -> Data:
        if role_of(request.user) is not Role.ENTERPRISE:
            return data
        keep_enterprise(request, record, data, _("企业用户不能把需求转给其他企业"))
        self.explain_refusal(request, record)
        return data

    def explain_refusal(self, request: HttpRequest, record: Model) -> None:
        # The enterprise's own demand past review: say so (409) instead of a bare 403.
        if not isinstance(record, Demand):
            return
        if (
            role_of(request.user) is Role.ENTERPRISE
            and record.status not in EDITABLE_BY_ENTERPRISE
            and record.enterprise_id == own_enterprise(request.user)
        ):
            raise Conflict(
                _("需求已是“%(status)s”状态，企业不能再修改；如需调整请联系管理员")
                % {"status": record.get_status_display()},
                code="invalid_state",
            )


# ----- status transitions ----------------------------------------------------------------


class TransitionIn(InputSchema):
    """需求状态变更。"""

    status: DemandStatus = Field(description="目标状态")
    note: str = Field(
        "",
        max_length=500,
        description="说明，记入状态变更历史；退回修改（待审核→草稿）和关闭对接中或已签约的需求时必填",
    )


def _demand(request: HttpRequest, pk: int) -> Any:
    """Return demand ``pk`` if the user may read it (else 404), as the API shows it."""
    return get_record(registries_by_slug()["demands"], request.user, pk, detail=True)


def transition(request: HttpRequest, payload: TransitionIn, id: int = RecordId) -> Any:
    demand = _demand(request, id)
    # The workflow refuses with 403 (not yours), 409 (not from this state) or 422 (note missing).
    change_status(demand, payload.status, request.user, payload.note, request=request)
    return _demand(request, id)


# ----- recommended commissioners ---------------------------------------------------------


class RecommendedCommissioner(Schema):
    id: int = Field(description="特派员 ID")
    name: str = Field(description="姓名")
    title: str = Field(description="职称")
    institution: str = Field(description="工作单位")


class RecommendationOut(Schema):
    rank: int = Field(description="名次，从 1 开始")
    score: float = Field(description="匹配度")
    commissioner: RecommendedCommissioner = Field(description="推荐的特派员")
    confidence: str = Field(description="把握度：高、中或低（按该需求在全部人选中的情况计算）")
    explanation: str = Field(description="推荐理由（中文）")
    matched_terms: list[str] = Field(description="命中的关键词")


class RecommendationsOut(Schema):
    """为一项需求推荐的特派员，按匹配度排序；无人适合时说明原因和建议。"""

    demand: Ref = Field(description="技术需求")
    no_fit: bool = Field(description="现有（筛选范围内的）特派员中是否没有合适人选")
    no_fit_reason: str = Field(description="无人适合的原因（中文）；有合适人选时为空")
    uncovered: list[str] = Field(description="需求中没有任何特派员覆盖的关键内容")
    fit_probability: float = Field(description="最佳人选确实合适的估计概率（0–1）")
    advice: list[str] = Field(description="无人适合时的建议（可对接成果、其他批次、征集方向）")
    results: list[RecommendationOut] = Field(description="推荐结果，按匹配度从高到低")


class RecommendationQuery(Schema):
    top: int = Field(10, ge=1, le=MAX_RECOMMENDATIONS, description="推荐人数（1–50）")
    batch: RecordIdInt | None = Field(None, description="只在该批次（ID）的特派员中推荐")
    centre: RecordIdInt | None = Field(None, description="只在该创新中心（ID）的特派员中推荐")
    institution: RecordIdInt | None = Field(None, description="只在该单位（ID）的特派员中推荐")
    include_full: bool = Field(False, description="包括已达同时对接上限的特派员")


def _name_of(model: type[Model], pk: int | None, field: str) -> str | None:
    if pk is None:
        return None
    name: str | None = model._default_manager.filter(pk=pk).values_list("name", flat=True).first()
    if name is None:
        label = model._meta.verbose_name
        raise InvalidInput(
            _("%(label)s %(id)s 不存在") % {"label": label, "id": pk},
            fields={field: [_("不存在")]},
        )
    return name


def recommendations(
    request: HttpRequest, query: Query[RecommendationQuery], id: int = RecordId
) -> Any:
    # Imported here: the matching engine (numpy, SciPy, the segmenter) loads on first use,
    # not whenever the URL configuration is imported.
    from tepai.recommender import service
    from tepai.recommender.live import shared_engine

    demand = _demand(request, id)
    if role_of(request.user) not in (Role.ADMIN, Role.AUDITOR, Role.ENTERPRISE):
        # Ranking colleagues against each other is the programme office's and the
        # enterprise's view, not something commissioners browse.
        raise Forbidden(_("无权查看推荐结果"))
    batch = _name_of(Batch, query.batch, "batch")
    centre = _name_of(InnovationCentre, query.centre, "centre")
    institution = _name_of(Institution, query.institution, "institution")
    engine = shared_engine()
    result = service.recommend(
        engine,
        demand,
        query.top,
        batch=batch,
        centre=centre,
        institution=institution,
        include_full=query.include_full,
    )
    found = result.recommendations
    advice = service.no_fit_advice(
        engine, demand, result, batch=batch, centre=centre, institution=institution
    )
    people = Commissioner.objects.select_related("institution").in_bulk(
        [int(item.expert_id) for item in found]
    )
    results: list[dict[str, Any]] = []
    for item in found:
        person = people.get(int(item.expert_id))
        if person is None:  # removed since the engine indexed it
            continue
        explanation = item.explanation
        results.append(
            {
                "rank": len(results) + 1,
                "score": round(item.score, 4),
                "commissioner": {
                    "id": person.pk,
                    "name": person.name,
                    "title": person.title,
                    "institution": person.institution.name,
                },
                "confidence": item.confidence,
                "explanation": explanation.text if explanation else "",
                "matched_terms": list(explanation.matched_terms) if explanation else [],
            }
        )
    return {
        "demand": demand,
        "no_fit": result.no_fit,
        "no_fit_reason": result.no_fit_reason,
        "uncovered": list(result.uncovered),
        "fit_probability": result.fit_probability,
        "advice": advice,
        "results": results,
    }


def _mount_extras(router: Router) -> None:
    """Add the transition and recommendation endpoints."""
    router.add_api_operation(
        "/demands/{int:id}/transition",
        ["POST"],
        transition,
        response={200: DemandOut, **WRITE_ERRORS},
        summary="变更需求状态（提交审核、发布、关闭等）",
        description=(
            "企业用户可把本企业的需求提交审核、撤回为草稿，或在对接开始前关闭；其余状态由管理员"
            "变更。“对接中”随推荐对接自动进入和退出，“已签约”须有该需求已确认的项目合同。"
            "退回修改和关闭对接中、已签约的需求须写明说明（否则 422）；关闭时待答复的推荐一并撤回。"
            "角色无权时返回 403，当前状态不允许时返回 409（invalid_transition），均不做任何修改。"
        ),
        operation_id="transition_demand",
        url_name="demands-transition",
        tags=[ENDPOINTS.tag],
    )
    router.add_api_operation(
        "/demands/{int:id}/recommendations",
        ["GET"],
        recommendations,
        response={200: RecommendationsOut, **ERRORS},
        summary="为需求推荐特派员（附推荐理由）",
        description="管理员、审计员和提出需求的企业可查看。",
        operation_id="recommend_commissioners",
        url_name="demands-recommendations",
        tags=[ENDPOINTS.tag],
    )


ENDPOINTS = Endpoints(
    singular="demand",
    out=DemandOut,
    filters=DemandFilters,
    tag="技术需求",
    related=("enterprise",),
    rules=DemandRules(),
    optional_on_create=("enterprise",),
    extras=_mount_extras,
)
