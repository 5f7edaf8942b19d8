"""A platform account: the role of a Django user and the record it acts for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tepai.accounts.roles import Role


class Account(models.Model):
    """The role of one user; commissioner and enterprise users are tied to their record."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account",
        verbose_name=_("用户"),
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    commissioner = models.ForeignKey(
        "commissioners.Commissioner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("对应特派员"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("对应企业"),
    )
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=False)
    # Set only by `tepai demo` without TEPAI_DEMO_TOTP_SECRET, so that a first look at the
    # demo needs no phone; every other administrator and auditor must use two-factor sign-in.
    two_factor_exempt = models.BooleanField(_("演示账号免两步验证"), default=False)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.COMMISSIONER) | Q(commissioner__isnull=False),
                name="account_commissioner_has_record",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.ENTERPRISE) | Q(enterprise__isnull=False),
                name="account_enterprise_has_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.get_role_display()}）"


class SignInThrottle(models.Model):
    """Failed sign-ins for one user name from one source address, and the pause they earned.

    Keyed by the typed name (known or not) and the client address, so that failures from one
    place never stop the account's owner signing in from another, and unknown names are
    treated exactly like real ones. Rows change through queryset updates only: the audit log
    records the login events, not these counters.
    """

    username = models.CharField(_("用户名"), max_length=150)
    source = models.CharField(_("来源地址"), max_length=64, blank=True)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    last_failure = models.DateTimeField(_("最近失败时间"), null=True, blank=True)
    blocked_until = models.DateTimeField(_("暂停至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录限速")
        verbose_name_plural = _("登录限速")
        constraints = [
            models.UniqueConstraint(fields=["username", "source"], name="signin_throttle_key"),
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.source or '-'}"
