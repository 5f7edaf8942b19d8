"""Issuing, checking and revoking API tokens.

Tokens carry 256 random bits, so a plain SHA-256 digest is enough to store them safely (no
salt or slow hash is needed against guessing) and it can be looked up through a unique index.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone

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
        user=user, name=name.strip(), prefix=raw[: len(TOKEN_PREFIX) + 6], digest=digest(raw)
    )
    record(TOKEN_CREATED, request=request, target=token, detail=_detail(token))
    return token, raw


def user_for_token(raw: str) -> Any | None:
    """Return the active user the token ``raw`` belongs to, or None if it is unknown or revoked."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        Token.objects.select_related("user", "user__account")
        .filter(digest=digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
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


def _detail(token: Token) -> dict[str, Any]:
    return {"user": token.user.get_username(), "name": token.name, "prefix": token.prefix}


def find_user(username: str) -> Any | None:
    """Return the user named ``username``, or None."""
    return get_user_model().objects.filter(username=username).first()
