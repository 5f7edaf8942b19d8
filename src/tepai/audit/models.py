"""The audit log: who changed what, when and from where — kept append-only."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""

    def __init__(self) -> None:
        super().__init__(_("审计日志只能追加，不能修改或删除。"))


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise AppendOnlyError


class AuditEntryQuerySet(models.QuerySet):
    """Reads as usual; bulk updates and deletes are refused (retention uses raw SQL)."""

    update = _refuse
    delete = _refuse
    bulk_update = _refuse


class AuditEntry(models.Model):
    """One recorded event: a record created, changed or deleted, a login, an import, …

    ``actor`` has no database constraint and is never cleared: deleting a user must not
    rewrite the log, and ``actor_username`` keeps the name the user had at the time.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_username = models.CharField(_("操作人用户名"), max_length=150, blank=True, default="")
    action = models.CharField(_("操作"), max_length=32, db_index=True)
    model_label = models.CharField(
        _("数据类别"), max_length=100, blank=True, default="", db_index=True
    )
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True, default="")
    object_repr = models.CharField(_("对象"), max_length=200, blank=True, default="")
    before = models.JSONField(_("修改前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("修改后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    detail = models.JSONField(_("详情"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    path = models.CharField(_("来源"), max_length=300, blank=True, default="")
    # Everything above as plain text, for the auditor's free-text search: JSON columns are
    # stored with escaped Chinese on SQLite, so searching them directly would miss.
    search_text = models.TextField(_("检索文本"), blank=True, default="", editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        # Related lookups and Model.save go through the base manager: guard it too.
        base_manager_name = "objects"
        indexes = [models.Index(fields=["model_label", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '—'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError
