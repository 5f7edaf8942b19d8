"""典型案例 (cases): the stories of the programme's results.

The registry declarations of this app: tepai discovers them (tepai.core.registries).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tepai.activities.models import Activity
from tepai.cases.api import ENDPOINTS
from tepai.cases.forms import CaseForm
from tepai.cases.importers import CaseImporter
from tepai.cases.models import Case
from tepai.core.registries import Access, ListColumn, Menu, Registry, Related, hidden, relation
from tepai.programs.models import Batch
from tepai.projects.models import Project

_batch = relation("batch", "batch", Batch, _("批次"))


def _search_line(case: Any) -> str:
    return str(case.batch) if case.batch_id else ""


CASES = Registry(
    slug="cases",
    model=Case,
    form=CaseForm,
    importer=CaseImporter,
    after=("projects", "activities", "batches"),
    site_search=_search_line,
    access=Access(open_to_all=True),
    menu=Menu("cases", _("典型案例"), order=130),
    api=ENDPOINTS,
    columns=(ListColumn("title", link=True), ListColumn("batch"), ListColumn("code")),
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

REGISTRIES = (CASES,)
