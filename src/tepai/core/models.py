"""Building blocks shared by tepai's models: 编号 and timestamps."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


# Declared before TimestampedModel on purpose: Django orders a model's fields by when they
# were declared, so a registry's fields start 编号, 创建时间, 更新时间 as they always have
# (admin pages and audit entries list fields in that order).
class CodedModel(models.Model):
    """A record with ``code`` (编号), the optional stable external code that program offices
    keep in their spreadsheets; re-importing a row with the same code updates the record.
    """

    code = models.CharField(_("编号"), max_length=64, blank=True, default="", db_index=True)

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    """A record that keeps when it was created and when it last changed."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class RegistryModel(CodedModel, TimestampedModel):
    """A record in one of tepai's registries: its 编号 and timestamps."""

    class Meta:
        abstract = True


def unique_code_constraint(model_name: str) -> models.UniqueConstraint:
    """Return the constraint that keeps non-empty 编号 unique within one registry."""
    return models.UniqueConstraint(
        fields=["code"], condition=~Q(code=""), name=f"{model_name}_unique_code"
    )
