"""企业 (enterprises): the companies that bring technology demands.

The registry declarations of this app: tepai discovers them (tepai.core.registries).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tepai.activities.models import Activity
from tepai.core.registries import Access, ListColumn, Menu, Registry, Related, choice, hidden
from tepai.core.registries.scopes import all_records, attribute_is, field_is
from tepai.enterprises.api import ENDPOINTS
from tepai.enterprises.forms import EnterpriseForm
from tepai.enterprises.importers import EnterpriseImporter
from tepai.enterprises.models import Enterprise


def _search_line(enterprise: Any) -> str:
    parts = (enterprise.county, enterprise.get_cluster_display())
    return " · ".join(part for part in parts if part)


ENTERPRISES = Registry(
    slug="enterprises",
    model=Enterprise,
    form=EnterpriseForm,
    importer=EnterpriseImporter,
    site_search=_search_line,
    # Commissioners see every enterprise (whom they might serve); an enterprise sees and
    # edits its own record.
    access=Access(
        commissioner_reads=all_records,
        enterprise_reads=field_is("pk"),
        enterprise_changes=attribute_is("pk"),
    ),
    menu=Menu("enterprises", _("企业"), order=60),
    api=ENDPOINTS,
    columns=(
        ListColumn("name", link=True, sort="name_sort"),
        ListColumn("county"),
        ListColumn("cluster"),
        ListColumn("size"),
        ListColumn("contact_name"),
        ListColumn("contact_phone"),
        ListColumn("contact_email"),
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

REGISTRIES = (ENTERPRISES,)
