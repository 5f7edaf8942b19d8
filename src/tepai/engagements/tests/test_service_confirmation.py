"""Enterprises confirm the work records that name them; administrators settle disputes
(issue 11: activities to confirm in 待办)."""

from __future__ import annotations

import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse

from tepai.activities.models import Activity, ActivityConfirmation, ActivityKind
from tepai.audit.models import AuditEntry
from tepai.engagements.tests.conftest import World
from tepai.todo.service import groups_for

pytestmark = pytest.mark.django_db

PENDING, CONFIRMED = ActivityConfirmation.PENDING, ActivityConfirmation.CONFIRMED
DISPUTED = ActivityConfirmation.DISPUTED


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _keys(user: object, kind: str) -> list[str]:
    return [item.key for group in groups_for(user) if group.kind == kind for item in group.items]


def _logged(world: World, **fields: object) -> Activity:
    """The commissioner logs a day of service at the enterprise from the work-log form."""
    values = {
        "date": "2024-06-05",
        "kind": ActivityKind.ENTERPRISE_SERVICE,
        "quantity": "1",
        "enterprise": world.enterprise.pk,
        "notes": "现场诊断染色工艺",
        **fields,
    }
    response = _client(world.commissioner_user).post(reverse("engagements:log-activity"), values)
    assert response.status_code == 302
    return Activity.objects.latest("pk")


def _answer(user: object, activity: Activity, action: str, **extra: str) -> HttpResponseBase:
    url = reverse("engagements:service-confirmation", args=[activity.pk])
    return _client(user).post(url, {"action": action, **extra})


def test_a_logged_service_waits_in_the_enterprises_todo_only(world: World) -> None:
    activity = _logged(world)
    assert activity.confirmation == PENDING
    key = f"activity-confirm:{activity.pk}"
    assert _keys(world.enterprise_user, "activity-confirm") == [key]
    assert _keys(world.other_enterprise_user, "activity-confirm") == []
    assert _keys(world.admin, "activity-confirm") == []
    # Work that names no enterprise has nobody to confirm it.
    training = _logged(world, kind=ActivityKind.TRAINING, quantity="20", enterprise="")
    assert training.confirmation == ActivityConfirmation.NOT_NEEDED


def test_the_enterprise_confirms_in_one_click_from_its_todo(world: World) -> None:
    activity = _logged(world)
    panel = _client(world.enterprise_user).get(reverse("todo:todo")).content.decode()
    assert "待确认的服务记录" in panel and "确认属实" in panel
    response = _answer(world.enterprise_user, activity, "confirm", next=reverse("todo:todo"))
    assert response.status_code == 302 and response["Location"] == reverse("todo:todo")
    activity.refresh_from_db()
    assert activity.confirmation == CONFIRMED and activity.confirmed_at is not None
    assert _keys(world.enterprise_user, "activity-confirm") == []
    entry = AuditEntry.objects.filter(object_id=str(activity.pk), action="update").latest("id")
    assert entry.after is not None and entry.after["confirmation"] == "confirmed"
    # Answered once is answered: a second click changes nothing and says why.
    again = _answer(world.enterprise_user, activity, "confirm")
    assert again.status_code == 302


def test_only_the_enterprise_named_may_answer(world: World) -> None:
    activity = _logged(world)
    # Another enterprise may not even see the record.
    assert _answer(world.other_enterprise_user, activity, "confirm").status_code == 404
    assert _answer(world.commissioner_user, activity, "confirm").status_code == 403
    assert _answer(world.admin, activity, "confirm").status_code == 403
    activity.refresh_from_db()
    assert activity.confirmation == PENDING


def test_a_dispute_needs_a_reason_and_goes_to_the_administrators(world: World) -> None:
    activity = _logged(world)
    client = _client(world.enterprise_user)
    url = reverse("engagements:service-confirmation", args=[activity.pk])
    refused = client.post(url, {"action": "dispute", "note": "  "}, follow=True)
    assert "请说明异议的原因" in refused.content.decode()
    activity.refresh_from_db()
    assert activity.confirmation == PENDING
    _answer(world.enterprise_user, activity, "dispute", note="当天没有特派员到厂")
    activity.refresh_from_db()
    assert (activity.confirmation, activity.confirmation_note) == (DISPUTED, "当天没有特派员到厂")
    assert _keys(world.admin, "activity-disputed") == [f"activity-disputed:{activity.pk}"]
    page = _client(world.admin).get(url).content.decode()
    assert "当天没有特派员到厂" in page and "请企业重新确认" in page
    # The enterprise cannot take it back; the administrator asks again after correcting it.
    assert _answer(world.enterprise_user, activity, "confirm").status_code == 302
    activity.refresh_from_db()
    assert activity.confirmation == DISPUTED
    _answer(world.admin, activity, "ask_again")
    activity.refresh_from_db()
    assert activity.confirmation == PENDING
    assert _keys(world.admin, "activity-disputed") == []


def test_an_administrator_may_uphold_a_disputed_record(world: World) -> None:
    activity = _logged(world)
    _answer(world.enterprise_user, activity, "dispute", note="人数不对")
    assert _answer(world.enterprise_user, activity, "uphold").status_code == 403
    _answer(world.admin, activity, "uphold")
    activity.refresh_from_db()
    assert (activity.confirmation, activity.confirmation_note) == (CONFIRMED, "人数不对")


def test_a_record_changed_after_the_answer_waits_again(world: World) -> None:
    activity = _logged(world)
    _answer(world.enterprise_user, activity, "confirm")
    activity.refresh_from_db()
    activity.save()  # nothing changed: still confirmed
    activity.refresh_from_db()
    assert activity.confirmation == CONFIRMED
    activity.quantity = 3
    activity.save()
    activity.refresh_from_db()
    assert activity.confirmation == PENDING and activity.confirmed_at is None
    _answer(world.enterprise_user, activity, "confirm")
    activity.refresh_from_db()
    # A changed list of enterprises served asks again too.
    activity.enterprises.add(world.other_enterprise)
    activity.refresh_from_db()
    assert activity.confirmation == PENDING


def test_the_record_shows_its_confirmation_and_the_list_filters_by_it(world: World) -> None:
    confirmed, waiting = _logged(world), _logged(world, date="2024-06-06")
    _answer(world.enterprise_user, confirmed, "confirm")
    admin = _client(world.admin)
    detail = admin.get(reverse("web:activities-detail", args=[confirmed.pk])).content.decode()
    assert "企业确认" in detail and "已确认" in detail
    listed = admin.get(reverse("web:activities-list") + "?confirmation=pending")
    assert [row.pk for row, _cells in listed.context["rows"]] == [waiting.pk]
