"""The 待办 panel on 总览, the /todo/ page, the top-bar badge and the reminders list."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tepai.demands.models import DemandStatus
from tepai.todo.models import Notification

from .conftest import World, make_demand, propose

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_dashboard_shows_the_panel_first_with_a_one_click_answer(world: World) -> None:
    proposal = propose(world.demand, world.me)
    page = signed_in(world.commissioner).get("/").content.decode()
    panel = page.index('id="todo"')
    assert panel < page.index('class="tabs"')
    assert "待我答复的推荐" in page and world.demand.title in page
    assert f'action="/proposals/{proposal.pk}/answer/"' in page
    # The badge in the top bar counts it and links to the whole list.
    assert 'href="/todo/"' in page and '<span class="todo-count">1</span>' in page


@pytest.mark.parametrize("role", ["admin", "commissioner", "enterprise", "auditor"])
def test_nothing_waiting_says_so(world: World, role: str) -> None:
    page = signed_in(getattr(world, role)).get("/").content.decode()
    assert "目前没有等待您处理的事项。" in page
    assert "todo-count" not in page
    assert (
        "目前没有等待您处理的事项。"
        in signed_in(getattr(world, role)).get("/todo/").content.decode()
    )


def test_the_todo_page_lists_review_and_overdue_demands_for_admins(world: World) -> None:
    make_demand(world.mine, "待审核的需求甲", status=DemandStatus.PENDING_REVIEW)
    late = make_demand(
        world.theirs, "逾期的需求乙", deadline=timezone.localdate() - datetime.timedelta(days=30)
    )
    page = signed_in(world.admin).get("/todo/").content.decode()
    assert "待审核的需求甲" in page and 'href="/review/"' in page
    assert "逾期的需求乙" in page and f'href="/demands/{late.pk}/"' in page
    assert "已逾期" in page


def test_the_demand_list_and_detail_flag_an_overdue_demand(world: World) -> None:
    late = make_demand(world.mine, "逾期的需求", deadline=datetime.date(2025, 6, 30))
    make_demand(world.mine, "不逾期的需求", deadline=datetime.date(2025, 6, 30), status="signed")
    client = signed_in(world.admin)
    listing = client.get("/demands/?sort=deadline").content.decode()
    assert listing.count('<span class="badge badge-flag">已逾期</span>') == 1
    detail = client.get(f"/demands/{late.pk}/").content.decode()
    assert '2025-06-30 <span class="badge badge-flag">已逾期</span>' in detail
    company = signed_in(world.enterprise).get("/company/").content.decode()
    assert company.count("已逾期</span>") == 1


def test_reminders_are_read_one_by_one_or_all_at_once(world: World) -> None:
    first = Notification.objects.create(
        user=world.commissioner, kind="proposal-answer", message="甲", link="/me/#proposal-1"
    )
    Notification.objects.create(user=world.commissioner, kind="x", message="乙")
    theirs = Notification.objects.create(user=world.enterprise, kind="x", message="丙")
    client = signed_in(world.commissioner)
    page = client.get("/notifications/").content.decode()
    assert "甲" in page and "乙" in page and "丙" not in page
    assert '<span class="todo-count">2</span>' in client.get("/").content.decode()

    opened = client.post("/notifications/read/", {"id": first.pk, "open": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/me/#proposal-1"
    first.refresh_from_db()
    assert first.is_read
    # Someone else's reminder does not exist for me; a bad id is a clear message.
    assert client.post("/notifications/read/", {"id": theirs.pk}).status_code == 404
    bad = client.post("/notifications/read/", {"id": "x"}, follow=True).content.decode()
    assert "提醒：缺少或无效的编号" in bad
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(user=world.commissioner, read_at__isnull=True).exists()
    assert not Notification.objects.get(pk=theirs.pk).is_read
    assert client.get("/notifications/read-all/").status_code == 405


def test_a_reminder_never_links_off_the_site(world: World) -> None:
    note = Notification.objects.create(
        user=world.admin, kind="x", message="甲", link="https://evil.example/"
    )
    answer = signed_in(world.admin).post("/notifications/read/", {"id": note.pk, "open": "1"})
    assert answer["Location"] == "/notifications/"


def test_the_demand_list_filters_overdue_demands(world: World) -> None:
    make_demand(world.mine, "逾期的需求", deadline=datetime.date(2025, 6, 30))
    make_demand(world.mine, "已签约的需求", deadline=datetime.date(2025, 6, 30), status="signed")
    client = signed_in(world.admin)
    overdue = client.get("/demands/?overdue=1").content.decode()
    assert "逾期的需求" in overdue and "已签约的需求" not in overdue
    assert world.demand.title not in overdue
    others = client.get("/demands/?overdue=0").content.decode()
    assert "逾期的需求" not in others
    # A demand without a deadline is never overdue.
    assert "已签约的需求" in others and world.demand.title in others
    bad = client.get("/demands/?overdue=maybe")
    assert (
        bad.status_code == 400
        and "筛选条件“已逾期”只能是 1（是）或 0（否）" in bad.content.decode()
    )
