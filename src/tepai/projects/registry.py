"""项目合同 (projects): signed project and service contracts, with their milestones.

The registry declarations of this app: tepai discovers them (tepai.core.registries).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tepai.cases.models import Case
from tepai.core.choices import IndustryCluster
from tepai.core.registries import (
    Access,
    Filter,
    Inline,
    ListColumn,
    Menu,
    Registry,
    Related,
    choice,
    flag,
    hidden,
)
from tepai.core.registries.scopes import field_is, linked_by
from tepai.demands.models import Demand
from tepai.enterprises.models import Enterprise
from tepai.events.models import Event
from tepai.programs.filters import attributed_batch, by_commissioners
from tepai.projects.api import ENDPOINTS
from tepai.projects.forms import ProjectForm
from tepai.projects.importers import ProjectImporter
from tepai.projects.models import Milestone, Project


def _search_line(project: Any) -> str:
    parts = (str(project.enterprise), project.get_status_display())
    return " · ".join(part for part in parts if part)


PROJECTS = Registry(
    slug="projects",
    model=Project,
    form=ProjectForm,
    importer=ProjectImporter,
    after=("enterprises", "commissioners", "demands", "events", "batches"),
    site_search=_search_line,
    access=Access(
        commissioner_reads=linked_by("commissioners"), enterprise_reads=field_is("enterprise")
    ),
    menu=Menu("projects", _("项目"), order=100),
    api=ENDPOINTS,
    columns=(
        ListColumn("title", link=True),
        ListColumn("kind"),
        ListColumn("level"),
        ListColumn("enterprise", sort="enterprise__name_sort"),
        ListColumn("amount"),
        ListColumn("signed_on"),
        ListColumn("status"),
        ListColumn("state"),
        ListColumn("batch", sort="batch__dispatch_date"),
    ),
    search=("title", "code", "enterprise__name", "description"),
    filters=(
        choice(Project, "kind"),
        choice(Project, "level"),
        choice(Project, "status"),
        choice(Project, "state"),  # 待确认 drafts of the contract step (issue 11)
        attributed_batch,
        flag("led", "led_by_commissioner", _("特派员主持")),
        Filter(
            "enterprise_cluster",
            "enterprise__cluster",
            _("企业产业集群"),
            choices=tuple(IndustryCluster.choices),
        ),
        *by_commissioners,
        hidden("enterprise", "enterprise", Enterprise, _("企业")),
        hidden("demand", "demand", Demand, _("需求")),
        hidden("signing_event", "signing_event", Event, _("签约活动")),
        hidden("cases", "cases", Case, _("典型案例")),
    ),
    select_related=("enterprise", "batch"),
    date_field="signed_on",
    # The form's fields, then the contract step's (filled on the contract page).
    detail_fields=(
        *ProjectForm.Meta.fields,
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

REGISTRIES = (PROJECTS,)

# A project's milestones are read by whoever reads the project.
EXTRA_ACCESS = (
    (
        Milestone,
        Access(
            commissioner_reads=linked_by("project__commissioners"),
            enterprise_reads=field_is("project__enterprise"),
        ),
    ),
)
