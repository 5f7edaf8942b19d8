"""单位 (institutions): the universities and institutes commissioners come from.

The registry declarations of this app: tepai discovers them (tepai.core.registries).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tepai.core.registries import Access, ListColumn, Menu, Registry, Related, choice, relation
from tepai.institutions.api import ENDPOINTS
from tepai.institutions.forms import InstitutionForm
from tepai.institutions.importers import InstitutionImporter
from tepai.institutions.models import Institution
from tepai.programs.models import Batch

INSTITUTIONS = Registry(
    slug="institutions",
    model=Institution,
    form=InstitutionForm,
    importer=InstitutionImporter,
    access=Access(open_to_all=True),
    menu=Menu("institutions", _("单位"), order=40),
    api=ENDPOINTS,
    columns=(
        ListColumn("name", link=True, sort="name_sort"),
        ListColumn("type"),
        ListColumn("province"),
        ListColumn("code"),
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

REGISTRIES = (INSTITUTIONS,)
