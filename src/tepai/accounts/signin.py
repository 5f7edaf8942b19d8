"""The state between the two sign-in steps: password checked, code not yet given.

The user is *not* signed in during that time (``request.user`` stays anonymous), so no page,
API call or admin view can be reached with the password alone. The session only remembers
who passed the password, for a few minutes, and where to go afterwards.
"""

from __future__ import annotations

import time
from typing import Any

import django_otp
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from tepai.accounts import two_factor

PENDING_KEY = "tepai_signin_pending"
# Long enough to open the app (or find the recovery codes) and, the first time, to enrol.
PENDING_SECONDS = 10 * 60


def begin(request: HttpRequest, user: Any, redirect_to: str) -> None:
    """Remember that ``user`` gave the right password; the code step comes next."""
    # A new session key at each privilege step, as auth.login() does.
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", None),
        "since": time.time(),
        "next": redirect_to,
    }


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    state = request.session.get(PENDING_KEY)
    if not isinstance(state, dict):
        return None
    if time.time() - float(state.get("since", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return state


def subject(request: HttpRequest) -> Any | None:
    """Return who the code step is for, or None.

    That is the user who passed the password step here, or a user signed in some other way
    (the Django admin's own form) whose session has not passed the code step yet.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        verified = getattr(user, "is_verified", lambda: False)()
        return None if verified or not two_factor.needs_second_step(user) else user
    state = _pending(request)
    if state is None:
        return None
    pk = state.get("user")
    if pk is None:  # filtering by a None pk would find no one either
        return None
    found = get_user_model()._default_manager.filter(pk=pk, is_active=True).first()
    return found


def next_url(request: HttpRequest, default: str) -> str:
    """Return where the user wanted to go when they started signing in."""
    state = _pending(request)
    return str(state["next"]) if state and state.get("next") else default


def finish(request: HttpRequest, user: Any, device: Any) -> None:
    """Sign ``user`` in with ``device`` as the second factor; forget the pending state."""
    state = _pending(request) or {}
    request.session.pop(PENDING_KEY, None)
    if request.user.is_authenticated and request.user.pk == user.pk:
        django_otp.login(request, device)
        return
    # django-otp's user_logged_in receiver stores the device in the new session.
    user.otp_device = device
    auth.login(request, user, backend=state.get("backend"))
