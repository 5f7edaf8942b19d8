"""Writing audit entries: :func:`record` for explicit events, :func:`write_entry` underneath.

Model create/update/delete, demand transitions and logins are recorded by
:mod:`tepai.audit.signals`; other code calls :func:`record` for events that are not a model
save, e.g. ``record("import", detail={...})`` or ``record("proposal", request=request,
target=demand)``.
"""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.http import HttpRequest

from tepai.audit.context import Actor, actor_from_request, current_actor
from tepai.audit.models import AuditEntry
from tepai.core.personal_data import mask_snapshot, mask_text


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    target: Model | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record ``action`` by the user of ``request`` (else the current request or command).

    ``target`` is the record the action was about; ``detail`` is any JSON-able dict
    (counts, file names, options) shown to auditors.
    """
    actor = actor_from_request(request) if request is not None else None
    write_entry(action, target=target, detail=detail, actor=actor)


def write_entry(
    action: str,
    *,
    target: Model | None = None,
    model_label: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> AuditEntry:
    """Append one entry (:func:`build_entry`) and return it."""
    entry = build_entry(
        action,
        target=target,
        model_label=model_label,
        object_id=object_id,
        object_repr=object_repr,
        before=before,
        after=after,
        detail=detail,
        actor=actor,
    )
    entry.save()
    return entry


def build_entry(
    action: str,
    *,
    target: Model | None = None,
    model_label: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> AuditEntry:
    """Return one unsaved entry; ``target`` fills the model label, id and description if given.

    The one place an entry's stored values are decided: :func:`write_entry` saves it, an
    import saves many with one bulk insert. Personal data is masked before it is stored
    (PIPL; issue 9, finding 11): the before and after values of personal fields keep only
    what the pages show (138****1234, the birth year), and phones, e-mails and ID numbers
    inside any text are masked. Callers compare unmasked values, so a change hidden by the
    mask is still logged.
    """
    actor = actor or current_actor()
    if target is not None:
        model_label = model_label or target._meta.label_lower
        object_id = object_id or ("" if target.pk is None else str(target.pk))
        object_repr = object_repr or _describe(target)
    entry = AuditEntry(
        actor=actor.user if getattr(actor.user, "pk", None) else None,
        actor_username=actor.username[:150],
        action=action[:32],
        model_label=model_label[:100],
        object_id=object_id[:64],
        object_repr=mask_text(object_repr)[:200],
        before=mask_snapshot(model_label, before),
        after=mask_snapshot(model_label, after),
        detail=mask_snapshot("", detail) or {},
        ip_address=actor.ip,
        path=actor.path[:300],
    )
    entry.search_text = _search_text(entry)
    return entry


def _describe(target: Model) -> str:
    try:
        return str(target)
    except Exception:  # a __str__ that follows a missing relation must not block the log
        return f"{target._meta.verbose_name} #{target.pk}"


# What json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False) uses, made once: an import
# builds tens of thousands of entries.
_ENCODER = DjangoJSONEncoder(ensure_ascii=False)


def _search_text(entry: AuditEntry) -> str:
    parts = [
        entry.actor_username,
        entry.action,
        entry.model_label,
        entry.object_id,
        entry.object_repr,
        entry.path,
        entry.ip_address or "",
    ]
    for value in (entry.before, entry.after, entry.detail):
        if value:
            parts.append(_ENCODER.encode(value))
    # Masked like the page shows it, so that searching a full phone number cannot reveal
    # whose it is.
    return mask_text("\n".join(part for part in parts if part))
