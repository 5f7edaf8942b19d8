"""活动与路演 (events): roadshows, signings, demand publications, visits.

The registry declarations of this app: tepai discovers them (tepai.core.registries).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tepai.core.registries import Access, ListColumn, Menu, Registry, Related, choice, relation
from tepai.events.api import ENDPOINTS
from tepai.events.forms import EventForm
from tepai.events.importers import EventImporter
from tepai.events.models import Event, EventKind
from tepai.programs.models import Batch

_batch = relation("batch", "batch", Batch, _("批次"))


def _is(kind: str) -> Any:
    return lambda event: event.kind == kind


EVENTS = Registry(
    slug="events",
    model=Event,
    form=EventForm,
    importer=EventImporter,
    after=("batches",),
    access=Access(open_to_all=True),
    menu=Menu("events", _("活动/路演"), order=120),
    api=ENDPOINTS,
    columns=(
        ListColumn("name", link=True),
        ListColumn("kind"),
        ListColumn("date"),
        ListColumn("location"),
        ListColumn("batch", sort="batch__dispatch_date"),
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

REGISTRIES = (EVENTS,)
