"""科技成果 (outcomes) and enterprises' cooperation intents (合作意向) on them.

The registry declarations of this app: tepai discovers them (tepai.core.registries).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tepai.commissioners.models import Commissioner
from tepai.core.registries import (
    Access,
    Filter,
    ListColumn,
    Menu,
    Registry,
    Related,
    choice,
    flag,
    hidden,
    relation,
)
from tepai.core.registries.scopes import attribute_is, field_is, linked_by
from tepai.enterprises.models import Enterprise
from tepai.events.models import Event
from tepai.institutions.models import Institution
from tepai.outcomes.api import INTENT_ENDPOINTS, OUTCOME_ENDPOINTS
from tepai.outcomes.forms import CooperationIntentForm, OutcomeForm
from tepai.outcomes.importers import CooperationIntentImporter, OutcomeImporter
from tepai.outcomes.models import CooperationIntent, IntentStatus, Outcome
from tepai.programs.models import Batch

_MENU = Menu("outcomes", _("成果"), order=90)
_TRL_LEVELS = tuple((str(level), str(level)) for level in range(1, 10))


def _search_line(outcome: Any) -> str:
    return str(outcome.institution) if getattr(outcome, "institution_id", None) else ""


OUTCOMES = Registry(
    slug="outcomes",
    model=Outcome,
    form=OutcomeForm,
    importer=OutcomeImporter,
    after=("institutions", "commissioners", "events"),
    site_search=_search_line,
    access=Access(open_to_all=True),
    menu=_MENU,
    api=OUTCOME_ENDPOINTS,
    columns=(
        ListColumn("title", link=True),
        ListColumn("institution", sort="institution__name_sort"),
        ListColumn("owners"),
        ListColumn("trl"),
        ListColumn("roadshow_event", sort="roadshow_event__date"),
        ListColumn("cluster"),
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
    importer=CooperationIntentImporter,
    after=("outcomes", "enterprises"),
    access=Access(
        commissioner_reads=linked_by("outcome__owners"),
        enterprise_reads=field_is("enterprise"),
        enterprise_changes=attribute_is("enterprise_id"),
        enterprise_creates=True,
    ),
    menu=_MENU,
    api=INTENT_ENDPOINTS,
    columns=(
        ListColumn("outcome", sort="outcome__title", link=True),
        ListColumn("enterprise", sort="enterprise__name_sort"),
        ListColumn("date"),
        ListColumn("status"),
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

REGISTRIES = (
    OUTCOMES,
    INTENTS,
)
