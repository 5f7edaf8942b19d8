"""Model changes, demand transitions and sign-ins are written to the log by themselves."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.audit.context import Actor, acting
from tepai.audit.models import AuditEntry
from tepai.demands.models import Demand, DemandStatus
from tepai.testing.accounts import PASSWORD, make_user
from tepai.testing.factories import make_batch, make_commissioner, make_enterprise

pytestmark = pytest.mark.django_db


def _last(**filters: object) -> AuditEntry:
    entry = AuditEntry.objects.filter(**filters).order_by("-id").first()
    assert entry is not None
    return entry


def test_a_create_keeps_the_new_values() -> None:
    enterprise = make_enterprise("阿克苏纺织", contact_phone="13912345678")
    entry = _last(action="create", model_label="enterprises.enterprise")
    assert entry.object_id == str(enterprise.pk)
    assert entry.object_repr == "阿克苏纺织"
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["name"] == "阿克苏纺织"
    assert entry.after["contact_phone"] == "139****5678"  # stored masked (issue 9, #11)
    assert "updated_at" not in entry.after  # auto_now changes on every save; not a change


def test_an_update_keeps_only_what_changed() -> None:
    enterprise = make_enterprise("阿克苏纺织", county="库车市")
    enterprise.county = "拜城县"
    enterprise.save()
    entry = _last(action="update")
    assert entry.model_label == "enterprises.enterprise"
    assert (entry.before, entry.after) == ({"county": "库车市"}, {"county": "拜城县"})


def test_a_save_that_changes_nothing_writes_nothing() -> None:
    enterprise = make_enterprise()
    count = AuditEntry.objects.count()
    enterprise.save()
    Enterprise = type(enterprise)
    Enterprise.objects.get(pk=enterprise.pk).save()
    assert AuditEntry.objects.count() == count


def test_a_delete_keeps_the_old_values() -> None:
    enterprise = make_enterprise("待删除企业")
    pk = enterprise.pk
    enterprise.delete()
    entry = _last(action="delete")
    assert entry.object_id == str(pk)
    assert entry.before is not None
    assert entry.before["name"] == "待删除企业" and entry.after is None


def test_many_to_many_changes_are_updates() -> None:
    batch = make_batch()
    commissioner = make_commissioner()
    commissioner.batches.add(batch)
    entry = _last(action="update", model_label="commissioners.commissioner")
    assert (entry.before, entry.after) == ({"batches": []}, {"batches": [batch.pk]})
    count = AuditEntry.objects.count()
    commissioner.batches.add(batch)  # already there
    assert AuditEntry.objects.count() == count
    commissioner.batches.clear()
    entry = _last(action="update", model_label="commissioners.commissioner")
    assert (entry.before, entry.after) == ({"batches": [batch.pk]}, {"batches": []})


def test_a_demand_transition_is_logged_with_who_did_it() -> None:
    clerk = get_user_model().objects.create_user("clerk")
    demand = Demand.objects.create(enterprise=make_enterprise(), title="空冷岛清洗", problem="脏")
    demand.transition_to(DemandStatus.PENDING_REVIEW, by=clerk, note="请审核")
    entry = _last(action="transition")
    assert entry.model_label == "demands.demand" and entry.object_id == str(demand.pk)
    assert entry.before == {"status": DemandStatus.DRAFT}
    assert entry.after == {"status": DemandStatus.PENDING_REVIEW}
    assert entry.detail == {"note": "请审核"}
    assert (entry.actor, entry.actor_username) == (clerk, "clerk")
    assert not AuditEntry.objects.filter(model_label="demands.demandtransition").exists()


def test_accounts_are_followed_too() -> None:
    user = make_user(Role.AUDITOR, username="shenji")
    entry = _last(action="create", model_label="accounts.account")
    assert entry.after is not None
    assert entry.after["role"] == Role.AUDITOR
    assert entry.after["user"] == user.pk


def test_the_actor_comes_from_the_context() -> None:
    user = make_user(username="boss")
    with acting(lambda: Actor(user=user, username="boss", ip="10.1.2.3", path="/x/")):
        make_enterprise("某企业")
    entry = _last(action="create", model_label="enterprises.enterprise")
    assert (entry.actor, entry.actor_username, entry.ip_address, entry.path) == (
        user,
        "boss",
        "10.1.2.3",
        "/x/",
    )


def test_changes_made_through_a_page_name_the_signed_in_user(client: Client) -> None:
    admin = make_user(Role.ADMIN, username="boss")
    client.force_login(admin)
    password = "Aksu-Apple-2024"
    client.post(
        "/users/new/",
        {"username": "newbie", "role": Role.AUDITOR, "password1": password, "password2": password},
        REMOTE_ADDR="192.168.7.8",
    )
    account = Account.objects.get(user__username="newbie")
    entry = _last(action="create", model_label="accounts.account", object_id=str(account.pk))
    assert (entry.actor, entry.ip_address, entry.path) == (admin, "192.168.7.8", "/users/new/")


def test_sign_in_and_sign_out_are_logged(client: Client) -> None:
    # An enterprise user: signing in takes the password only (administrators also give a code).
    user = make_user(Role.ENTERPRISE, username="wang")
    client.post("/login/", {"username": "wang", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    entry = _last(action="login")
    assert (entry.actor, entry.actor_username, entry.ip_address) == (user, "wang", "10.0.0.9")
    client.post("/logout/", REMOTE_ADDR="10.0.0.9")
    entry = _last(action="logout")
    assert (entry.actor, entry.actor_username) == (user, "wang")


def test_a_failed_sign_in_keeps_the_attempted_name_and_ip(client: Client) -> None:
    make_user(username="wang")
    client.post("/login/", {"username": "wang", "password": "Wrong-1a"}, REMOTE_ADDR="10.0.0.7")
    client.post("/login/", {"username": "ghost", "password": "x"}, REMOTE_ADDR="10.0.0.7")
    entries = list(AuditEntry.objects.filter(action="login_failed").order_by("id"))
    assert [(e.actor, e.actor_username, e.ip_address) for e in entries] == [
        (None, "wang", "10.0.0.7"),
        (None, "ghost", "10.0.0.7"),
    ]
    assert "Wrong-1a" not in str([(e.detail, e.search_text) for e in entries])


def test_the_fifth_failure_logs_the_lock(client: Client) -> None:
    make_user(username="wang")
    for _ in range(5):
        client.post("/login/", {"username": "wang", "password": "Wrong-1a"})
    entry = _last(action="locked")
    assert entry.object_repr == "wang" and entry.detail["failed_logins"] == 5


def test_deleting_a_user_leaves_the_log_alone() -> None:
    user = make_user(username="gone")
    with acting(lambda: Actor(user=user, username="gone")):
        make_enterprise()
    entry = _last(action="create", model_label="enterprises.enterprise")
    pk = user.pk
    user.delete()
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_username) == (pk, "gone")
