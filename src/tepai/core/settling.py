"""A server process's one-time tidy-up once it has answered its first request.

By then it has loaded what it keeps for its whole life: Django, every app, the URL patterns
with all views and the API schemas, compiled templates (~150,000 objects on the dashboard's
first request). Python's cyclic garbage collector walks all of them in each full collection,
which then took ~70 ms in the middle of whichever request happened to trigger it (the
10,000-commissioner dashboard of benchmarks/web_speed.py: 214 ms instead of 148). Frozen
(:func:`gc.freeze`), they are left out of every later collection (~20 ms).

Done after the first response rather than at start-up so that the server still starts at
once (the URL patterns alone take ~0.75 s to import) and nobody waits for it: Django sends
``request_finished`` when the response has been sent.
"""

from __future__ import annotations

import gc
from typing import Any

from django.core.signals import request_finished

__all__ = ["settle_after_first_request"]

_UID = "tepai-settle-after-first-request"


def settle_after_first_request() -> None:
    """Collect and freeze the process's objects once its first request has finished."""
    request_finished.connect(_settle, dispatch_uid=_UID)


def _settle(**_signal: Any) -> None:
    if not request_finished.disconnect(dispatch_uid=_UID):
        return  # another thread's first request got here first
    # Collect first: the garbage of the first request would otherwise be frozen for good.
    gc.collect()
    gc.freeze()
