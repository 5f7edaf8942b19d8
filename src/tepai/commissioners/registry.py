"""科技特派员 (commissioners) and their representative work (代表性成果).

The registry declarations of this app: tepai discovers them (tepai.core.registries).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tepai.activities.models import Activity
from tepai.commissioners.api import ENDPOINTS
from tepai.commissioners.forms import CommissionerForm, WorkItemForm
from tepai.commissioners.importers import CommissionerImporter, WorkItemImporter
from tepai.commissioners.models import Commissioner, WorkItem
from tepai.core.registries import (
    Access,
    ListColumn,
    Menu,
    Registry,
    Related,
    choice,
    hidden,
    relation,
)
from tepai.core.registries.scopes import attribute_is
from tepai.institutions.models import Institution
from tepai.outcomes.models import Outcome
from tepai.programs.models import Batch, InnovationCentre, Team
from tepai.projects.models import Project

_MENU = Menu("commissioners", _("特派员"), order=30)


def _search_line(commissioner: Any) -> str:
    fields = commissioner.research_fields[:3] if commissioner.research_fields else []
    parts = (str(commissioner.institution), commissioner.title, "、".join(map(str, fields)))
    return " · ".join(part for part in parts if part)


COMMISSIONERS = Registry(
    slug="commissioners",
    model=Commissioner,
    form=CommissionerForm,
    importer=CommissionerImporter,
    after=("institutions", "batches", "teams", "centres"),
    site_search=_search_line,
    # Commissioners edit their own profile.
    access=Access(open_to_all=True, commissioner_changes=attribute_is("pk")),
    menu=_MENU,
    api=ENDPOINTS,
    columns=(
        ListColumn("name", link=True, sort="name_sort"),
        ListColumn("gender"),
        ListColumn("institution", sort="institution__name_sort"),
        ListColumn("title"),
        ListColumn("title_level"),
        ListColumn("degree"),
        ListColumn("phone"),
        ListColumn("email"),
        ListColumn("batches"),
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
    importer=WorkItemImporter,
    after=("commissioners",),
    access=Access(
        open_to_all=True,
        commissioner_changes=attribute_is("commissioner_id"),
        commissioner_creates=True,
    ),
    menu=_MENU,
    columns=(
        ListColumn("title", link=True),
        ListColumn("commissioner", sort="commissioner__name_sort"),
        ListColumn("kind"),
        ListColumn("year"),
    ),
    search=("title", "text", "commissioner__name"),
    filters=(
        choice(WorkItem, "kind"),
        hidden("commissioner", "commissioner", Commissioner, _("特派员")),
    ),
    select_related=("commissioner",),
)

REGISTRIES = (
    COMMISSIONERS,
    WORK_ITEMS,
)
