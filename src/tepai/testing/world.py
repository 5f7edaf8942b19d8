"""The seeded programme the test suites share: one of each record, a user per role.

One batch (第二批, beside an earlier 第一批) with its institution, innovation centre and team;
two commissioners (``me``, 张三, who works on 印染 and 棉纺织, and a ``colleague``, 李四) and two
enterprises (``mine``, whose products include 印染 cloth, and ``theirs``); demands in five
statuses of the workflow, a demand list, two events, outcomes with intents, four projects,
activities of several kinds, a case, and a user of each role linked to those records. The
signed-in roles' records each have a counterpart that is not theirs, so a test can check both
sides of a scoping rule. Nothing in it waits for anyone (no proposal, no demand under review
or past its deadline, no draft contract, no service record to confirm): to-do lists are empty.

The web page tests use it as it is (their assertions count its records: add to it only what
they still pass with); the permission matrix adds the files and records its extra routes need;
the API, browser and to-do tests name its records their way (``tepai/api/tests/world.py``,
``tests/browser/world.py``, ``tepai/todo/tests/conftest.py``) and add the few they need.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.activities.models import Activity, ActivityKind
from tepai.cases.models import Case
from tepai.commissioners.models import Commissioner, WorkItem, WorkItemKind
from tepai.core.choices import Degree, IndustryCluster, TitleLevel
from tepai.demands.models import Demand, DemandList
from tepai.enterprises.models import Enterprise
from tepai.events.models import Event, EventKind
from tepai.institutions.models import Institution
from tepai.outcomes.models import CooperationIntent, IntentStatus, Outcome
from tepai.programs.models import Batch, InnovationCentre, Team
from tepai.projects.models import Project, ProjectKind, ProjectLevel
from tepai.testing.factories import (
    make_activity,
    make_batch,
    make_commissioner,
    make_enterprise,
    make_institution,
    make_project,
)

D = datetime.date


def make_user(
    username: str, role: str | None, *, password: str | None = None, **account: Any
) -> Any:
    """Return a saved user with an Account of ``role`` (none when ``role`` is None).

    Without a password unless one is given: tests sign in with ``force_login``, and hashing a
    password with the production hasher costs about 0.3 s.
    """
    user = get_user_model().objects.create_user(username=username, password=password)
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
    work_item: WorkItem  # me's paper
    mine: Enterprise
    theirs: Enterprise
    demands: dict[str, Demand]  # by status: draft, published, matching (mine); signed, completed
    demand_list: DemandList
    roadshow: Event
    signing: Event
    outcomes: dict[str, Outcome]  # shown (me's), also_shown, unshown
    intents: dict[str, CooperationIntent]  # signed (mine), transferred and open (theirs)
    projects: dict[str, Project]  # research, contract, development, earlier
    activities: dict[str, Activity]
    case: Case
    # admin, auditor, commissioner (me), enterprise (mine), other_enterprise (theirs), nobody
    users: dict[str, Any]

    def client(self, who: str) -> Client:
        """Return a client signed in as ``users[who]``."""
        client = Client()
        client.force_login(self.users[who])
        return client


def build_world() -> World:
    """Seed the shared programme and return it."""
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
        bio="棉纺织工艺与设备改造",
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
    work_item = WorkItem.objects.create(
        commissioner=me, kind=WorkItemKind.PAPER, title="棉纺新工艺", year=2020
    )
    mine = make_enterprise(
        "阿克苏纺织有限公司",
        contact_name="王经理",
        contact_phone="13700001111",
        contact_email="boss@aksu.example.cn",
        description="棉纱、坯布和印染面料",
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
    intents = {
        "signed": CooperationIntent.objects.create(
            outcome=outcomes["shown"],
            enterprise=mine,
            date=D(2024, 6, 6),
            status=IntentStatus.SIGNED,
        ),
        "transferred": CooperationIntent.objects.create(
            outcome=outcomes["shown"],
            enterprise=theirs,
            date=D(2024, 6, 20),
            status=IntentStatus.TRANSFERRED,
        ),
        "open": CooperationIntent.objects.create(
            outcome=outcomes["also_shown"], enterprise=theirs, date=D(2024, 6, 7)
        ),
    }
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
        work_item=work_item,
        mine=mine,
        theirs=theirs,
        demands=demands,
        demand_list=demand_list,
        roadshow=roadshow,
        signing=signing,
        outcomes=outcomes,
        intents=intents,
        projects=projects,
        activities=activities,
        case=case,
        users=users,
    )
