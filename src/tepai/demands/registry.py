"""技术需求 (demands) and the lists they are published in (需求发布).

The registry declarations of this app: tepai discovers them (tepai.core.registries).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tepai.accounts.permissions import can_change, can_create
from tepai.accounts.roles import Role, role_of
from tepai.core.registries import (
    Access,
    Action,
    Filter,
    Inline,
    ListColumn,
    Menu,
    Registry,
    Related,
    choice,
    hidden,
    relation,
)
from tepai.core.registries.scopes import all_records, field_is, linked
from tepai.demands.api import ENDPOINTS
from tepai.demands.forms import DemandForm, DemandListForm
from tepai.demands.importers import DemandImporter, DemandListImporter
from tepai.demands.models import (
    EDITABLE_BY_ENTERPRISE,
    PUBLIC_STATUSES,
    Demand,
    DemandList,
    overdue_q,
)
from tepai.enterprises.models import Enterprise
from tepai.events.models import Event


def _programme_office(user: Any, record: Any) -> bool:
    # Ranking commissioners for a demand is the programme office's page (auditors read it).
    return role_of(user) in (Role.ADMIN, Role.AUDITOR)


def _public_or_mine(queryset: QuerySet, me: int | None) -> Q:
    """Published demands, and those of a commissioner's own projects."""
    return Q(status__in=PUBLIC_STATUSES) | linked(queryset, "projects", commissioners=me)


def _still_editable(record: Any, mine: int | None) -> bool:
    # Once reviewed and published, a demand is the programme's record: changes go through
    # the programme office (and the workflow), not the enterprise's edit form.
    return bool(record.enterprise_id == mine and record.status in EDITABLE_BY_ENTERPRISE)


def _search_line(demand: Any) -> str:
    return f"{demand.enterprise} · {demand.get_status_display()}"


DEMAND_LISTS = Registry(
    slug="demand-lists",
    model=DemandList,
    form=DemandListForm,
    importer=DemandListImporter,
    after=("events",),
    access=Access(commissioner_reads=all_records),
    menu=Menu("demand-lists", _("需求发布"), order=140, views=("engagements:list",)),
    # Composing, publishing and assigning demand lists belong to tepai.engagements.
    list_actions=(
        Action(
            _("发布与分配"),
            "engagements:lists",
            shown_to=lambda user, _record: can_create(user, DemandList),
        ),
    ),
    detail_actions=(Action(_("发布与分配"), "engagements:list-detail", shown_to=can_change),),
    columns=(
        ListColumn("name", link=True),
        ListColumn("published_on"),
        ListColumn("publisher"),
        ListColumn("event", sort="event__date"),
    ),
    search=("name", "code", "publisher"),
    filters=(hidden("event", "event", Event, _("发布活动")),),
    select_related=("event",),
    detail_fields=("code", "name", "published_on", "publisher", "event", "description"),
    related=(Related(_("需求"), "demands", "lists"),),
)

DEMANDS = Registry(
    slug="demands",
    model=Demand,
    form=DemandForm,
    importer=DemandImporter,
    after=("enterprises", "demand-lists"),
    site_search=_search_line,
    access=Access(
        commissioner_reads=_public_or_mine,
        enterprise_reads=field_is("enterprise"),
        enterprise_changes=_still_editable,
        enterprise_creates=True,
    ),
    menu=Menu(
        "demands",
        _("需求"),
        order=70,
        views=("engagements:demand-matching", "engagements:pro"),
    ),
    api=ENDPOINTS,
    # The matching and proposal pages of a demand belong to tepai.engagements.
    detail_actions=(
        Action(_("推荐对接"), "engagements:demand-matching", shown_to=_programme_office),
    ),
    columns=(
        ListColumn("title", link=True),
        ListColumn("enterprise", sort="enterprise__name_sort"),
        ListColumn("cluster"),
        ListColumn("status"),
        ListColumn("budget"),
        ListColumn("deadline"),
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

REGISTRIES = (
    DEMAND_LISTS,
    DEMANDS,
)
