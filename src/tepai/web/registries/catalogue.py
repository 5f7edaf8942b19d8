"""Every registry's web pages, declared as data (one :class:`Registry` each).

Adding a registry: declare it here (columns, search, filters, related sections), add it to a
navigation group in :mod:`tepai.web.nav`, and give its tests a row in
``web/tests/test_registry_views.py``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tepai.accounts.roles import Role, role_of
from tepai.activities.confirmation import request_confirmation
from tepai.activities.forms import ActivityForm
from tepai.activities.models import Activity
from tepai.cases.forms import CaseForm
from tepai.cases.models import Case
from tepai.commissioners.forms import CommissionerForm, WorkItemForm
from tepai.commissioners.models import Commissioner, WorkItem
from tepai.core.choices import IndustryCluster
from tepai.demands.forms import DemandForm, DemandListForm
from tepai.demands.models import Demand, DemandList, overdue_q
from tepai.enterprises.forms import EnterpriseForm
from tepai.enterprises.models import Enterprise
from tepai.events.forms import EventForm
from tepai.events.models import Event, EventKind
from tepai.institutions.forms import InstitutionForm
from tepai.institutions.models import Institution
from tepai.outcomes.forms import CooperationIntentForm, OutcomeForm
from tepai.outcomes.models import CooperationIntent, IntentStatus, Outcome
from tepai.programs.forms import BatchForm, InnovationCentreForm, TeamForm
from tepai.programs.models import Batch, InnovationCentre, Team
from tepai.projects.forms import ProjectForm
from tepai.projects.models import Project
from tepai.reports.attribution import batch_condition
from tepai.web.registries.base import Column, Filter, Inline, Registry, Related
from tepai.web.registries.helpers import choice, flag, hidden, relation


def _add_own_commissioner(user: Any, activity: Activity) -> None:
    """A commissioner recording work is one of those who did it (and may edit it later)."""
    account = getattr(user, "account", None)
    if role_of(user) is Role.COMMISSIONER and account is not None:
        activity.commissioners.add(account.commissioner_id)
        # A commissioner's own record of serving enterprises waits for them to confirm it.
        request_confirmation(activity)


_batch = relation("batch", "batch", Batch, _("批次"))


def _belongs_to_batches(model: type, ids: list[int]) -> Q:
    return batch_condition(model, Batch.objects.filter(pk__in=ids))


# Work records and projects belong to a batch by its members' work in its service period
# (tepai.reports.attribution), the rule the KPIs count by; the stored field orders the column.
_attributed_batch = Filter(
    "batch", "batch", _("批次"), kind="relation", model=Batch, rule=_belongs_to_batches
)
_cluster_choices = tuple(IndustryCluster.choices)
_TRL_LEVELS = tuple((str(level), str(level)) for level in range(1, 10))

INSTITUTIONS = Registry(
    slug="institutions",
    model=Institution,
    form=InstitutionForm,
    importer="institutions",
    columns=(
        Column("name", link=True, sort="name_sort"),
        Column("type"),
        Column("province"),
        Column("code"),
    ),
    search=("name", "code", "province"),
    filters=(
        choice(Institution, "type"),
        relation("batch", "commissioners__batches", Batch, _("成员所在批次")),
    ),
    related=(
        Related(_("科技特派员"), "commissioners", "institution"),
        Related(_("科技成果"), "outcomes", "institution"),
        Related(_("牵头的创新中心"), "centres", "lead_institution"),
    ),
)

BATCHES = Registry(
    slug="batches",
    model=Batch,
    form=BatchForm,
    importer="batches",
    columns=(
        Column("name", link=True),
        Column("dispatch_date"),
        Column("end_date"),
        Column("sending_organisation"),
        Column("host_region"),
        Column(
            "member_count",
            _("成员人数"),
            counts=Related(_("科技特派员"), "commissioners", "batches"),
        ),
    ),
    search=("name", "code", "host_region", "sending_organisation"),
    related=(
        Related(_("特派团"), "teams", "batch"),
        Related(_("创新中心"), "centres", "batch"),
        Related(_("科技特派员"), "commissioners", "batches"),
        Related(_("活动"), "events", "batch"),
        Related(_("项目合同"), "projects", "batch"),
        Related(_("工作记录"), "activities", "batch"),
        Related(_("典型案例"), "cases", "batch"),
    ),
)

TEAMS = Registry(
    slug="teams",
    model=Team,
    form=TeamForm,
    importer="teams",
    columns=(Column("name", link=True), Column("batch"), Column("cluster"), Column("code")),
    search=("name", "code", "description"),
    filters=(_batch, choice(Team, "cluster")),
    select_related=("batch",),
    related=(Related(_("成员"), "commissioners", "teams"),),
)

CENTRES = Registry(
    slug="centres",
    model=InnovationCentre,
    form=InnovationCentreForm,
    importer="centres",
    columns=(
        Column("name", link=True),
        Column("cluster"),
        Column("location"),
        Column("lead_institution"),
        Column("batch"),
    ),
    search=("name", "code", "location"),
    filters=(
        _batch,
        choice(InnovationCentre, "cluster"),
        hidden("lead_institution", "lead_institution", Institution, _("牵头单位")),
    ),
    select_related=("lead_institution", "batch"),
    related=(
        Related(_("成员"), "commissioners", "centres"),
        Related(_("成员参与的项目合同"), "projects", "centre"),
    ),
)

COMMISSIONERS = Registry(
    slug="commissioners",
    model=Commissioner,
    form=CommissionerForm,
    importer="commissioners",
    columns=(
        Column("name", link=True, sort="name_sort"),
        Column("gender"),
        Column("institution", sort="institution__name_sort"),
        Column("title"),
        Column("title_level"),
        Column("degree"),
        Column("phone"),
        Column("email"),
        Column("batches"),
    ),
    # name_pinyin/name_initials: "zhangsan" / "zs" find 张三 (issue 11).
    search=(
        "name",
        "name_pinyin",
        "name_initials",
        "research_text",
        "code",
        "institution__name",
        "title",
        "bio",
    ),
    filters=(
        relation("batches", "batches", Batch, _("批次")),
        relation("centres", "centres", InnovationCentre, _("所属中心")),
        choice(Commissioner, "title_level"),
        choice(Commissioner, "degree"),
        choice(Commissioner, "gender"),
        relation("institution", "institution", Institution, _("工作单位")),
        hidden("teams", "teams", Team, _("所属团队")),
        hidden("outcomes", "outcomes", Outcome, _("科技成果")),
        hidden("projects", "projects", Project, _("项目合同")),
        hidden("activities", "activities", Activity, _("工作记录")),
    ),
    select_related=("institution",),
    prefetch_related=("batches",),
    related=(
        Related(_("代表性成果"), "work-items", "commissioner"),
        Related(_("项目合同"), "projects", "commissioners"),
        Related(_("工作记录"), "activities", "commissioners"),
        Related(_("科技成果"), "outcomes", "owners"),
    ),
)

WORK_ITEMS = Registry(
    slug="work-items",
    model=WorkItem,
    form=WorkItemForm,
    importer="work-items",
    columns=(
        Column("title", link=True),
        Column("commissioner", sort="commissioner__name_sort"),
        Column("kind"),
        Column("year"),
    ),
    search=("title", "text", "commissioner__name"),
    filters=(
        choice(WorkItem, "kind"),
        hidden("commissioner", "commissioner", Commissioner, _("特派员")),
    ),
    select_related=("commissioner",),
)

ENTERPRISES = Registry(
    slug="enterprises",
    model=Enterprise,
    form=EnterpriseForm,
    importer="enterprises",
    columns=(
        Column("name", link=True, sort="name_sort"),
        Column("county"),
        Column("cluster"),
        Column("size"),
        Column("contact_name"),
        Column("contact_phone"),
        Column("contact_email"),
    ),
    search=(
        "name",
        "name_pinyin",
        "name_initials",
        "code",
        "credit_code",
        "county",
        "description",
    ),
    filters=(
        choice(Enterprise, "cluster"),
        choice(Enterprise, "size"),
        hidden("activities", "activities", Activity, _("工作记录")),
    ),
    related=(
        Related(_("技术需求"), "demands", "enterprise"),
        Related(_("项目合同"), "projects", "enterprise"),
        Related(_("合作意向"), "intents", "enterprise"),
        Related(_("工作记录"), "activities", "enterprises"),
    ),
)

DEMANDS = Registry(
    slug="demands",
    model=Demand,
    form=DemandForm,
    importer="demands",
    columns=(
        Column("title", link=True),
        Column("enterprise", sort="enterprise__name_sort"),
        Column("cluster"),
        Column("status"),
        Column("budget"),
        Column("deadline"),
    ),
    search=("title", "code", "problem", "enterprise__name"),
    filters=(
        choice(Demand, "status"),
        choice(Demand, "cluster"),
        choice(Demand, "collaboration_mode"),
        relation("lists", "lists", DemandList, _("需求发布批次")),
        hidden("enterprise", "enterprise", Enterprise, _("企业")),
        # 已发布/对接中 past the deadline (issue 11), decided against today's date.
        Filter(
            "overdue",
            "deadline",
            _("已逾期"),
            kind="flag",
            rule=lambda model, _ids: overdue_q(timezone.localdate()),
        ),
    ),
    select_related=("enterprise",),
    detail_fields=(
        "code",
        "enterprise",
        "title",
        "status",
        "problem",
        "current_solution",
        "target",
        "required_skills",
        "cluster",
        "budget",
        "deadline",
        "collaboration_mode",
        "lists",
    ),
    related=(Related(_("项目合同"), "projects", "demand"),),
    inlines=(
        Inline(_("状态变更记录"), "transitions", ("at", "from_status", "to_status", "by", "note")),
    ),
)

DEMAND_LISTS = Registry(
    slug="demand-lists",
    model=DemandList,
    form=DemandListForm,
    importer="demand-lists",
    columns=(
        Column("name", link=True),
        Column("published_on"),
        Column("publisher"),
        Column("event", sort="event__date"),
    ),
    search=("name", "code", "publisher"),
    filters=(hidden("event", "event", Event, _("发布活动")),),
    select_related=("event",),
    detail_fields=("code", "name", "published_on", "publisher", "event", "description"),
    related=(Related(_("需求"), "demands", "lists"),),
)

OUTCOMES = Registry(
    slug="outcomes",
    model=Outcome,
    form=OutcomeForm,
    importer="outcomes",
    columns=(
        Column("title", link=True),
        Column("institution", sort="institution__name_sort"),
        Column("owners"),
        Column("trl"),
        Column("roadshow_event", sort="roadshow_event__date"),
        Column("cluster"),
    ),
    search=("title", "code", "description", "intellectual_property"),
    filters=(
        choice(Outcome, "cluster"),
        Filter("trl", "trl", _("技术成熟度"), choices=_TRL_LEVELS),
        flag("roadshow", "roadshow_event__isnull", _("已参加路演"), negate=True),
        choice(Outcome, "intents__status", param="intent_status", label=_("合作进展")),
        relation("batch", "roadshow_event__batch", Batch, _("路演批次")),
        hidden("roadshow_event", "roadshow_event", Event, _("路演活动")),
        hidden("owners", "owners", Commissioner, _("完成人")),
        hidden("institution", "institution", Institution, _("所属单位")),
    ),
    select_related=("institution", "roadshow_event"),
    prefetch_related=("owners",),
    related=(Related(_("合作意向"), "intents", "outcome"),),
)

INTENTS = Registry(
    slug="intents",
    model=CooperationIntent,
    form=CooperationIntentForm,
    importer="intents",
    columns=(
        Column("outcome", sort="outcome__title", link=True),
        Column("enterprise", sort="enterprise__name_sort"),
        Column("date"),
        Column("status"),
    ),
    search=("outcome__title", "enterprise__name", "note"),
    filters=(
        Filter("status", "status", _("状态"), choices=tuple(IntentStatus.choices)),
        hidden("outcome", "outcome", Outcome, _("成果")),
        hidden("enterprise", "enterprise", Enterprise, _("企业")),
        hidden("event", "outcome__roadshow_event", Event, _("路演活动")),
    ),
    select_related=("outcome", "enterprise"),
    date_field="date",
)

PROJECTS = Registry(
    slug="projects",
    model=Project,
    form=ProjectForm,
    importer="projects",
    columns=(
        Column("title", link=True),
        Column("kind"),
        Column("level"),
        Column("enterprise", sort="enterprise__name_sort"),
        Column("amount"),
        Column("signed_on"),
        Column("status"),
        Column("state"),
        Column("batch", sort="batch__dispatch_date"),
    ),
    search=("title", "code", "enterprise__name", "description"),
    filters=(
        choice(Project, "kind"),
        choice(Project, "level"),
        choice(Project, "status"),
        choice(Project, "state"),  # 待确认 drafts of the contract step (issue 11)
        _attributed_batch,
        flag("led", "led_by_commissioner", _("特派员主持")),
        Filter(
            "enterprise_cluster", "enterprise__cluster", _("企业产业集群"), choices=_cluster_choices
        ),
        hidden("centre", "commissioners__centres", InnovationCentre, _("成员所在创新中心")),
        hidden("institution", "commissioners__institution", Institution, _("特派员派出单位")),
        hidden("commissioners", "commissioners", Commissioner, _("特派员")),
        hidden("enterprise", "enterprise", Enterprise, _("企业")),
        hidden("demand", "demand", Demand, _("需求")),
        hidden("signing_event", "signing_event", Event, _("签约活动")),
        hidden("cases", "cases", Case, _("典型案例")),
    ),
    select_related=("enterprise", "batch"),
    date_field="signed_on",
    detail_fields=(
        "code",
        "title",
        "kind",
        "level",
        "led_by_commissioner",
        "commissioners",
        "enterprise",
        "demand",
        "amount",
        "signed_on",
        "signing_event",
        "status",
        "batch",
        "description",
        "state",
        "client_party",
        "contractor_party",
        "starts_on",
        "ends_on",
        "confirmed_at",
    ),
    related=(Related(_("典型案例"), "cases", "projects"),),
    inlines=(Inline(_("里程碑"), "milestones", ("title", "due_on", "done_on", "note")),),
)

ACTIVITIES = Registry(
    slug="activities",
    model=Activity,
    form=ActivityForm,
    importer="activities",
    columns=(
        Column("date", link=True),
        Column("kind"),
        Column("quantity"),
        Column("commissioners"),
        Column("enterprises"),
        Column("batch", sort="batch__dispatch_date"),
        Column("place"),
        Column("notes"),
    ),
    search=("code", "place", "notes"),
    filters=(
        choice(Activity, "kind"),
        _attributed_batch,
        choice(Activity, "confirmation"),
        flag("trial", "is_trial", _("试验示范")),
        Filter(
            "enterprise_cluster",
            "enterprises__cluster",
            _("企业产业集群"),
            choices=_cluster_choices,
        ),
        hidden("centre", "commissioners__centres", InnovationCentre, _("成员所在创新中心")),
        hidden("institution", "commissioners__institution", Institution, _("特派员派出单位")),
        hidden("commissioners", "commissioners", Commissioner, _("特派员")),
        hidden("enterprises", "enterprises", Enterprise, _("企业")),
        hidden("cases", "cases", Case, _("典型案例")),
    ),
    select_related=("batch",),
    prefetch_related=("commissioners", "enterprises"),
    date_field="date",
    quantity_field="quantity",
    quantity_kind="kind",
    after_create=_add_own_commissioner,
    detail_fields=(
        *ActivityForm.Meta.fields,
        "photo",
        "confirmation",
        "confirmation_note",
        "confirmed_at",
    ),
    related=(Related(_("典型案例"), "cases", "activities"),),
)


def _is(kind: str) -> Any:
    return lambda event: event.kind == kind


EVENTS = Registry(
    slug="events",
    model=Event,
    form=EventForm,
    importer="events",
    columns=(
        Column("name", link=True),
        Column("kind"),
        Column("date"),
        Column("location"),
        Column("batch", sort="batch__dispatch_date"),
    ),
    search=("name", "code", "location", "description"),
    filters=(choice(Event, "kind"), _batch),
    select_related=("batch",),
    date_field="date",
    related=(
        Related(_("路演成果"), "outcomes", "roadshow_event", when=_is(EventKind.ROADSHOW)),
        Related(_("合作意向"), "intents", "event", when=_is(EventKind.ROADSHOW)),
        Related(_("签约项目"), "projects", "signing_event", when=_is(EventKind.SIGNING)),
        Related(_("发布的需求清单"), "demand-lists", "event"),
    ),
)

CASES = Registry(
    slug="cases",
    model=Case,
    form=CaseForm,
    importer="cases",
    columns=(Column("title", link=True), Column("batch"), Column("code")),
    search=("title", "code", "body"),
    filters=(
        _batch,
        hidden("projects", "projects", Project, _("关联项目")),
        hidden("activities", "activities", Activity, _("关联工作记录")),
    ),
    select_related=("batch",),
    related=(
        Related(_("关联项目"), "projects", "cases"),
        Related(_("关联工作记录"), "activities", "cases"),
    ),
)

REGISTRIES: dict[str, Registry] = {
    registry.slug: registry
    for registry in (
        COMMISSIONERS,
        WORK_ITEMS,
        INSTITUTIONS,
        BATCHES,
        TEAMS,
        CENTRES,
        ENTERPRISES,
        DEMANDS,
        DEMAND_LISTS,
        OUTCOMES,
        INTENTS,
        PROJECTS,
        ACTIVITIES,
        EVENTS,
        CASES,
    )
}

_BY_MODEL = {registry.model: registry for registry in REGISTRIES.values()}


def registry_for_model(model: type) -> Registry | None:
    """Return the registry whose pages show records of ``model``, if there is one."""
    return _BY_MODEL.get(model)
