"""One :class:`Registry` per kind of record: everything tepai derives a registry's parts from.

An app declares its registries in its own ``registry.py`` (see :mod:`.discovery`); the
import command, the web pages, the API, the main menu and the permission rules read the
declaration instead of keeping lists of their own, so adding a registry touches one folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Model, Q, QuerySet

from tepai.core.registries.pages import Filter, Inline, Label, ListColumn, Related

if TYPE_CHECKING:
    from tepai.api.crud import Endpoints
    from tepai.core.importing.base import Importer

# (the queryset being narrowed, the user's own commissioner or enterprise id) → its condition
ReadRule = Callable[[QuerySet, int | None], Q]
# (a record, the user's own commissioner or enterprise id) → may they change it
ChangeRule = Callable[[Any, int | None], bool]


@dataclass(frozen=True)
class Access:
    """What commissioners and enterprises may do with one kind of record.

    Administrators do everything and auditors read everything (tepai.accounts.permissions);
    the other two roles read nothing and change nothing unless a rule here says so. A read
    rule narrows a queryset; ``open_to_all`` records (public programme information) are read
    by every signed-in role.
    """

    open_to_all: bool = False
    commissioner_reads: ReadRule | None = None
    enterprise_reads: ReadRule | None = None
    commissioner_changes: ChangeRule | None = None
    enterprise_changes: ChangeRule | None = None
    commissioner_creates: bool = False
    enterprise_creates: bool = False


@dataclass(frozen=True)
class Menu:
    """An entry of the main menu; the registries naming the same key share it as tabs."""

    key: str
    label: Label
    # Place among all entries (tepai.web.nav gives the other apps' entries theirs).
    order: int
    # Views (name prefixes, e.g. "engagements:review") whose pages belong to this entry.
    views: tuple[str, ...] = ()


@dataclass(frozen=True)
class Action:
    """A button on a registry's list or a record's page that opens a workflow's page.

    ``url_name`` is reversed with the record's id on a detail page and without arguments on
    the list; a page that does not exist (its app not installed) shows no button.
    ``shown_to`` decides per user (and record, on a detail page; None on the list).
    """

    label: Label
    url_name: str
    shown_to: Callable[[Any, Any], bool] | None = None


@dataclass(frozen=True)
class Registry:
    """One kind of record (特派员, 企业, 需求 …): its model, form, importer, pages, API, access."""

    slug: str
    model: type[Model]
    form: type[forms.ModelForm]
    # Reads and writes the registry's spreadsheet (`tepai import/export/template <slug>`).
    importer: type[Importer]
    # The list page: columns, search, filters; the detail page: fields, related sections.
    columns: tuple[ListColumn, ...]
    # The registries whose records this one's spreadsheet names (a project names its
    # enterprise and commissioners): imported first, and listed first on the import page.
    after: tuple[str, ...] = ()
    access: Access = field(default_factory=Access)
    menu: Menu | None = None
    # The line under a record found by the site search (what tells two records of the same
    # name apart); None keeps the registry out of the site search.
    site_search: Callable[[Any], str] | None = None
    # The API's list/detail/create/update endpoints; None = not in the API.
    api: Endpoints | None = None
    search: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # The date the dashboard's "by month/year" figures use (?period=2024-05).
    date_field: str | None = None
    # A quantity the list sums (工作记录的数量, which the KPIs add up).
    quantity_field: str | None = None
    # The choice field whose kinds count different things (人, 人次, 批次 …): a list holding
    # several kinds shows a subtotal per kind instead of one meaningless sum.
    quantity_kind: str | None = None
    related: tuple[Related, ...] = ()
    inlines: tuple[Inline, ...] = ()
    # Buttons to the workflows' pages: on the list, and on each record's page.
    list_actions: tuple[Action, ...] = ()
    detail_actions: tuple[Action, ...] = ()
    # Fields the detail page shows (default: the form's fields).
    detail_fields: tuple[str, ...] = ()
    # Personal fields are declared once, in tepai.core.personal_data.PERSONAL_FIELDS.
    # Called after a record is created through the web form (request user, record).
    after_create: Callable[[Any, Any], None] | None = None

    @property
    def label(self) -> Label:
        label = self.model._meta.verbose_name_plural
        assert label is not None  # Django fills it in from verbose_name
        return label

    @property
    def label_singular(self) -> Label:
        label = self.model._meta.verbose_name
        assert label is not None  # Django fills it in from the class name
        return label

    @property
    def model_label(self) -> str:
        """ "app_label.modelname", the key the permission rules are found by."""
        return self.model._meta.label_lower

    def base_queryset(self) -> QuerySet:
        """Return every record with the joins the list and export need."""
        queryset = self.model._default_manager.all()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def filter(self, param: str) -> Filter | None:
        return next((f for f in self.filters if f.param == param), None)
