"""In-app reminders (提醒): notifications, and what ``tepai remind`` has already told whom."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one user about work waiting for them, shown until they read it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("用户"),
    )
    kind = models.CharField(_("类型"), max_length=32)
    message = models.CharField(_("内容"), max_length=500)
    link = models.CharField(_("链接"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # Set once the e-mail about it went out; unset ones are retried for a few days.
    mailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread count in the top bar, on every page.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["user", "-created_at", "-id"], name="notification_latest"),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Reminded(models.Model):
    """One to-do item ``tepai remind`` has notified a user of (so a re-run repeats nothing).

    ``key`` names the waiting work ("proposal-answer:12"); each is notified once per user,
    even after the notification itself is read or deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("用户")
    )
    key = models.CharField(_("待办项"), max_length=100)
    at = models.DateTimeField(_("提醒时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已提醒的待办")
        verbose_name_plural = _("已提醒的待办")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminded_once_per_user")
        ]

    def __str__(self) -> str:
        return self.key
