"""Who may see and change which records: the one place the web pages and the API ask.

Read scope is applied to querysets (so lists, counts, exports and API pages agree) and write
permission to single objects. Administrators do everything; auditors read everything and
change nothing; commissioners and enterprises see what their work needs and change only
their own records.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from tepai.accounts.roles import Role, role_of

# The personal-data rule lives with the masks in tepai.core.personal_data; it is re-exported
# here because this module is where callers ask "may this user …".
from tepai.core.personal_data import can_view_personal_data as can_view_personal_data
from tepai.demands.models import EDITABLE_BY_ENTERPRISE, PUBLIC_STATUSES

# Registries every signed-in role may read in full (public programme information).
_OPEN_TO_ALL = {
    "institutions.institution",
    "programs.batch",
    "programs.team",
    "programs.innovationcentre",
    "events.event",
    "outcomes.outcome",
    "cases.case",
    "commissioners.commissioner",
    "commissioners.workitem",
}


# Demand states an enterprise may still edit or delete (草稿, 待审核); the API names them
# when it refuses a later edit.
ENTERPRISE_EDITABLE = EDITABLE_BY_ENTERPRISE


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
    label = _label(queryset.model)
    if label in _OPEN_TO_ALL:
        return queryset
    if role is Role.COMMISSIONER:
        return _visible_to_commissioner(label, queryset, _commissioner_id(user))
    return _visible_to_enterprise(label, queryset, _enterprise_id(user))


def _among(queryset: QuerySet, **lookup: object) -> Q:
    """Return "the record is one of those matching ``lookup``" as a primary-key subquery.

    Used for many-to-many and reverse paths: filtering across the join itself repeats a record
    once per matching related row, and the DISTINCT that would undo it makes every count and
    page of a large list sort all its columns. ``pk IN (subquery)`` keeps each record once and
    lets the database start from the related rows' index.
    """
    return Q(pk__in=queryset.model._default_manager.filter(**lookup).values("pk"))


def _linked(queryset: QuerySet, relation: str, **lookup: object) -> Q:
    """Return "the record has a ``relation`` row matching ``lookup``", for the rare branch of
    an OR whose other branch matches most records (a commissioner's demands: published, or
    in my projects).

    ``relation`` is a reverse foreign key (a demand's ``projects``); the subquery reads only
    the related rows. The two databases need different forms to walk the list's ordering
    index instead of sorting every matching record for one page: SQLite (without statistics)
    turns ``pk IN (…) OR …`` into a union of two index searches and a sort, so it gets a
    correlated EXISTS, asked only about the records the common branch leaves out; PostgreSQL
    hashes an IN subquery once, while it costs a correlated EXISTS under OR so high that
    it JIT-compiles every query (~200 ms).
    """
    field = queryset.model._meta.get_field(relation)
    rows = field.related_model._default_manager.filter(**lookup)
    if connections[queryset.db].vendor == "sqlite":
        return Q(Exists(rows.filter(**{field.field.name: OuterRef("pk")})))
    return Q(pk__in=rows.values(field.field.name))


def _visible_to_commissioner(label: str, queryset: QuerySet, me: int | None) -> QuerySet:
    rules: dict[str, Callable[[], Q]] = {
        "enterprises.enterprise": Q,
        "demands.demand": lambda: (
            Q(status__in=PUBLIC_STATUSES) | _linked(queryset, "projects", commissioners=me)
        ),
        "demands.demandlist": Q,
        "projects.project": lambda: _among(queryset, commissioners=me),
        "projects.milestone": lambda: _among(queryset, project__commissioners=me),
        "activities.activity": lambda: _among(queryset, commissioners=me),
        "outcomes.cooperationintent": lambda: _among(queryset, outcome__owners=me),
    }
    rule = rules.get(label)
    return queryset.none() if rule is None else queryset.filter(rule())


def _visible_to_enterprise(label: str, queryset: QuerySet, mine: int | None) -> QuerySet:
    rules: dict[str, Callable[[], Q]] = {
        "enterprises.enterprise": lambda: Q(pk=mine),
        "demands.demand": lambda: Q(enterprise=mine),
        "projects.project": lambda: Q(enterprise=mine),
        "projects.milestone": lambda: Q(project__enterprise=mine),
        "activities.activity": lambda: _among(queryset, enterprises=mine),
        "outcomes.cooperationintent": lambda: Q(enterprise=mine),
    }
    rule = rules.get(label)
    return queryset.none() if rule is None else queryset.filter(rule())


def can_change(user: object, record: Model) -> bool:
    """Return True if ``user`` may edit (or delete) ``record``."""
    role = role_of(user)
    if role is Role.ADMIN:
        return True
    label = _label(type(record))
    if role is Role.COMMISSIONER:
        me = _commissioner_id(user)
        if label == "commissioners.commissioner":
            return record.pk == me
        if label == "commissioners.workitem":
            return record.commissioner_id == me
        if label == "activities.activity":
            return record.pk is None or record.commissioners.filter(pk=me).exists()
        return False
    if role is Role.ENTERPRISE:
        mine = _enterprise_id(user)
        if label == "enterprises.enterprise":
            return record.pk == mine
        if label == "demands.demand":
            # Once reviewed and published, a demand is the programme's record: changes go
            # through the programme office (and the workflow), not the enterprise's edit form.
            return record.enterprise_id == mine and record.status in ENTERPRISE_EDITABLE
        if label == "outcomes.cooperationintent":
            return record.enterprise_id == mine
        return False
    return False


def can_create(user: object, model: type[Model]) -> bool:
    """Return True if ``user`` may create records of ``model``."""
    role = role_of(user)
    if role is Role.ADMIN:
        return True
    label = _label(model)
    if role is Role.COMMISSIONER:
        return label in ("activities.activity", "commissioners.workitem")
    if role is Role.ENTERPRISE:
        return label in ("demands.demand", "outcomes.cooperationintent")
    return False
