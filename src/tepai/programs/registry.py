"""批次、特派团、创新中心 (batches, teams, innovation centres): how a programme is organised.

The registry declarations of this app: tepai discovers them (tepai.core.registries).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

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
from tepai.institutions.models import Institution
from tepai.programs.api import BATCH_ENDPOINTS, CENTRE_ENDPOINTS, TEAM_ENDPOINTS
from tepai.programs.forms import BatchForm, InnovationCentreForm, TeamForm
from tepai.programs.importers import BatchImporter, CentreImporter, TeamImporter
from tepai.programs.models import Batch, InnovationCentre, Team

_MENU = Menu("programs", _("批次/团队/中心"), order=50)
_batch = relation("batch", "batch", Batch, _("批次"))

BATCHES = Registry(
    slug="batches",
    model=Batch,
    form=BatchForm,
    importer=BatchImporter,
    access=Access(open_to_all=True),
    menu=_MENU,
    api=BATCH_ENDPOINTS,
    columns=(
        ListColumn("name", link=True),
        ListColumn("dispatch_date"),
        ListColumn("end_date"),
        ListColumn("sending_organisation"),
        ListColumn("host_region"),
        ListColumn(
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
    importer=TeamImporter,
    after=("batches",),
    access=Access(open_to_all=True),
    menu=_MENU,
    api=TEAM_ENDPOINTS,
    columns=(
        ListColumn("name", link=True),
        ListColumn("batch"),
        ListColumn("cluster"),
        ListColumn("code"),
    ),
    search=("name", "code", "description"),
    filters=(_batch, choice(Team, "cluster")),
    select_related=("batch",),
    related=(Related(_("成员"), "commissioners", "teams"),),
)

CENTRES = Registry(
    slug="centres",
    model=InnovationCentre,
    form=InnovationCentreForm,
    importer=CentreImporter,
    after=("batches", "institutions"),
    access=Access(open_to_all=True),
    menu=_MENU,
    api=CENTRE_ENDPOINTS,
    columns=(
        ListColumn("name", link=True),
        ListColumn("cluster"),
        ListColumn("location"),
        ListColumn("lead_institution"),
        ListColumn("batch"),
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

REGISTRIES = (
    BATCHES,
    TEAMS,
    CENTRES,
)
