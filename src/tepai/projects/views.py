"""The contract step's pages: drafts waiting, completing a draft, confirming it, its scan.

``/contracts/`` lists the drafts the user may act on (administrators: all; an enterprise: its
own); ``/contracts/<pk>/`` completes one (and, for administrators, confirms it);
``/contracts/<pk>/scan/`` sends its scan to anyone who may read the project. The rules are
those of :mod:`tepai.projects.contracts`, which the API calls too.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tepai.accounts.decorators import role_required
from tepai.accounts.permissions import visible
from tepai.accounts.roles import Role, role_of
from tepai.projects import contracts
from tepai.projects.forms import ContractForm
from tepai.projects.models import Project
from tepai.projects.scans import read_stored_scan

# The scan is shown as a PDF download or an image, nothing else: no script, style or frame.
SCAN_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@role_required(Role.ADMIN, Role.ENTERPRISE)
def contract_list(request: HttpRequest) -> HttpResponse:
    """List the draft contracts waiting for this user: to complete, or to confirm."""
    drafts = contracts.awaiting_confirmation(request.user).prefetch_related("commissioners")
    admin = role_of(request.user) is Role.ADMIN
    return render(request, "projects/contracts.html", {"drafts": drafts, "user_is_admin": admin})


def _readable(request: HttpRequest, pk: int) -> Project:
    # A project the user may not read "does not exist" for them.
    project: Project = get_object_or_404(
        visible(request.user, Project.objects.select_related("enterprise", "demand")), pk=pk
    )
    return project


def contract_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete a draft contract (its enterprise, administrators); administrators confirm it."""
    project = _readable(request, pk)
    if not project.is_draft:
        messages.info(request, _("该合同已确认"))
        return redirect("web:projects-detail", pk=project.pk)
    if not contracts.can_complete(request.user, project):
        raise PermissionDenied(_("只有合同所属企业或管理员可以完善待确认的合同"))
    may_confirm = contracts.can_confirm(request.user, project)
    form = ContractForm(request.POST or None, request.FILES or None, instance=project)
    if request.method == "POST" and form.is_valid():
        confirming = request.POST.get("action") == "confirm"
        if confirming and not may_confirm:
            raise PermissionDenied(_("只有管理员可以确认合同"))
        details = {name: form.cleaned_data[name] for name in contracts.EDITABLE_FIELDS}
        scan = form.cleaned_data.get("attachment")
        try:
            # One step for the administrator's 保存并确认: nothing is kept if confirming fails.
            with transaction.atomic():
                saved = contracts.complete(
                    project,
                    request.user,
                    details,
                    attachment=scan if isinstance(scan, ContentFile) else None,
                    request=request,
                )
                if confirming:
                    saved = contracts.confirm(saved, request.user, request=request)
        except contracts.NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except contracts.ContractError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error))
        else:
            if confirming:
                messages.success(
                    request,
                    _("合同“%(title)s”已确认，计入工作成效统计") % {"title": saved.title},
                )
                return redirect("web:projects-detail", pk=saved.pk)
            messages.success(
                request,
                _("合同信息已保存，等待管理员确认")
                if not may_confirm
                else _("合同信息已保存，尚未确认"),
            )
            return redirect("projects:contract", pk=saved.pk)
    return render(
        request,
        "projects/contract_form.html",
        {"project": project, "form": form, "may_confirm": may_confirm},
    )


def contract_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a contract's scan to anyone who may read the project: a PDF as a download."""
    project = _readable(request, pk)
    if not project.attachment:
        raise Http404
    scan = read_stored_scan(project.attachment)
    if scan is None:
        raise Http404
    response = HttpResponse(scan.content, content_type=scan.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    disposition = "attachment" if scan.extension == "pdf" else "inline"
    response["Content-Disposition"] = (
        f'{disposition}; filename="contract-{project.pk}.{scan.extension}"'
    )
    response["Content-Security-Policy"] = SCAN_CSP
    return response
