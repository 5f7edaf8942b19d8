"""API access tokens: what a script or another system signs in with instead of a password."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Token(models.Model):
    """A bearer token a user issued for a client program (``Authorization: Bearer …``).

    Only the SHA-256 digest of the token is stored: the token itself is shown once, when it is
    created, and cannot be recovered from the database. ``prefix`` (its first characters) lets
    people tell their tokens apart in lists. A token stops working at ``expires_at``
    (``TEPAI_API_TOKEN_DAYS`` after it was issued) or when revoked; tokens are revoked when
    their user's password, role or active state changes (:mod:`tepai.api.signals`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("用户"),
    )
    name = models.CharField(_("名称"), max_length=100, blank=True, default="")
    prefix = models.CharField(_("令牌前缀"), max_length=16)
    digest = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        label = self.name or self.prefix
        return f"{self.user.get_username()} · {label}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
