"""The four endpoints every registry gets: list, detail, create, update.

A registry module declares a :class:`Registry` (model, output schema, filters, form, and its
write rules) and :func:`mount` adds the endpoints to a router. Read scope always comes from
``accounts.permissions.visible`` and writes from ``can_create``/``can_change``, so the API
answers exactly what the pages show.

(No ``from __future__ import annotations`` here: Ninja reads the endpoint functions'
annotations, which refer to the classes of each registry at definition time.)
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
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
class Registry:
    """One registry as the API serves it."""

    path: str  # URL segment and name in operation ids: "demands"
    singular: str  # "demand"
    model: type[Model]
    out: type[Schema]
    filters: type[FilterSchema]
    tag: str  # Chinese group name in the API docs
    related: Sequence[str] = ()  # select_related
    prefetch: Sequence[str | Prefetch] = ()
    form: type[forms.ModelForm] | None = None
    rules: WriteRules = field(default_factory=WriteRules)
    detail_out: type[Schema] | None = None
    detail_prefetch: Sequence[str | Prefetch] = ()
    optional_on_create: Sequence[str] = ()  # fields WriteRules fill in for some roles

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    def queryset(self, user: Any, *, detail: bool = False) -> QuerySet:
        """Return the records ``user`` may read, with what the output schema follows."""
        queryset = self.model._default_manager.select_related(*self.related)
        prefetch = [*self.prefetch, *(self.detail_prefetch if detail else ())]
        return visible(user, queryset.prefetch_related(*prefetch))

    def get(self, user: Any, pk: int, *, detail: bool = False) -> Model:
        """Return record ``pk`` if ``user`` may read it; otherwise raise NotFound.

        A record the user may not read is "not found", so ids do not reveal what exists.
        """
        record = self.queryset(user, detail=detail).filter(pk=pk).first()
        if record is None:
            raise NotFound(
                _("%(registry)s %(id)s 不存在或无权查看") % {"registry": self.label, "id": pk}
            )
        return record


def mount(router: Router, registry: Registry) -> None:
    """Add list and detail endpoints for ``registry``, and create/update if it has a form."""
    name, one = registry.path, registry.singular
    detail_out = registry.detail_out or registry.out
    filters_class = registry.filters

    def list_records(
        request: HttpRequest,
        filters: Query[filters_class],  # type: ignore[valid-type]
        page: int = PageParam,
        page_size: int = PageSizeParam,
    ) -> Any:
        records = filters.filter(registry.queryset(request.user))
        return paginate(request, records, page, page_size)

    def get_record(request: HttpRequest, id: int = RecordId) -> Any:
        return registry.get(request.user, id, detail=True)

    router.add_api_operation(
        f"/{name}/",
        ["GET"],
        list_records,
        response={200: page_of(registry.out), **ERRORS},
        summary=_list_summary(registry),
        description=(filters_class.__doc__ or "").strip(),
        operation_id=f"list_{name}",
        url_name=f"{name}-list",
        tags=[registry.tag],
    )
    router.add_api_operation(
        f"/{name}/{{int:id}}",
        ["GET"],
        get_record,
        response={200: detail_out, **ERRORS},
        summary=f"{registry.label}详情",
        operation_id=f"get_{one}",
        url_name=f"{name}-detail",
        tags=[registry.tag],
    )
    if registry.form is not None:
        _mount_writes(router, registry, detail_out)


def _list_summary(registry: Registry) -> str:
    return f"{registry.label}列表（分页，可搜索筛选）"


def _mount_writes(router: Router, registry: Registry, detail_out: type[Schema]) -> None:
    name, one, form = registry.path, registry.singular, registry.form
    assert form is not None
    model_name = registry.model.__name__
    create_schema = input_schema(form, f"{model_name}Create", optional=registry.optional_on_create)
    update_schema = input_schema(form, f"{model_name}Update", partial=True)

    def create_record(request: HttpRequest, payload: create_schema) -> Any:  # type: ignore[valid-type]
        if not can_create(request.user, registry.model):
            raise Forbidden(_("无权新建%(registry)s") % {"registry": registry.label})
        data = with_defaults(registry.model, payload.model_dump())
        data = registry.rules.prepare_create(request, data)
        with transaction.atomic():
            record = save_with_form(form, data)
            registry.rules.after_create(request, record)
        return Status(201, registry.get(request.user, record.pk, detail=True))

    def update_record(
        request: HttpRequest,
        payload: update_schema,  # type: ignore[valid-type]
        id: int = RecordId,
    ) -> Any:
        record = registry.get(request.user, id)
        if not can_change(request.user, record):
            registry.rules.explain_refusal(request, record)
            raise Forbidden(_("无权修改此%(registry)s") % {"registry": registry.label})
        data = with_defaults(registry.model, payload.model_dump(exclude_unset=True))
        data = registry.rules.prepare_update(request, record, data)
        save_with_form(form, data, instance=record)
        return registry.get(request.user, record.pk, detail=True)

    router.add_api_operation(
        f"/{name}/",
        ["POST"],
        create_record,
        response={201: detail_out, **WRITE_ERRORS},
        summary=f"新建{registry.label}",
        operation_id=f"create_{one}",
        url_name=f"{name}-create",
        tags=[registry.tag],
    )
    router.add_api_operation(
        f"/{name}/{{int:id}}",
        ["PATCH"],
        update_record,
        response={200: detail_out, **WRITE_ERRORS},
        summary=f"修改{registry.label}（只需提交要改的字段）",
        operation_id=f"update_{one}",
        url_name=f"{name}-update",
        tags=[registry.tag],
    )
