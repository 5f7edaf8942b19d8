"""The auditor's page: who may open it, search, order, paging, diff, masking."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tepai.accounts.roles import Role
from tepai.audit.log import record
from tepai.audit.models import AuditEntry
from tepai.audit.views import PAGE_SIZE
from tepai.demands.models import Demand, DemandStatus
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(client: Client) -> Client:
    client.force_login(make_user(Role.AUDITOR, username="shenji"))
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AUDITOR, 200),
        (Role.ADMIN, 200),
        (Role.COMMISSIONER, 403),
        (Role.ENTERPRISE, 403),
        (None, 403),
    ],
)
def test_only_auditors_and_administrators_may_open_it(
    client: Client, role: Role | None, status: int
) -> None:
    client.force_login(make_user(role))
    assert client.get("/audit/").status_code == status


def test_anonymous_users_sign_in_first(client: Client) -> None:
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/audit/"


def test_it_shows_the_diff_with_field_labels_and_masks_personal_data(auditor: Client) -> None:
    enterprise = make_enterprise("阿克苏纺织", contact_phone="13912345678", county="库车市")
    enterprise.county = "拜城县"
    enterprise.contact_email = "zhang.san@example.com"
    enterprise.save()
    html = auditor.get("/audit/").content.decode()
    assert "修改" in html and "新增" in html
    assert "库车市" in html and "拜城县" in html
    assert "所在县市" in html  # the field's verbose name, not "county"
    assert "139****5678" in html
    assert "13912345678" not in html
    assert "z***@example.com" in html and "zhang.san" not in html


def test_it_masks_phones_typed_as_user_names_and_e_mails_in_details(auditor: Client) -> None:
    record("export", detail={"note": "发送给 wang.wu@example.com"})
    Client().post("/login/", {"username": "13800001111", "password": "x"})
    html = auditor.get("/audit/").content.decode()
    assert "w***@example.com" in html and "wang.wu@example.com" not in html
    assert "138****1111" in html and "13800001111" not in html


def test_newest_first_and_paginated(auditor: Client) -> None:
    base = timezone.now() - datetime.timedelta(days=1)
    for number in range(PAGE_SIZE + 5):
        AuditEntry.objects.create(
            action="export",
            object_repr=f"条目{number:03d}",
            at=base + datetime.timedelta(minutes=number),
        )
    first = auditor.get("/audit/?action=export").content.decode()
    assert first.index(f"条目{PAGE_SIZE + 4:03d}") < first.index(f"条目{PAGE_SIZE:03d}")
    assert "条目000" not in first
    second = auditor.get("/audit/?action=export&page=2").content.decode()
    assert "条目000" in second and "action=export&amp;page=1" in second


def test_it_searches_by_actor_action_model_object_dates_and_text(auditor: Client) -> None:
    boss = make_user(Role.ADMIN, username="boss")
    old = timezone.now() - datetime.timedelta(days=30)
    AuditEntry.objects.create(
        action="update",
        actor=boss,
        actor_username="boss",
        model_label="enterprises.enterprise",
        object_id="77",
        object_repr="阿克苏棉纺",
        search_text="boss 阿克苏棉纺 纺纱",
        at=old,
    )
    AuditEntry.objects.create(action="export", actor_username="other", object_repr="别的")

    def found(query: str) -> bool:
        return "阿克苏棉纺" in auditor.get(f"/audit/?{query}").content.decode()

    assert found("actor=bos") and not found("actor=other")
    assert found("action=update") and not found("action=export")
    assert found("model=enterprises.enterprise")
    assert found("object=77") and found("object=棉纺") and not found("object=78")
    day = old.astimezone(timezone.get_current_timezone()).date()
    assert found(f"date_from={day}&date_to={day}")
    assert not found(f"date_from={day + datetime.timedelta(days=1)}")
    assert found("q=纺纱") and not found("q=织布")


def test_a_bad_date_range_is_explained(auditor: Client) -> None:
    html = auditor.get("/audit/?date_from=2024-05-02&date_to=2024-05-01").content.decode()
    assert "截止日期不能早于起始日期。" in html


def test_a_transition_shows_status_labels_and_its_note(auditor: Client) -> None:
    demand = Demand.objects.create(enterprise=make_enterprise(), title="空冷岛清洗", problem="脏")
    demand.transition_to(DemandStatus.PENDING_REVIEW, note="请尽快审核")
    html = auditor.get("/audit/?action=transition").content.decode()
    assert "状态变更" in html
    assert "<td>草稿</td><td>待审核</td>" in html
    assert "说明" in html and "请尽快审核" in html
