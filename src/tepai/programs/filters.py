"""List filters by batch that several registries share."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tepai.core.registries import Filter
from tepai.programs.models import Batch
from tepai.reports.attribution import batch_condition


def _belongs_to_batches(model: type, ids: list[int]) -> Q:
    return batch_condition(model, Batch.objects.filter(pk__in=ids))


# Work records and projects belong to a batch by its members' work in its service period
# (tepai.reports.attribution), the rule the KPIs count by; the stored field orders the column.
attributed_batch = Filter(
    "batch", "batch", _("批次"), kind="relation", model=Batch, rule=_belongs_to_batches
)
