"""Who is acting right now: the signed-in user and client IP of the request or command.

Model signals have no request, so a middleware (or a management command) puts the actor in
a context variable that :mod:`tepai.audit.log` reads when it writes an entry.
"""

from __future__ import annotations

import getpass
import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    """The user (None when anonymous or outside a request), their name, IP and origin."""

    user: Any = None
    username: str = ""
    ip: str | None = None
    path: str = ""


NOBODY = Actor()

# A function rather than an Actor so that a login or logout during the request is seen by
# entries written after it.
_current: ContextVar[Callable[[], Actor] | None] = ContextVar("tepai_audit_actor", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address: the server's peer, or the proxy's word for it.

    X-Forwarded-For is believed only with ``TEPAI_TRUSTED_PROXY`` (anyone can send it), and
    then only its last entry, the one the trusted proxy appended itself: earlier entries are
    the client's own claims. Without a proxy REMOTE_ADDR is the client.
    """
    address = request.META.get("REMOTE_ADDR") or None
    if getattr(settings, "TEPAI_TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            try:
                return str(ipaddress.ip_address(last))
            except ValueError:
                return address
    return address


def actor_from_request(request: HttpRequest) -> Actor:
    """Return the actor of ``request``: its signed-in user (if any), IP and path."""
    user = getattr(request, "user", None)
    signed_in = user if user is not None and user.is_authenticated else None
    return Actor(
        user=signed_in,
        username=signed_in.get_username() if signed_in is not None else "",
        ip=client_ip(request),
        path=request.get_full_path()[:300],
    )


def current_actor() -> Actor:
    """Return the actor of the running request or command, or NOBODY."""
    source = _current.get()
    return source() if source is not None else NOBODY


@contextmanager
def acting(source: Callable[[], Actor]) -> Iterator[None]:
    """Attribute every entry written inside the block to ``source()``."""
    token = _current.set(source)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def command(name: str) -> Iterator[None]:
    """Attribute entries to the operating-system user running the command ``name``."""
    try:
        username = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        username = ""
    actor = Actor(username=username, path=name[:300])
    with acting(lambda: actor):
        yield
