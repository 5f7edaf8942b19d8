"""The four roles of the platform and how a user's role is found.

Every view, API endpoint and export asks :func:`role_of` instead of looking at Django's
is_staff/is_superuser flags, so one place decides who is who.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    COMMISSIONER = "commissioner", _("特派员")
    ENTERPRISE = "enterprise", _("企业用户")
    AUDITOR = "auditor", _("审计员")


def role_of(user: object) -> Role | None:
    """Return the role of ``user``; superusers are administrators; None for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return None
    account = getattr(user, "account", None)
    if account is not None and account.role:
        return Role(account.role)
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    return None
