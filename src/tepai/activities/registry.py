"""工作记录 (activities): what commissioners did — visits, training, trials, services.

The registry declarations of this app: tepai discovers them (tepai.core.registries).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tepai.accounts.roles import Role, role_of
from tepai.activities.api import ENDPOINTS
from tepai.activities.confirmation import request_confirmation
from tepai.activities.forms import ActivityForm
from tepai.activities.importers import ActivityImporter
from tepai.activities.models import Activity
from tepai.cases.models import Case
from tepai.core.choices import IndustryCluster
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
)
from tepai.core.registries.scopes import linked_by
from tepai.enterprises.models import Enterprise
from tepai.programs.filters import attributed_batch, by_commissioners


def _add_own_commissioner(user: Any, activity: Activity) -> None:
    """A commissioner recording work is one of those who did it (and may edit it later)."""
    account = getattr(user, "account", None)
    if role_of(user) is Role.COMMISSIONER and account is not None:
        activity.commissioners.add(account.commissioner_id)
        # A commissioner's own record of serving enterprises waits for them to confirm it.
        request_confirmation(activity)


def _new_or_mine(record: Any, me: int | None) -> bool:
    return record.pk is None or bool(record.commissioners.filter(pk=me).exists())


ACTIVITIES = Registry(
    slug="activities",
    model=Activity,
    form=ActivityForm,
    importer=ActivityImporter,
    after=("commissioners", "enterprises", "batches"),
    access=Access(
        commissioner_reads=linked_by("commissioners"),
        enterprise_reads=linked_by("enterprises"),
        commissioner_changes=_new_or_mine,
        commissioner_creates=True,
    ),
    menu=Menu("activities", _("工作记录"), order=110),  # the page's own title
    api=ENDPOINTS,
    columns=(
        ListColumn("date", link=True),
        ListColumn("kind"),
        ListColumn("quantity"),
        ListColumn("commissioners"),
        ListColumn("enterprises"),
        ListColumn("batch", sort="batch__dispatch_date"),
        ListColumn("place"),
        ListColumn("notes"),
    ),
    search=("code", "place", "notes"),
    filters=(
        choice(Activity, "kind"),
        attributed_batch,
        choice(Activity, "confirmation"),
        flag("trial", "is_trial", _("试验示范")),
        Filter(
            "enterprise_cluster",
            "enterprises__cluster",
            _("企业产业集群"),
            choices=tuple(IndustryCluster.choices),
        ),
        *by_commissioners,
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

REGISTRIES = (ACTIVITIES,)
