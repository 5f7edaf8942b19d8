"""Revoke a user's API tokens when what they were issued for no longer holds.

A token stands in for its user's password and role: when the password changes (by the user,
an administrator's reset or the first-login change), the role changes, or the account is
deactivated, the old tokens are revoked and the audit log says why (issue 9, finding 10).
The hooks watch the models rather than the login and account views, so every path (pages,
admin, commands) is covered.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext as _

from tepai.accounts.models import Account
from tepai.api.tokens import revoke_user_tokens

# Instance attribute carrying the reason between pre_save and post_save.
_REASON = "_tepai_token_revocation_reason"


def _user_changing(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    # set_password() leaves the new raw password in _password until saved; a hash upgrade at
    # login (same password, new hash) clears it first, so it does not count as a change.
    if getattr(instance, "_password", None) is not None:
        setattr(instance, _REASON, _("密码已修改"))
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    was_active = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    if was_active and not instance.is_active:
        setattr(instance, _REASON, _("账号已停用"))


def _account_changing(sender: Any, instance: Account, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    previous = sender.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    if previous is not None and previous != instance.role:
        setattr(instance, _REASON, _("角色已变更"))


def _revoke_if_needed(instance: Any, user: Any) -> None:
    reason = getattr(instance, _REASON, None)
    if reason:
        delattr(instance, _REASON)
        revoke_user_tokens(user, reason)


def _user_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    _revoke_if_needed(instance, instance)


def _account_saved(sender: Any, instance: Account, **kwargs: Any) -> None:
    _revoke_if_needed(instance, instance.user)


def connect() -> None:
    """Connect the hooks (called once from ApiConfig.ready)."""
    user_model = get_user_model()
    pre_save.connect(_user_changing, sender=user_model, dispatch_uid="tepai-api-user-changing")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="tepai-api-user-saved")
    pre_save.connect(_account_changing, sender=Account, dispatch_uid="tepai-api-account-changing")
    post_save.connect(_account_saved, sender=Account, dispatch_uid="tepai-api-account-saved")
