"""The one demand workflow (issue 9, finding 8): the same answers from the API and the web.

Each case is (role, from, to, note, has a contract) → the expected refusal (None: allowed).
Every case is asked of the API; those the web has a control for (submitting, the review
queue) are asked of the web too, and must give the same decision and message.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tepai.accounts.roles import Role
from tepai.audit.models import AuditEntry
from tepai.demands.models import Demand, DemandStatus
from tepai.engagements.models import Proposal, ProposalStatus
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_commissioner, make_enterprise, make_project

pytestmark = pytest.mark.django_db

S = DemandStatus
ADMIN, ENTERPRISE, COMMISSIONER, AUDITOR = (
    Role.ADMIN,
    Role.ENTERPRISE,
    Role.COMMISSIONER,
    Role.AUDITOR,
)

# (role, from, to, note, contract) → None, or (HTTP status, words of the message)
CASES: list[tuple[Role, str, str, str, bool, tuple[int, str] | None]] = [
    (ENTERPRISE, S.DRAFT, S.PENDING_REVIEW, "", False, None),
    (ENTERPRISE, S.PENDING_REVIEW, S.DRAFT, "", False, None),
    (ENTERPRISE, S.PUBLISHED, S.CLOSED, "", False, None),
    (ENTERPRISE, S.PENDING_REVIEW, S.PUBLISHED, "", False, (403, "无权")),
    (ENTERPRISE, S.SIGNED, S.CLOSED, "", True, (409, "企业不能再变更")),
    (ENTERPRISE, S.MATCHING, S.CLOSED, "不要了", False, (409, "企业不能再变更")),
    (ENTERPRISE, S.PENDING_REVIEW, S.PENDING_REVIEW, "", False, (409, "只有草稿")),
    (COMMISSIONER, S.PUBLISHED, S.CLOSED, "", False, (403, "无权变更需求状态")),
    (AUDITOR, S.PUBLISHED, S.CLOSED, "", False, (403, "无权变更需求状态")),
    (ADMIN, S.PENDING_REVIEW, S.PUBLISHED, "", False, None),
    (ADMIN, S.PENDING_REVIEW, S.DRAFT, "请补充预算", False, None),
    (ADMIN, S.PENDING_REVIEW, S.DRAFT, "", False, (422, "退回说明")),
    (ADMIN, S.PUBLISHED, S.MATCHING, "", False, (409, "自动进入")),
    (ADMIN, S.MATCHING, S.PUBLISHED, "", False, (409, "自动重新开放")),
    (ADMIN, S.MATCHING, S.SIGNED, "", False, (409, "还没有已确认的项目合同")),
    (ADMIN, S.MATCHING, S.SIGNED, "", True, None),
    (ADMIN, S.MATCHING, S.CLOSED, "", False, (422, "关闭说明")),
    (ADMIN, S.MATCHING, S.CLOSED, "企业已自行解决", False, None),
    (ADMIN, S.SIGNED, S.COMPLETED, "", True, None),
    (ADMIN, S.DRAFT, S.SIGNED, "", True, (409, "不能从“草稿”变为“已签约”")),
    (ADMIN, S.CLOSED, S.PUBLISHED, "", False, (409, "不能从“已关闭”变为“已发布”")),
]


def _setup(role: Role, status: str, contract: bool) -> tuple[Any, Demand]:
    enterprise = make_enterprise("阿克苏测试纺织有限公司")
    user = make_user(role, enterprise=enterprise) if role is ENTERPRISE else make_user(role)
    demand = Demand.objects.create(
        enterprise=enterprise, title="梳棉机除尘改造", problem="粉尘大", status=status
    )
    commissioner = make_commissioner(name="张特派")
    if status == S.MATCHING:
        Proposal.objects.create(demand=demand, commissioner=commissioner)
    if contract:
        make_project(title="梳棉机除尘改造合同", enterprise=enterprise, demand=demand)
    return user, demand


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: Any, demand: Demand, target: str, note: str) -> tuple[int, str]:
    response = _client(user).post(
        f"/api/demands/{demand.pk}/transition",
        json.dumps({"status": target, "note": note}),
        content_type="application/json",
    )
    body = response.json()
    return response.status_code, body["error"]["message"] if "error" in body else ""


def _web(user: Any, demand: Demand, target: str, note: str) -> tuple[bool, str] | None:
    """Return (changed, message shown) from the web's control for this move, or None."""
    client = _client(user)
    if (demand.status, target) == (S.PENDING_REVIEW, S.PUBLISHED) and user.account.role == ADMIN:
        url, data = reverse("engagements:review-demand", args=[demand.pk]), {"decision": "publish"}
    elif (demand.status, target) == (S.PENDING_REVIEW, S.DRAFT) and user.account.role == ADMIN:
        url = reverse("engagements:review-demand", args=[demand.pk])
        data = {"decision": "return", "note": note}
    elif (demand.status, target) == (S.DRAFT, S.PENDING_REVIEW) and user.account.role == ENTERPRISE:
        url = reverse("engagements:company-demand-edit", args=[demand.pk])
        data = {"title": demand.title, "problem": demand.problem, "cluster": demand.cluster}
    else:
        return None
    before = demand.status
    response = client.post(url, data, follow=True)
    demand.refresh_from_db()
    shown = " ".join(str(m) for m in response.context["messages"]) if response.context else ""
    return demand.status != before, shown


@pytest.mark.parametrize(
    ("role", "current", "target", "note", "contract", "refusal"),
    CASES,
    ids=[f"{c[0].value}-{c[1]}-{c[2]}{'-note' if c[3] else ''}" for c in CASES],
)
def test_api_and_web_give_the_same_answer(
    role: Role,
    current: str,
    target: str,
    note: str,
    contract: bool,
    refusal: tuple[int, str] | None,
) -> None:
    user, demand = _setup(role, current, contract)
    status, message = _api(user, demand, target, note)
    demand.refresh_from_db()
    if refusal is None:
        assert status == 200, message
        assert demand.status == target
    else:
        assert (status, demand.status) == (refusal[0], current), message
        assert refusal[1] in message
    web_demand = Demand.objects.create(
        enterprise=demand.enterprise, title="另一项需求", problem="粉尘大", status=current
    )
    web = _web(user, web_demand, target, note)
    if web is not None:
        changed, shown = web
        assert changed == (refusal is None)
        if refusal is not None:
            assert message.replace(demand.title, web_demand.title) in shown


def test_an_enterprise_closing_its_signed_demand_through_the_api_changes_nothing() -> None:
    # The reproduction of finding 8: the close was final and left proposals hanging.
    user, demand = _setup(ENTERPRISE, S.SIGNED, contract=True)
    waiting = Proposal.objects.create(demand=demand, commissioner=make_commissioner(name="李"))
    status, message = _api(user, demand, S.CLOSED, "")
    assert status == 409
    assert message == "需求已是“已签约”状态，企业不能再变更；如需终止请联系管理员"
    demand.refresh_from_db()
    waiting.refresh_from_db()
    assert (demand.status, waiting.status) == (S.SIGNED, ProposalStatus.PENDING)
    assert not demand.transitions.exists()


def test_closing_withdraws_the_open_proposals_with_the_reason() -> None:
    admin, demand = _setup(ADMIN, S.MATCHING, contract=False)
    status, _message = _api(admin, demand, S.CLOSED, "企业已自行解决")
    assert status == 200
    assert list(Proposal.objects.values_list("status", flat=True)) == [ProposalStatus.WITHDRAWN]
    assert demand.transitions.get().note == "企业已自行解决"
    entry = AuditEntry.objects.filter(action="proposal").latest("id")
    assert entry.detail["reason"] == "企业已自行解决"


def test_another_enterprise_cannot_move_the_demand() -> None:
    _, demand = _setup(ENTERPRISE, S.DRAFT, contract=False)
    stranger = make_user(ENTERPRISE)
    status, _message = _api(stranger, demand, S.CLOSED, "")
    assert status == 404
    demand.refresh_from_db()
    assert demand.status == S.DRAFT
