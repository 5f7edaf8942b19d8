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
    """Return one unsaved entry (:func:`entry_values`) for :func:`write_entry` to save."""
    return AuditEntry(
        **entry_values(
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
    )


def entry_values(
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
    json_text: bool = False,
) -> dict[str, Any]:
    """Return an entry's stored values by field attname (all but ``id`` and ``at``).

    The one place an entry's stored values are decided: :func:`build_entry` makes a record of
    them, an import inserts tens of thousands of them as rows (a model instance per entry
    was a tenth of a 50,000-row import). ``target`` fills the model label, id and description
    if given. Personal data is masked before it is stored (PIPL; issue 9, finding 11): the
    before and after values of personal fields keep only what the pages show
    (138****1234, the birth year), and phones, e-mails and ID numbers inside any text are
    masked. Callers compare unmasked values, so a change hidden by the mask is still logged.

    With ``json_text`` the before, after and detail values come as their JSON text, ready
    for a bulk insert (:data:`JSON_COLUMNS`): the search text encodes them anyway, and
    encoding them a second time for the database was a tenth of an import's write phase.
    """
    actor = actor or current_actor()
    if target is not None:
        model_label = model_label or target._meta.label_lower
        object_id = object_id or ("" if target.pk is None else str(target.pk))
        object_repr = object_repr or _describe(target)
    values: dict[str, Any] = {
        "actor_id": getattr(actor.user, "pk", None),
        "actor_username": actor.username[:150],
        "action": action[:32],
        "model_label": model_label[:100],
        "object_id": object_id[:64],
        "object_repr": mask_text(object_repr)[:200],
        "before": mask_snapshot(model_label, before),
        "after": mask_snapshot(model_label, after),
        "detail": mask_snapshot("", detail) or {},
        "ip_address": actor.ip,
        "path": actor.path[:300],
    }
    encoded = {name: _encoded(values[name]) for name in JSON_COLUMNS}
    values["search_text"] = _search_text(values, encoded)
    if json_text:
        values.update(encoded)
    return values


# The entry's JSON columns, which ``entry_values(..., json_text=True)`` returns encoded.
JSON_COLUMNS = ("before", "after", "detail")


def _describe(target: Model) -> str:
    try:
        return str(target)
    except Exception:  # a __str__ that follows a missing relation must not block the log
        return f"{target._meta.verbose_name} #{target.pk}"


# What json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False) uses, made once: an import
# builds tens of thousands of entries.
_ENCODER = DjangoJSONEncoder(ensure_ascii=False)


def _encoded(value: Any) -> str | None:
    return None if value is None else _ENCODER.encode(value)


def _search_text(values: dict[str, Any], encoded: dict[str, str | None]) -> str:
    parts = [
        values["actor_username"],
        values["action"],
        values["model_label"],
        values["object_id"],
        values["object_repr"],
        values["path"],
        values["ip_address"] or "",
    ]
    for name in JSON_COLUMNS:
        if values[name]:
            parts.append(encoded[name])
    # Masked like the page shows it, so that searching a full phone number cannot reveal
    # whose it is.
    return mask_text("\n".join(part for part in parts if part))
