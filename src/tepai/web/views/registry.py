"""The generic pages of every registry: list, detail, create, edit, delete and export.

Each view receives its :class:`~tepai.core.registries.Registry` from the URL
configuration. Access: reading through :func:`~tepai.accounts.permissions.visible` (a record
outside it is a 404), writing through ``can_create``/``can_change`` (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    Field,
    Model,
    ProtectedError,
    QuerySet,
    RestrictedError,
    Sum,
    TextField,
)
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from tepai.accounts.permissions import can_change, can_create, visible
from tepai.accounts.roles import Role
from tepai.core.personal_data import hidden_fields
from tepai.core.registries import Action, Registry, registries_by_slug
from tepai.reports.dating import dated
from tepai.web.figures import list_url, records
from tepai.web.forms import form_class
from tepai.web.nav import may_read, nav_key, soft_reverse, tabs
from tepai.web.registries.cells import Item, cell, detail_url, field_label
from tepai.web.registries.query import DATE_PARAMS, list_query, sort_options
from tepai.web.views.common import audit, require_role

PAGE_SIZE = 50
RELATED_ROWS = 10


@method_decorator(login_required, name="dispatch")
class RegistryView(View):
    """Base of the registry pages: the registry, the role check and the shared context."""

    # Set per URL by as_view(registry=...).
    registry: Registry = None  # type: ignore[assignment]

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.user: Any = request.user

    def check_read(self) -> Role:
        role = require_role(self.request)
        if not may_read(self.user, self.registry.slug):
            raise PermissionDenied
        return role

    def get_record(self, pk: int) -> Model:
        """Return record ``pk`` if the user may see it, else raise Http404."""
        record: Model = get_object_or_404(visible(self.user, self.registry.base_queryset()), pk=pk)
        return record

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "nav_current": nav_key(self.registry.slug),
            "tabs": tabs(self.user, self.registry.slug),
            **extra,
        }

    def render(self, template: str | list[str], **extra: Any) -> TemplateResponse:
        return TemplateResponse(self.request, template, self.context(**extra))


# ----- list ----------------------------------------------------------------------------------
def _filter_controls(registry: Registry, user: Any, params: Any) -> list[dict[str, Any]]:
    """Return the drop-downs above a list: each filter's options and the chosen values."""
    controls = []
    for spec in registry.filters:
        if not spec.shown:
            continue
        if spec.kind == "flag":
            options = [("1", _("是")), ("0", _("否"))]
        elif spec.kind == "relation":
            assert spec.model is not None
            choices = visible(user, spec.model._default_manager.all())
            options = [(str(obj.pk), str(obj)) for obj in choices]
        else:
            options = [(value, str(label)) for value, label in spec.choices]
        controls.append(
            {
                "param": spec.param,
                "label": spec.label,
                "options": options,
                "selected": params.getlist(spec.param),
            }
        )
    return controls


def _headers(registry: Registry, sort: str, params: Any, user: Any) -> list[dict[str, Any]]:
    # A column the user sees masked is no sort link (issue 9, finding 2).
    sortable = sort_options(registry, user)
    headers = []
    for column in registry.columns:
        label = column.header or field_label(registry.model, column.field)
        entry: dict[str, Any] = {"label": label, "url": None, "direction": ""}
        if column.field in sortable:
            query = params.copy()
            query.pop("page", None)
            descending = sort == column.field
            query["sort"] = f"-{column.field}" if descending else column.field
            entry["url"] = f"?{query.urlencode()}"
            if sort.removeprefix("-") == column.field:
                entry["direction"] = "desc" if sort.startswith("-") else "asc"
        headers.append(entry)
    return headers


def row_cells(registry: Registry, record: Model, user: Any, count: int = 0) -> list[list[Item]]:
    """Return the list cells of ``record`` (the first ``count`` columns, 0 = all)."""
    columns = registry.columns[:count] if count else registry.columns
    cells = []
    for column in columns:
        if column.counts is not None:
            # Annotated by list_query; a record read without it (a detail page's section) is
            # counted on its own.
            total = getattr(record, column.field, None)
            if total is None:
                total = records(user, column.counts.slug, {column.counts.param: record.pk}).count()
            url = list_url(column.counts.slug, {column.counts.param: record.pk})
            cells.append([Item(str(total), url)])
            continue
        items = cell(record, column.field, user, registry)
        if column.link:
            link = detail_url(record)
            items = [Item(item.text, link) for item in items] or [Item(str(record), link)]
        cells.append(items)
    return cells


class ListPage(RegistryView):
    def get(self, request: HttpRequest) -> HttpResponse:
        role = self.check_read()
        registry = self.registry
        query = list_query(registry, self.user, request.GET)
        paginator = Paginator(query.queryset, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        headers = _headers(registry, query.sort, request.GET, self.user)
        # Each cell carries its header: phones show every row as a labelled card.
        rows = [
            (
                record,
                [
                    {"label": header["label"], "items": items}
                    for header, items in zip(
                        headers, row_cells(registry, record, self.user), strict=True
                    )
                ],
            )
            for record in page.object_list
        ]
        quantity_total = None
        quantity_by_kind: list[tuple[str, int]] = []
        if registry.quantity_field:
            totals = query.queryset.aggregate(total=Sum(registry.quantity_field))
            quantity_total = totals["total"] or 0
        if registry.quantity_field and registry.quantity_kind:
            quantity_by_kind = _subtotals(registry, query.queryset)
        export_query = request.GET.copy()
        export_query.pop("page", None)
        shown = {control.param for control in registry.filters if control.shown}
        # Parameters the filter form has no control for (sort, KPI, links from other pages)
        # travel as hidden inputs, so searching within a linked list keeps it narrowed.
        kept = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in shown and key not in ("q", "page", *DATE_PARAMS)
            for value in values
        ]
        return self.render(
            [f"web/registry/{registry.slug}_list.html", "web/registry/list.html"],
            page=page,
            paginator=paginator,
            rows=rows,
            headers=headers,
            query=query,
            filters=_filter_controls(registry, self.user, request.GET),
            quantity_total=quantity_total,
            # Several kinds: people, person-times and delegations do not add up.
            quantity_by_kind=quantity_by_kind if len(quantity_by_kind) > 1 else [],
            quantity_label=(
                field_label(registry.model, registry.quantity_field)
                if registry.quantity_field
                else ""
            ),
            can_create=can_create(self.user, registry.model),
            actions=_actions(registry.list_actions, self.user),
            can_import=role is Role.ADMIN,
            export_query=export_query.urlencode(),
            kept_params=kept,
            dated=dated(registry.model),
            date_from=request.GET.get("from", ""),
            date_to=request.GET.get("to", ""),
        )


# ----- detail --------------------------------------------------------------------------------
def _detail_fields(registry: Registry, user: Any) -> tuple[str, ...]:
    names = registry.detail_fields or tuple(registry.form._meta.fields or ())
    hidden = hidden_fields(user, registry.model)  # 出生日期精度 for all but administrators
    return tuple(name for name in names if name not in hidden)


def _actions(
    actions: tuple[Action, ...], user: Any, record: Model | None = None
) -> list[dict[str, Any]]:
    """Return the declared buttons ``user`` gets, with their links (None: the list's)."""
    shown = []
    for action in actions:
        if action.shown_to is not None and not action.shown_to(user, record):
            continue
        url = soft_reverse(action.url_name, args=() if record is None else (record.pk,))
        if url:
            shown.append({"label": action.label, "url": url})
    return shown


def _related_sections(registry: Registry, record: Model, user: Any) -> list[dict[str, Any]]:
    sections = []
    for related in registry.related:
        if related.when is not None and not related.when(record):
            continue
        if not may_read(user, related.slug):
            continue
        target = registries_by_slug()[related.slug]
        params = {related.param: record.pk}
        shown = records(user, related.slug, params)
        total = shown.count()
        columns = min(4, len(target.columns))
        sections.append(
            {
                "label": related.label,
                "total": total,
                "url": list_url(related.slug, params),
                "headers": [
                    c.header or field_label(target.model, c.field) for c in target.columns[:columns]
                ],
                "rows": [row_cells(target, obj, user, columns) for obj in shown[:RELATED_ROWS]],
            }
        )
    return sections


def _inlines(registry: Registry, record: Model, user: Any) -> list[dict[str, Any]]:
    result = []
    for inline in registry.inlines:
        manager = getattr(record, inline.accessor)
        model = manager.model
        result.append(
            {
                "label": inline.label,
                "headers": [field_label(model, name) for name in inline.fields],
                "rows": [
                    [cell(obj, name, user) for name in inline.fields] for obj in manager.all()
                ],
            }
        )
    return result


class DetailPage(RegistryView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_read()
        registry = self.registry
        record = self.get_record(pk)
        fields = [
            {
                "label": field_label(record, name),
                "items": cell(record, name, self.user, registry),
                # Long texts (简介, 问题描述) take the full width of the card.
                "wide": isinstance(record._meta.get_field(name), TextField),
            }
            for name in _detail_fields(registry, self.user)
        ]
        editable = can_change(self.user, record)
        return self.render(
            [f"web/registry/{registry.slug}_detail.html", "web/registry/detail.html"],
            record=record,
            fields=fields,
            related_sections=_related_sections(registry, record, self.user),
            inlines=_inlines(registry, record, self.user),
            can_edit=editable,
            can_delete=editable,
            actions=_actions(registry.detail_actions, self.user, record),
        )


# ----- create / edit -------------------------------------------------------------------------
class FormPage(RegistryView):
    """Create (no ``pk``) or edit a record with the registry's ModelForm."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.check_read()
        pk = kwargs.get("pk")
        if pk is None:
            self.record = None
            if not can_create(self.user, self.registry.model):
                raise PermissionDenied
        else:
            self.record = self.get_record(pk)
            if not can_change(self.user, self.record):
                raise PermissionDenied
        self.form_class = form_class(self.registry, self.user, self.record)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        return self.show(self.form_class(instance=self.record))

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        form = self.form_class(request.POST, request.FILES, instance=self.record)
        if form.is_valid():
            with transaction.atomic():
                record = form.save(commit=False)
                if not can_change(self.user, record):
                    form.add_error(None, _("您只能保存属于本人或本企业的记录。"))
                    transaction.set_rollback(True)
                    return self.show(form)
                record.save()
                form.save_m2m()
                if self.record is None and self.registry.after_create is not None:
                    self.registry.after_create(self.user, record)
            if self.record is None:
                messages.success(request, _("已新建“%(record)s”。") % {"record": record})
            else:
                messages.success(request, _("已保存“%(record)s”。") % {"record": record})
            return redirect(f"web:{self.registry.slug}-detail", record.pk)
        return self.show(form)

    def show(self, form: Any) -> HttpResponse:
        return self.render("web/registry/form.html", form=form, record=self.record)


class DeletePage(RegistryView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.check_read()
        self.record = self.get_record(kwargs["pk"])
        if not can_change(self.user, self.record):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render("web/registry/delete.html", record=self.record)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        name = str(self.record)
        try:
            with transaction.atomic():
                self.record.delete()
        except (ProtectedError, RestrictedError) as exc:
            blockers = sorted({str(obj._meta.verbose_name) for obj in exc.args[1]})
            messages.error(
                request,
                _("无法删除“%(record)s”：仍有%(blockers)s引用它，请先处理这些记录。")
                % {"record": name, "blockers": "、".join(blockers)},
            )
            return redirect(f"web:{self.registry.slug}-detail", pk)
        messages.success(request, _("已删除“%(record)s”。") % {"record": name})
        return redirect(f"web:{self.registry.slug}-list")


# ----- export --------------------------------------------------------------------------------
class ExportPage(RegistryView):
    """The current list (same filters, search and order) as an .xlsx in the import columns."""

    def get(self, request: HttpRequest) -> HttpResponse:
        from tepai.web.exporting import export_list

        self.check_read()
        query = list_query(self.registry, self.user, request.GET)
        export = export_list(self.registry, self.user, query)
        conditions = [f"{active.label}：{active.value}" for active in query.active]
        if query.q:
            conditions.append(_("搜索：%(q)s") % {"q": query.q})
        audit(
            "export",
            request,
            detail={
                "registry": self.registry.slug,
                "format": "xlsx",
                "rows": export.rows,
                "personal_data_unmasked": export.unmasked,
                "note": "；".join(conditions) or _("全部（当前用户可见范围）"),
            },
        )
        response = HttpResponse(
            export.data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(True, export.filename)
        return response


def _subtotals(registry: Registry, queryset: QuerySet) -> list[tuple[str, int]]:
    """Return (kind label, summed quantity) per kind of the listed records, largest first."""
    kind, quantity = registry.quantity_kind, registry.quantity_field
    assert kind is not None and quantity is not None
    kind_field = registry.model._meta.get_field(kind)
    assert isinstance(kind_field, Field)  # a column of the listed model's own, with choices
    labels = dict(kind_field.flatchoices)
    rows = queryset.order_by().values_list(kind).annotate(total=Sum(quantity))
    found = [(str(labels.get(value, value)), total or 0) for value, total in rows]
    return sorted(found, key=lambda item: -item[1])
