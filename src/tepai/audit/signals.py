"""Signal receivers that write the audit log without the rest of the code asking.

Every model of tepai's registry apps, engagements and accounts is followed: create, update
(only the fields that changed; a save that changes nothing writes nothing), delete, and
many-to-many changes. Demand status changes are written as "transition", and logins, logouts
and failed logins with the attempted user name and IP.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest

from tepai.audit import actions
from tepai.audit.context import Actor, actor_from_request, client_ip, current_actor
from tepai.audit.log import write_entry
from tepai.audit.snapshot import changes, row_snapshot, snapshot

# Demand transitions are written as one "transition" entry instead of a generic "create".
_SEPARATELY_RECORDED = {"demands.demandtransition"}
_BEFORE = "_audit_before"
_M2M_BEFORE = "_audit_m2m_before"


def tracked_models() -> list[type[models.Model]]:
    """Return the models whose changes are recorded."""
    names = {*settings.REGISTRY_APPS, "tepai.engagements", "tepai.accounts"}
    found = []
    for config in apps.get_app_configs():
        if config.name not in names:
            continue
        found += [
            model
            for model in config.get_models()
            if model._meta.label_lower not in _SEPARATELY_RECORDED
        ]
    return found


def connect() -> None:
    """Connect the receivers (called once from AppConfig.ready)."""
    tracked = tracked_models()
    for model in tracked:
        uid = f"tepai.audit:{model._meta.label_lower}"
        pre_save.connect(_remember_before, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}.{field.name}")
    try:
        transition = apps.get_model("demands", "DemandTransition")
    except LookupError:
        pass
    else:
        post_save.connect(_transition, sender=transition, dispatch_uid="tepai.audit:transition")
    user_logged_in.connect(_logged_in, dispatch_uid="tepai.audit:login")
    user_logged_out.connect(_logged_out, dispatch_uid="tepai.audit:logout")
    user_login_failed.connect(_login_failed, dispatch_uid="tepai.audit:login_failed")


def _remember_before(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if instance._state.adding or instance.pk is None:
        return
    fields = kwargs.get("update_fields")
    row = sender._base_manager.filter(pk=instance.pk).values().first()
    if row is not None:
        setattr(instance, _BEFORE, row_snapshot(sender, row, fields))


def _saved(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if created:
        write_entry(actions.CREATE, target=instance, after=snapshot(instance))
        return
    before = instance.__dict__.pop(_BEFORE, None)
    if before is None:  # saved with a primary key that did not exist yet
        write_entry(actions.CREATE, target=instance, after=snapshot(instance))
        return
    old, new = changes(before, snapshot(instance, kwargs.get("update_fields")))
    if new:
        write_entry(actions.UPDATE, target=instance, before=old, after=new)


def _deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    write_entry(actions.DELETE, target=instance, before=snapshot(instance))


def _m2m_key(instance: models.Model, through: type[models.Model], reverse: bool) -> str | None:
    """Return the attribute of ``instance`` that manages the relation stored in ``through``."""
    if reverse:
        for relation in instance._meta.related_objects:
            if isinstance(relation, models.ManyToManyRel) and relation.through is through:
                return relation.get_accessor_name()
        return None
    for field in instance._meta.many_to_many:
        if field.remote_field.through is through:
            return field.name
    return None


def _m2m_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    phase, _, operation = action.partition("_")
    if operation in ("add", "remove") and not pk_set:
        return  # Django reports adding what is already there as an empty change
    key = _m2m_key(instance, sender, reverse)
    if key is None or type(instance) not in _tracked_set():
        return
    if phase == "pre":
        # One query before the change; the state after follows from pk_set.
        current = set(getattr(instance, key).values_list("pk", flat=True))
        instance.__dict__.setdefault(_M2M_BEFORE, {})[key] = current
        return
    previous = instance.__dict__.get(_M2M_BEFORE, {}).pop(key, None)
    if previous is None:
        return
    if operation == "add":
        current = previous | set(pk_set or ())
    elif operation == "remove":
        current = previous - set(pk_set or ())
    else:
        current = set()
    if previous != current:
        write_entry(
            actions.UPDATE,
            target=instance,
            before={key: sorted(previous)},
            after={key: sorted(current)},
        )


_tracked_cache: set[type[models.Model]] = set()


def _tracked_set() -> set[type[models.Model]]:
    if not _tracked_cache:
        _tracked_cache.update(tracked_models())
    return _tracked_cache


def _transition(sender: type[models.Model], instance: Any, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    actor = current_actor()
    if instance.by_id is not None and getattr(actor.user, "pk", None) != instance.by_id:
        actor = Actor(
            user=instance.by, username=instance.by.get_username(), ip=actor.ip, path=actor.path
        )
    write_entry(
        actions.TRANSITION,
        target=instance.demand,
        before={"status": instance.from_status},
        after={"status": instance.to_status},
        detail={"note": instance.note} if instance.note else None,
        actor=actor,
    )


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    write_entry(actions.LOGIN, target=user, actor=actor_from_request(request))


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    actor = actor_from_request(request)
    if user is not None:
        actor = Actor(user=user, username=user.get_username(), ip=actor.ip, path=actor.path)
    write_entry(actions.LOGOUT, target=user, actor=actor)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", "") or "")
    base = (
        current_actor()
        if request is None
        else Actor(ip=client_ip(request), path=request.get_full_path()[:300])
    )
    write_entry(
        actions.LOGIN_FAILED,
        actor=Actor(username=username, ip=base.ip, path=base.path),
        detail={"username": username},
    )
