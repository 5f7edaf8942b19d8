"""The four endpoints every registry gets: list, detail, create, update.

A registry's declaration (its app's ``registry.py``) gives it :class:`Endpoints` (output
schema, filters, write rules) and :func:`mount` adds the endpoints to a router. Read scope
always comes from ``accounts.permissions.visible`` and writes from
``can_create``/``can_change``, so the API answers exactly what the pages show.

(No ``from __future__ import annotations`` here: Ninja reads the endpoint functions'
annotations, which refer to the classes of each registry at definition time.)
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import FilterSchema, Path, Query, Router, Schema, Status

from tepai.accounts.permissions import can_change, can_create, visible
from tepai.api.errors import Forbidden, NotFound
from tepai.api.inputs import input_schema, save_with_form, with_defaults
from tepai.api.pagination import PageParam, PageSizeParam, paginate
from tepai.api.schemas import DB_INT_MAX, ERRORS, WRITE_ERRORS, page_of
from tepai.core.registries import Registry

RecordId = Path(..., ge=1, le=DB_INT_MAX, description="记录 ID")

Data = dict[str, Any]


class WriteRules:
    """What a role may put in a record beyond ``can_create``/``can_change``: field limits,
    values forced to the user's own record, states that cannot be edited. The default
    allows whatever the form accepts."""

    def prepare_create(self, request: HttpRequest, data: Data) -> Data:
        return data

    def prepare_update(self, request: HttpRequest, record: Model, data: Data) -> Data:
        return data

    def after_create(self, request: HttpRequest, record: Model) -> None:
        """Act on a record just created (inside the same transaction)."""

    def explain_refusal(self, request: HttpRequest, record: Model) -> None:
        """Raise a more telling error than 403 when ``can_change`` refuses ``record``."""


def limit_fields(data: Data, allowed: set[str], message: str) -> None:
    """Raise Forbidden naming each field of ``data`` outside ``allowed``."""
    refused = sorted(set(data) - allowed)
    if refused:
        raise Forbidden(message, fields={name: [_("无权修改此字段")] for name in refused})


@dataclass(frozen=True)
class Endpoints:
    """How the API serves one registry (its slug, model and form come from the registry)."""

    singular: str  # in operation ids: "get_demand"
    out: type[Schema]
    filters: type[FilterSchema]
    tag: str  # Chinese group name in the API docs
    related: Sequence[str] = ()  # select_related
    prefetch: Sequence[str | Prefetch] = ()
    # Whether the API creates and updates records (with the registry's form).
    writable: bool = True
    rules: WriteRules = field(default_factory=WriteRules)
    detail_out: type[Schema] | None = None
    detail_prefetch: Sequence[str | Prefetch] = ()
    optional_on_create: Sequence[str] = ()  # fields WriteRules fill in for some roles
    # More endpoints of this registry (a demand's workflow steps), added after the four.
    extras: Callable[[Router], None] | None = None


def _endpoints(registry: Registry) -> Endpoints:
    if registry.api is None:
        raise ValueError(f"registry {registry.slug} has no API")
    return registry.api


def records(registry: Registry, user: Any, *, detail: bool = False) -> QuerySet:
    """Return the records of ``registry`` that ``user`` may read, with what the output
    schema follows."""
    api = _endpoints(registry)
    queryset = registry.model._default_manager.select_related(*api.related)
    prefetch = [*api.prefetch, *(api.detail_prefetch if detail else ())]
    return visible(user, queryset.prefetch_related(*prefetch))


def get_record(registry: Registry, user: Any, pk: int, *, detail: bool = False) -> Model:
    """Return record ``pk`` of ``registry`` if ``user`` may read it; otherwise raise NotFound.

    A record the user may not read is "not found", so ids do not reveal what exists.
    """
    record: Model | None = records(registry, user, detail=detail).filter(pk=pk).first()
    if record is None:
        raise NotFound(
            _("%(registry)s %(id)s 不存在或无权查看")
            % {"registry": registry.label_singular, "id": pk}
        )
    return record


def writable(registry: Registry) -> bool:
    """Return True if the API creates and updates records of ``registry``."""
    return registry.api is not None and registry.api.writable


def mount(router: Router, registry: Registry) -> None:
    """Add list and detail endpoints for ``registry``, create/update if the API writes it,
    and its extra endpoints."""
    api = _endpoints(registry)
    name, one = registry.slug, api.singular
    detail_out = api.detail_out or api.out
    filters_class = api.filters

    def list_records(
        request: HttpRequest,
        filters: Query[filters_class],  # type: ignore[valid-type]
        page: int = PageParam,
        page_size: int = PageSizeParam,
    ) -> Any:
        # The schema class is chosen per registry at run time, which mypy cannot follow.
        schema: FilterSchema = filters
        found = schema.filter(records(registry, request.user))
        return paginate(request, found, page, page_size)

    def get_one(request: HttpRequest, id: int = RecordId) -> Any:
        return get_record(registry, request.user, id, detail=True)

    router.add_api_operation(
        f"/{name}/",
        ["GET"],
        list_records,
        response={200: page_of(api.out), **ERRORS},
        summary=_list_summary(registry),
        description=(filters_class.__doc__ or "").strip(),
        operation_id=f"list_{name}",
        url_name=f"{name}-list",
        tags=[api.tag],
    )
    router.add_api_operation(
        f"/{name}/{{int:id}}",
        ["GET"],
        get_one,
        response={200: detail_out, **ERRORS},
        summary=f"{registry.label_singular}详情",
        operation_id=f"get_{one}",
        url_name=f"{name}-detail",
        tags=[api.tag],
    )
    if api.writable:
        _mount_writes(router, registry, api, detail_out)
    if api.extras is not None:
        api.extras(router)


def _list_summary(registry: Registry) -> str:
    return f"{registry.label_singular}列表（分页，可搜索筛选）"


def _mount_writes(
    router: Router, registry: Registry, api: Endpoints, detail_out: type[Schema]
) -> None:
    name, one, form = registry.slug, api.singular, registry.form
    model_name = registry.model.__name__
    create_schema = input_schema(form, f"{model_name}Create", optional=api.optional_on_create)
    update_schema = input_schema(form, f"{model_name}Update", partial=True)

    def create_record(request: HttpRequest, payload: create_schema) -> Any:  # type: ignore[valid-type]
        if not can_create(request.user, registry.model):
            raise Forbidden(_("无权新建%(registry)s") % {"registry": registry.label_singular})
        body: Schema = payload
        data = with_defaults(registry.model, body.model_dump())
        data = api.rules.prepare_create(request, data)
        with transaction.atomic():
            record = save_with_form(form, data)
            api.rules.after_create(request, record)
        return Status(201, get_record(registry, request.user, record.pk, detail=True))

    def update_record(
        request: HttpRequest,
        payload: update_schema,  # type: ignore[valid-type]
        id: int = RecordId,
    ) -> Any:
        record = get_record(registry, request.user, id)
        if not can_change(request.user, record):
            api.rules.explain_refusal(request, record)
            raise Forbidden(_("无权修改此%(registry)s") % {"registry": registry.label_singular})
        body: Schema = payload
        data = with_defaults(registry.model, body.model_dump(exclude_unset=True))
        data = api.rules.prepare_update(request, record, data)
        save_with_form(form, data, instance=record)
        return get_record(registry, request.user, record.pk, detail=True)

    router.add_api_operation(
        f"/{name}/",
        ["POST"],
        create_record,
        response={201: detail_out, **WRITE_ERRORS},
        summary=f"新建{registry.label_singular}",
        operation_id=f"create_{one}",
        url_name=f"{name}-create",
        tags=[api.tag],
    )
    router.add_api_operation(
        f"/{name}/{{int:id}}",
        ["PATCH"],
        update_record,
        response={200: detail_out, **WRITE_ERRORS},
        summary=f"修改{registry.label_singular}（只需提交要改的字段）",
        operation_id=f"update_{one}",
        url_name=f"{name}-update",
        tags=[api.tag],
    )
