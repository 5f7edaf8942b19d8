"""Read scope, write permission and personal-data visibility per role (accounts.permissions)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tepai.accounts.permissions import can_change, can_create, can_view_personal_data, visible
from tepai.accounts.roles import Role
from tepai.activities.models import Activity
from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand, DemandStatus
from tepai.enterprises.models import Enterprise
from tepai.projects.models import Project
from tepai.testing.accounts import make_user
from tepai.testing.factories import make_activity, make_commissioner, make_enterprise, make_project

pytestmark = pytest.mark.django_db


def _demand(enterprise: Enterprise, status: str, title: str) -> Demand:
    return Demand.objects.create(enterprise=enterprise, title=title, problem="问题", status=status)


def test_enterprise_sees_and_edits_only_its_own_demands_while_unreviewed() -> None:
    user = make_user(Role.ENTERPRISE)
    mine = user.account.enterprise
    draft = _demand(mine, DemandStatus.DRAFT, "草稿需求")
    published = _demand(mine, DemandStatus.PUBLISHED, "已发布需求")
    other = _demand(make_enterprise(), DemandStatus.PUBLISHED, "别家需求")
    assert set(visible(user, Demand.objects.all())) == {draft, published}
    assert can_change(user, draft)
    assert not can_change(user, published)
    assert not can_change(user, other)
    assert can_create(user, Demand)
    assert not can_create(user, Project)
    assert list(visible(user, Enterprise.objects.all())) == [mine]


def test_commissioner_sees_published_demands_and_changes_only_their_own_records() -> None:
    user = make_user(Role.COMMISSIONER)
    me = user.account.commissioner
    somebody = make_commissioner()
    firm = make_enterprise()
    draft = _demand(firm, DemandStatus.DRAFT, "草稿需求")
    published = _demand(firm, DemandStatus.PUBLISHED, "已发布需求")
    mine = make_project(commissioners=[me])
    make_project(commissioners=[somebody])
    my_log = make_activity()
    my_log.commissioners.add(me)
    theirs = make_activity()
    theirs.commissioners.add(somebody)
    assert set(visible(user, Demand.objects.all())) == {published}
    assert draft not in visible(user, Demand.objects.all())
    assert list(visible(user, Project.objects.all())) == [mine]
    assert list(visible(user, Activity.objects.all())) == [my_log]
    assert can_change(user, me) and not can_change(user, somebody)
    assert can_change(user, my_log) and not can_change(user, theirs)
    assert can_create(user, Activity) and not can_create(user, Demand)
    assert visible(user, Commissioner.objects.all()).count() == 2  # the roster is public


def test_auditor_reads_everything_and_changes_nothing() -> None:
    user = make_user(Role.AUDITOR)
    demand = _demand(make_enterprise(), DemandStatus.DRAFT, "草稿需求")
    assert list(visible(user, Demand.objects.all())) == [demand]
    assert not can_change(user, demand)
    assert not can_create(user, Demand)
    assert not can_view_personal_data(user, make_commissioner())


def test_personal_data_is_for_administrators_and_the_person_themselves() -> None:
    admin = make_user(Role.ADMIN)
    commissioner = make_user(Role.COMMISSIONER)
    enterprise = make_user(Role.ENTERPRISE)
    me = commissioner.account.commissioner
    other = make_commissioner()
    assert can_view_personal_data(admin) and can_view_personal_data(admin, other)
    assert can_view_personal_data(commissioner, me)
    assert not can_view_personal_data(commissioner, other)
    assert not can_view_personal_data(commissioner)
    assert can_view_personal_data(enterprise, enterprise.account.enterprise)
    assert not can_view_personal_data(enterprise, make_enterprise())


def test_anonymous_users_see_nothing() -> None:
    _demand(make_enterprise(), DemandStatus.PUBLISHED, "已发布需求")
    anonymous = AnonymousUser()
    assert not visible(anonymous, Demand.objects.all()).exists()
    assert not visible(anonymous, Commissioner.objects.all()).exists()
    assert not can_create(anonymous, Demand)


def test_scopes_through_shared_records_list_each_record_once() -> None:
    # Scopes across many-to-many links are subqueries: a record shared with colleagues (or
    # linked twice) must appear, and be counted, once.
    commissioner = make_user(Role.COMMISSIONER)
    me = commissioner.account.commissioner
    colleague = make_commissioner()
    firm = make_enterprise()
    enterprise = make_user(Role.ENTERPRISE)
    mine = enterprise.account.enterprise
    draft = _demand(firm, DemandStatus.DRAFT, "我签约的草稿需求")
    published = _demand(firm, DemandStatus.PUBLISHED, "已发布需求")
    first = make_project(commissioners=[me, colleague], demand=draft, enterprise=mine)
    second = make_project(commissioners=[me], demand=published)
    again = make_project(commissioners=[me], demand=draft)  # the draft's second contract
    joint = make_activity(commissioners=[me, colleague], enterprises=[mine, firm])
    make_activity(commissioners=[colleague], enterprises=[firm])

    demands = visible(commissioner, Demand.objects.all())
    assert sorted(d.pk for d in demands) == sorted([draft.pk, published.pk])
    assert demands.count() == 2
    projects = visible(commissioner, Project.objects.all())
    assert sorted(p.pk for p in projects) == sorted([first.pk, second.pk, again.pk])
    assert projects.count() == 3
    assert list(visible(commissioner, Activity.objects.all())) == [joint]
    assert list(visible(enterprise, Activity.objects.all())) == [joint]
    assert list(visible(enterprise, Project.objects.all())) == [first]
