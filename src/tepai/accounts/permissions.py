"""Who may see and change which records: the one place the web pages and the API ask.

Read scope is applied to querysets (so lists, counts, exports and API pages agree) and write
permission to single objects. Administrators do everything; auditors read everything and
change nothing; commissioners and enterprises see what their work needs and change only
their own records — each registry says which, in the ``access`` of its declaration (its app's
``registry.py``), and this module applies those rules.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from tepai.accounts.roles import Role, role_of

# The personal-data rule lives with the masks in tepai.core.personal_data; it is re-exported
# here because this module is where callers ask "may this user …".
from tepai.core.personal_data import can_view_personal_data as can_view_personal_data
from tepai.core.registries import access_rules


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def _commissioner_id(user: object) -> int | None:
    account = getattr(user, "account", None)
    return getattr(account, "commissioner_id", None)


def _enterprise_id(user: object) -> int | None:
    account = getattr(user, "account", None)
    return getattr(account, "enterprise_id", None)


def visible(user: object, queryset: QuerySet) -> QuerySet:
    """Return the part of ``queryset`` that ``user`` may read."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.AUDITOR):
        return queryset
    if role is None:
        return queryset.none()
    access = access_rules().get(_label(queryset.model))
    if access is None:
        return queryset.none()
    if access.open_to_all:
        return queryset
    if role is Role.COMMISSIONER:
        rule, own = access.commissioner_reads, _commissioner_id(user)
    else:
        rule, own = access.enterprise_reads, _enterprise_id(user)
    return queryset.none() if rule is None else queryset.filter(rule(queryset, own))


def can_change(user: object, record: Model) -> bool:
    """Return True if ``user`` may edit (or delete) ``record``."""
    role = role_of(user)
    if role is Role.ADMIN:
        return True
    access = access_rules().get(_label(type(record)))
    if access is None:
        return False
    if role is Role.COMMISSIONER and access.commissioner_changes is not None:
        return access.commissioner_changes(record, _commissioner_id(user))
    if role is Role.ENTERPRISE and access.enterprise_changes is not None:
        return access.enterprise_changes(record, _enterprise_id(user))
    return False


def can_create(user: object, model: type[Model]) -> bool:
    """Return True if ``user`` may create records of ``model``."""
    role = role_of(user)
    if role is Role.ADMIN:
        return True
    access = access_rules().get(_label(model))
    if access is None:
        return False
    if role is Role.COMMISSIONER:
        return access.commissioner_creates
    if role is Role.ENTERPRISE:
        return access.enterprise_creates
    return False
