"""Issuing, checking and revoking API tokens.

Tokens carry 256 random bits, so a plain SHA-256 digest is enough to store them safely (no
salt or slow hash is needed against guessing) and it can be looked up through a unique index.

A token works until it expires (``TEPAI_API_TOKEN_DAYS`` after issue) or is revoked, and only
while its user is active and has no initial password left to change. Issue 9 (finding 10):
tokens used to live for ever, through password resets, role changes and deactivation.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tepai.api.errors import Forbidden, NotAuthenticated
from tepai.api.models import Token
from tepai.audit.log import record

# Audit actions (tokens are not a registry, so model signals do not follow them).
TOKEN_CREATED = "token_create"
TOKEN_REVOKED = "token_revoke"

TOKEN_PREFIX = "tepai_"
# Writing "last used" on every request would turn each read into a write; once a minute is
# precise enough to see whether a token is still in use.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def digest(raw: str) -> str:
    """Return the stored form (SHA-256 hex digest) of the token ``raw``."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(
    user: Any, name: str = "", *, request: HttpRequest | None = None
) -> tuple[Token, str]:
    """Create a token for ``user``; return the record and the token text (shown only once)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = Token.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=digest(raw),
        expires_at=timezone.now() + datetime.timedelta(days=settings.TEPAI_API_TOKEN_DAYS),
    )
    record(TOKEN_CREATED, request=request, target=token, detail=_detail(token))
    return token, raw


def user_for_token(raw: str) -> Any:
    """Return the user the token ``raw`` signs in.

    Raises NotAuthenticated (401) for an unknown, revoked or expired token or a deactivated
    user, and Forbidden (403) while the user must still change an initial password.
    """
    token = None
    if raw.startswith(TOKEN_PREFIX):
        token = (
            Token.objects.select_related("user", "user__account")
            .filter(digest=digest(raw), revoked_at__isnull=True)
            .first()
        )
    if token is None or not token.user.is_active:
        raise NotAuthenticated(_("接口令牌无效或已撤销"), code="invalid_token")
    now = timezone.now()
    if token.expires_at <= now:
        raise NotAuthenticated(
            _("接口令牌已于 %(when)s 过期，请向管理员申请新令牌")
            % {"when": timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")},
            code="token_expired",
        )
    account = getattr(token.user, "account", None)
    if account is not None and account.must_change_password:
        # The pages hold such a user on the password form; a token must not be the way round.
        raise Forbidden(
            _("请先在网页上修改初始密码，再使用接口令牌"), code="password_change_required"
        )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # update() rather than save(): no model signals, no race with a concurrent revoke.
        Token.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(token: Token, *, request: HttpRequest | None = None) -> bool:
    """Revoke ``token``; return False if it was already revoked."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(TOKEN_REVOKED, request=request, target=token, detail=_detail(token))
    return True


def revoke_user_tokens(user: Any, reason: str) -> int:
    """Revoke every working token of ``user`` (recording ``reason``); return how many."""
    count = 0
    for token in Token.objects.filter(user=user, revoked_at__isnull=True).select_related("user"):
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(TOKEN_REVOKED, target=token, detail={**_detail(token), "reason": reason})
        count += 1
    return count


def _detail(token: Token) -> dict[str, Any]:
    return {"user": token.user.get_username(), "name": token.name, "prefix": token.prefix}


def find_user(username: str) -> Any | None:
    """Return the user named ``username``, or None."""
    return get_user_model().objects.filter(username=username).first()
