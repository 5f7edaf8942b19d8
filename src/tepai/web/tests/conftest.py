"""A small programme and one user of each role for the web page tests."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.activities.models import Activity, ActivityKind
from tepai.cases.models import Case
from tepai.commissioners.models import Commissioner, WorkItem, WorkItemKind
from tepai.core.choices import Degree, IndustryCluster, TitleLevel
from tepai.core.testing import (
    make_activity,
    make_batch,
    make_commissioner,
    make_enterprise,
    make_institution,
    make_project,
)
from tepai.demands.models import Demand, DemandList
from tepai.enterprises.models import Enterprise
from tepai.events.models import Event, EventKind
from tepai.institutions.models import Institution
from tepai.outcomes.models import CooperationIntent, IntentStatus, Outcome
from tepai.programs.models import Batch, InnovationCentre, Team
from tepai.projects.models import Project, ProjectKind, ProjectLevel

D = datetime.date


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Any) -> Iterator[None]:
    # Uploads go to a per-test media directory; matching never loads the sentence encoder.
    with override_settings(
        MEDIA_ROOT=tmp_path / "media",
        TEPAI_IMPORT_UPLOAD_DIR=tmp_path / "import-uploads",
        TEPAI_MATCH_ENCODER="hashing",
    ):
        yield


@pytest.fixture(autouse=True)
def audit_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Record the web views' audit calls (the audit log itself is tested in tepai.audit)."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def fake(action: str, request: Any, *, target: Any = None, detail: Any = None) -> None:
        calls.append((action, detail or {}))

    monkeypatch.setattr("tepai.web.views.registry.audit", fake)
    monkeypatch.setattr("tepai.web.views.importing.audit", fake)
    return calls


def make_user(username: str, role: str | None, **account: Any) -> Any:
    user = get_user_model().objects.create_user(username=username)
    if role is not None:
        Account.objects.create(user=user, role=role, **account)
    return user


@dataclass
class World:
    batch: Batch
    first_batch: Batch
    institution: Institution
    centre: InnovationCentre
    team: Team
    me: Commissioner
    colleague: Commissioner
    mine: Enterprise
    theirs: Enterprise
    demands: dict[str, Demand]
    demand_list: DemandList
    roadshow: Event
    signing: Event
    outcomes: dict[str, Outcome]
    projects: dict[str, Project]
    activities: dict[str, Activity]
    case: Case
    users: dict[str, Any]

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(self.users[who])
        return client


@pytest.fixture
def world(db: Any) -> World:
    batch = make_batch("第二批", D(2024, 4, 24), host_region="新疆阿克苏地区")
    first = make_batch("第一批", D(2023, 3, 1))
    institution = make_institution("浙江理工大学", province="浙江")
    centre = InnovationCentre.objects.create(
        name="浙阿纺织服装科技创新中心", cluster=IndustryCluster.COTTON_TEXTILE, batch=batch
    )
    team = Team.objects.create(name="纺织团", batch=batch, cluster=IndustryCluster.COTTON_TEXTILE)
    me = make_commissioner(
        batch=batch,
        institution=institution,
        name="张三",
        phone="13800001234",
        email="zhangsan@example.com",
        research_fields=["纺织", "印染"],
    )
    me.centres.add(centre)
    me.teams.add(team)
    colleague = make_commissioner(
        batch=batch,
        name="李四",
        phone="13900005678",
        email="lisi@example.com",
        title_level=TitleLevel.INTERMEDIATE,
        degree=Degree.MASTER,
    )
    colleague.batches.add(first)
    WorkItem.objects.create(commissioner=me, kind=WorkItemKind.PAPER, title="棉纺新工艺", year=2020)
    mine = make_enterprise(
        "阿克苏纺织有限公司",
        contact_name="王经理",
        contact_phone="13700001111",
        contact_email="boss@aksu.example.cn",
    )
    theirs = make_enterprise("阿克苏果业有限公司", cluster=IndustryCluster.FRUIT_VEG)
    demands = {
        status: Demand.objects.create(
            enterprise=mine if status in ("draft", "published", "matching") else theirs,
            title=f"需求-{status}",
            problem="染色合格率低",
            status=status,
            cluster=IndustryCluster.COTTON_TEXTILE,
        )
        for status in ("draft", "published", "matching", "signed", "completed")
    }
    roadshow = Event.objects.create(
        name="成果路演", kind=EventKind.ROADSHOW, date=D(2024, 6, 6), batch=batch
    )
    signing = Event.objects.create(
        name="集中签约", kind=EventKind.SIGNING, date=D(2024, 6, 1), batch=batch
    )
    demand_list = DemandList.objects.create(name="2024年工业需求清单", event=signing)
    demand_list.demands.add(demands["published"], demands["matching"])
    outcomes = {
        "shown": Outcome.objects.create(
            title="染色在线测色", description="…", institution=institution, roadshow_event=roadshow
        ),
        "also_shown": Outcome.objects.create(
            title="棉纺智能纺纱", description="…", roadshow_event=roadshow
        ),
        "unshown": Outcome.objects.create(title="果品分选", description="…"),
    }
    outcomes["shown"].owners.add(me)
    CooperationIntent.objects.create(
        outcome=outcomes["shown"], enterprise=mine, date=D(2024, 6, 6), status=IntentStatus.SIGNED
    )
    CooperationIntent.objects.create(
        outcome=outcomes["shown"],
        enterprise=theirs,
        date=D(2024, 6, 20),
        status=IntentStatus.TRANSFERRED,
    )
    CooperationIntent.objects.create(
        outcome=outcomes["also_shown"], enterprise=theirs, date=D(2024, 6, 7)
    )
    projects = {
        "research": make_project(
            title="省重点研发",
            kind=ProjectKind.RESEARCH,
            level=ProjectLevel.PROVINCIAL,
            led_by_commissioner=True,
            batch=batch,
            signed_on=D(2024, 5, 10),
            commissioners=[me],
        ),
        "contract": make_project(
            title="印染技术服务",
            enterprise=mine,
            batch=batch,
            signed_on=D(2024, 6, 1),
            signing_event=signing,
            demand=demands["signed"],
            commissioners=[me],
        ),
        "development": make_project(
            title="果品分选开发",
            kind=ProjectKind.DEVELOPMENT_CONTRACT,
            enterprise=theirs,
            batch=batch,
            signed_on=D(2024, 7, 15),
            commissioners=[colleague],
        ),
        "earlier": make_project(
            title="第一批合同", enterprise=theirs, batch=first, signed_on=D(2023, 5, 1)
        ),
    }
    activities = {
        "training": make_activity(
            ActivityKind.TRAINING, 12, date=D(2024, 5, 3), batch=batch, commissioners=[me]
        ),
        "training_later": make_activity(
            ActivityKind.TRAINING, 9, date=D(2024, 6, 10), batch=batch, commissioners=[colleague]
        ),
        "visit": make_activity(ActivityKind.VISIT, 6, date=D(2024, 5, 20), batch=batch),
        "service": make_activity(
            ActivityKind.ENTERPRISE_SERVICE,
            1,
            date=D(2024, 5, 21),
            batch=batch,
            enterprises=[mine, theirs],
            commissioners=[me],
        ),
        "service_later": make_activity(
            ActivityKind.ENTERPRISE_SERVICE, 1, date=D(2024, 6, 2), batch=batch, enterprises=[mine]
        ),
        "variety": make_activity(
            ActivityKind.VARIETY,
            2,
            date=D(2024, 6, 15),
            batch=batch,
            is_trial=True,
            notes="金线莲：试种成功",
        ),
    }
    case = Case.objects.create(title="印染提质增效", body="……", batch=batch)
    case.projects.add(projects["contract"])
    users = {
        "admin": make_user("admin", Role.ADMIN),
        "auditor": make_user("auditor", Role.AUDITOR),
        "commissioner": make_user("zhangsan", Role.COMMISSIONER, commissioner=me),
        "enterprise": make_user("aksu", Role.ENTERPRISE, enterprise=mine),
        "other_enterprise": make_user("guoye", Role.ENTERPRISE, enterprise=theirs),
        "nobody": make_user("nobody", None),
    }
    return World(
        batch=batch,
        first_batch=first,
        institution=institution,
        centre=centre,
        team=team,
        me=me,
        colleague=colleague,
        mine=mine,
        theirs=theirs,
        demands=demands,
        demand_list=demand_list,
        roadshow=roadshow,
        signing=signing,
        outcomes=outcomes,
        projects=projects,
        activities=activities,
        case=case,
        users=users,
    )
