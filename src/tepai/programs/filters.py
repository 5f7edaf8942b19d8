"""List filters several registries share: by batch, and by the commissioners who did the work."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tepai.commissioners.models import Commissioner
from tepai.core.registries import Filter, hidden
from tepai.institutions.models import Institution
from tepai.programs.models import Batch, InnovationCentre
from tepai.reports.attribution import batch_condition


def _belongs_to_batches(model: type, ids: list[int]) -> Q:
    return batch_condition(model, Batch.objects.filter(pk__in=ids))


# Work records and projects belong to a batch by its members' work in its service period
# (tepai.reports.attribution), the rule the KPIs count by; the stored field orders the column.
attributed_batch = Filter(
    "batch", "batch", _("批次"), kind="relation", model=Batch, rule=_belongs_to_batches
)

# The records of commissioners (a work record, a project) reached from a centre's, an
# institution's or a person's page and from the dashboard's per-centre figures: the same
# three links on every registry whose records name commissioners.
by_commissioners = (
    hidden("centre", "commissioners__centres", InnovationCentre, _("成员所在创新中心")),
    hidden("institution", "commissioners__institution", Institution, _("特派员派出单位")),
    hidden("commissioners", "commissioners", Commissioner, _("特派员")),
)
