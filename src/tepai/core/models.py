"""Building blocks shared by every registry's models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegistryModel(models.Model):
    """A record in one of tepai's registries.

    ``code`` (编号) is the optional stable external code that program offices keep in their
    spreadsheets; re-importing a row with the same code updates the record.
    """

    code = models.CharField(_("编号"), max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


def unique_code_constraint(model_name: str) -> models.UniqueConstraint:
    """Return the constraint that keeps non-empty 编号 unique within one registry."""
    return models.UniqueConstraint(
        fields=["code"], condition=~Q(code=""), name=f"{model_name}_unique_code"
    )
