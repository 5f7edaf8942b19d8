"""The auditor's page: search the log, newest first, with before/after shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tepai.accounts.decorators import role_required
from tepai.accounts.roles import Role
from tepai.audit import actions
from tepai.audit.display import (
    DiffRow,
    RelatedNames,
    detail_rows,
    diff_rows,
    model_name,
    related_names,
)
from tepai.audit.forms import AuditSearchForm
from tepai.audit.models import AuditEntry
from tepai.core.personal_data import mask_text

PAGE_SIZE = 50


@dataclass(frozen=True)
class EntryView:
    """One entry as the page shows it: labels resolved and personal data masked."""

    entry: AuditEntry
    action: str
    model: str
    object: str
    actor: str
    path: str
    rows: list[DiffRow]
    detail: list[tuple[str, str]]


def _view(entry: AuditEntry, names: RelatedNames) -> EntryView:
    return EntryView(
        entry=entry,
        action=actions.label(entry.action),
        model=model_name(entry.model_label) if entry.model_label else "",
        object=mask_text(entry.object_repr),
        # Failed logins keep what was typed as the user name, often a phone number.
        actor=mask_text(entry.actor_username),
        path=mask_text(entry.path),
        rows=diff_rows(entry, names),
        detail=detail_rows(entry),
    )


@role_required(Role.AUDITOR, Role.ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    """Return the audit log page filtered by the query string."""
    form = AuditSearchForm(request.GET)
    entries = form.filter(AuditEntry.objects.order_by("-at", "-id"))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    names = related_names(shown)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "entries": [_view(entry, names) for entry in shown],
            "query": query.urlencode(),
        },
    )
