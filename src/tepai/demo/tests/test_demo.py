"""The demo programme reproduces the publicly reported figures, from records."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.test import override_settings

from tepai.accounts import lockout
from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.activities.models import Activity, ActivityKind
from tepai.core.choices import IndustryCluster
from tepai.demands.models import Demand, DemandList
from tepai.demo.accounts import ensure_demo_accounts
from tepai.demo.loader import demo_password, load_demo
from tepai.events.models import Event, EventKind
from tepai.outcomes.models import CooperationIntent, Outcome
from tepai.programs.models import Batch, InnovationCentre
from tepai.projects.models import Project
from tepai.reports.batch_stats import batch_report
from tepai.reports.kpi import kpi_report

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in ("sessions", "admin", "contenttypes", "auth")
    }


def test_the_second_batch_matches_the_public_record() -> None:
    load_demo()
    stats = batch_report(Batch.objects.get(name="第二批"))
    assert stats.batch.dispatch_date.isoformat() == "2024-04-24"
    assert (stats.members, stats.institutions) == (21, 10)
    assert stats.average_age == 42.1
    assert stats.senior_title_percent == 100.0
    assert stats.doctorate_percent == 76.2
    names = {row["name"] for row in stats.by_institution}
    assert {
        "浙江大学",
        "浙江工业大学",
        "浙江理工大学",
        "国网浙江省电力有限公司电力科学研究院",
    } <= names


def test_the_first_batch_kpis_come_from_records() -> None:
    load_demo()
    first = Batch.objects.get(name="第一批")
    stats = batch_report(first)
    assert (stats.members, stats.doctorate_percent) == (27, 66.7)
    kpis = {key: figure.value for key, figure in kpi_report(first).figures.items()}
    assert kpis["provincial_projects_led"] == 5
    assert 31 <= kpis["service_contracts"] <= 39
    assert 31 <= kpis["varieties_introduced"] <= 39
    assert 41 <= kpis["local_staff_trained"] <= 49
    assert kpis["visit_person_times"] > 60
    assert kpis["enterprises_benefited"] > 200
    assert 11 <= kpis["investment_delegations"] <= 19
    assert kpis["projects_landed"] == 5
    varieties = " ".join(
        Activity.objects.filter(batch=first, kind=ActivityKind.VARIETY).values_list(
            "notes", flat=True
        )
    )
    for variety in ("金线莲", "桑黄", "三门青蟹"):
        assert variety in varieties
    narrative = kpi_report(first).narrative()
    assert "签订技术服务合同30余份" in narrative
    assert "超60人次" in narrative


def test_the_reported_events_and_projects_are_there() -> None:
    load_demo()
    assert (
        InnovationCentre.objects.filter(
            name__in=["浙阿纺织服装科技创新（国家高新区）中心", "浙阿能源化工科技创新（拜城）中心"]
        ).count()
        == 2
    )
    assert InnovationCentre.objects.filter(name="浙阿工业科技创新中心").exists()
    assert Event.objects.filter(
        kind=EventKind.UNVEILING, name__contains="浙阿工业科技创新中心"
    ).exists()
    assert Event.objects.filter(kind=EventKind.LAUNCH, date="2024-04-24").exists()
    roadshow = Event.objects.get(kind=EventKind.ROADSHOW)
    assert Outcome.objects.filter(roadshow_event=roadshow).count() == 10
    assert CooperationIntent.objects.filter(outcome__roadshow_event=roadshow).exists()
    assert DemandList.objects.filter(name="阿克苏地区2024年工业领域重大科技攻关需求").exists()
    donation = Activity.objects.get(
        kind=ActivityKind.DONATION, notes__contains="杭州程天科技发展有限公司"
    )
    assert donation.enterprises.filter(name="阿克苏地区第一人民医院").exists()
    signed = {
        project.title: project.enterprise.name
        for project in Project.objects.filter(batch__name="第二批").select_related("enterprise")
        if project.enterprise is not None
    }
    assert signed["空冷岛全自动无人值守清洗机器人系统研发"] == "浙能阿克苏热电有限公司"
    assert signed["棉混纺面料印染生产线数智化改造"] == "阿克苏友联纺织印染科技有限公司"


def test_there_is_material_for_matching_in_every_cluster() -> None:
    load_demo()
    assert Demand.objects.count() >= 40
    clusters = set(Demand.objects.values_list("cluster", flat=True))
    eight = {c for c in IndustryCluster.values if c != IndustryCluster.OTHER}
    assert eight <= clusters


def test_loading_twice_changes_nothing() -> None:
    load_demo()
    before = _counts()
    load_demo()
    assert _counts() == before


@override_settings(TEPAI_MATCH_ENCODER="hashing")
def test_the_command_builds_the_demo_and_prints_the_logins(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tepai.recommender import live

    monkeypatch.setenv("TEPAI_DEMO_PASSWORD", "Demo-Passw0rd")
    monkeypatch.delenv("TEPAI_DEMO_TOTP_SECRET", raising=False)
    live.reset()
    with override_settings(TEPAI_CACHE_DIR=tmp_path):
        call_command("demo", "--no-serve")
    live.reset()
    out = capsys.readouterr().out
    # The matching engine is warmed, so `tepai match …` finds every vector cached.
    assert "匹配引擎预热完成：48 名特派员，" in out
    assert "演示账号（密码均为：Demo-Passw0rd）：" in out
    for line in (
        "admin         管理员",
        "commissioner  特派员 · ",
        "enterprise    企业用户 · 浙能阿克苏热电有限公司",
        "auditor       审计员",
    ):
        assert line in out
    assert "第二批：21 人，10 家单位，平均年龄 42.1" in out
    assert "未设置 TEPAI_DEMO_TOTP_SECRET，演示的管理员和审计员只凭密码登录" in out
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("Demo-Passw0rd")


def _roles() -> dict[str, tuple[str, bool, bool]]:
    return {
        account.user.username: (
            account.role,
            account.must_change_password,
            account.user.check_password("Demo-Passw0rd"),
        )
        for account in Account.objects.select_related("user")
    }


def test_the_demo_accounts_have_material_and_survive_a_re_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEPAI_DEMO_PASSWORD", "Demo-Passw0rd")
    load_demo()
    accounts = {account.username: account for account in ensure_demo_accounts("Demo-Passw0rd")}
    commissioner = Account.objects.get(user__username="commissioner").commissioner
    assert commissioner == accounts["commissioner"].record
    assert commissioner is not None
    assert commissioner.projects.exists() and commissioner.work_items.exists()
    enterprise = Account.objects.get(user__username="enterprise").enterprise
    assert enterprise is not None
    assert enterprise.demands.exists()
    expected = {
        "admin": (Role.ADMIN, False, True),
        "commissioner": (Role.COMMISSIONER, False, True),
        "enterprise": (Role.ENTERPRISE, False, True),
        "auditor": (Role.AUDITOR, False, True),
    }
    assert _roles() == expected
    Account.objects.filter(user__username="auditor").update(must_change_password=True)
    for _ in range(lockout.MAX_FAILURES):
        lockout.register_failure("auditor", "10.0.0.1")
    users = get_user_model().objects.count()
    ensure_demo_accounts("Demo-Passw0rd")
    assert _roles() == expected
    assert get_user_model().objects.count() == users
    assert lockout.blocked_until("auditor", "10.0.0.1") is None


def test_a_generated_demo_password_is_kept_and_follows_the_policy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TEPAI_DEMO_PASSWORD", raising=False)
    password = demo_password(tmp_path)
    assert demo_password(tmp_path) == password
    validate_password(password)
