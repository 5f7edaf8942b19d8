"""The enterprise's workspace (/company/): post demands, follow them, answer, rate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepai.accounts.decorators import role_required
from tepai.accounts.roles import Role
from tepai.demands.models import Demand, DemandStatus
from tepai.engagements import services
from tepai.engagements.forms import AnswerForm, CompanyDemandForm, RatingForm
from tepai.engagements.models import OPEN_STATUSES, Proposal
from tepai.engagements.views.common import my_enterprise
from tepai.projects.models import Project


@role_required(Role.ENTERPRISE)
def workspace(request: HttpRequest) -> HttpResponse:
    mine = my_enterprise(request)
    demands = Demand.objects.filter(enterprise=mine).order_by("-created_at")
    waiting = (
        Proposal.objects.filter(
            demand__enterprise=mine, status__in=OPEN_STATUSES, enterprise_response=""
        )
        .select_related("demand", "commissioner__institution")
        .order_by("-created_at")
    )
    projects = list(
        Project.objects.filter(enterprise=mine)
        .select_related("demand", "rating")
        .prefetch_related("commissioners")
        .order_by("-signed_on")
    )
    for project in projects:
        project.completed = services.is_completed(project)  # type: ignore[attr-defined]
    return render(
        request,
        "engagements/company.html",
        {
            "enterprise": mine,
            "demands": demands,
            "waiting": waiting,
            "projects": projects,
            "answer_form": AnswerForm(),
            "rating_form": RatingForm(),
        },
    )


def _my_demand(request: HttpRequest, pk: int) -> Demand:
    # Another enterprise's demand is "not found", not "forbidden": its existence is not ours
    # to reveal.
    return get_object_or_404(Demand, pk=pk, enterprise=my_enterprise(request))


@role_required(Role.ENTERPRISE)
def demand_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Post a new demand, or edit one sent back (草稿); saving submits it for review."""
    mine = my_enterprise(request)
    demand = _my_demand(request, pk) if pk is not None else None
    if demand is not None and demand.status != DemandStatus.DRAFT:
        messages.error(request, _("只有退回修改的需求可以修改"))
        return redirect("engagements:company-demand", pk=demand.pk)
    form = CompanyDemandForm(request.POST or None, instance=demand, enterprise=mine)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.submit_demand(form.save(commit=False), request.user)
        except services.EngagementError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("需求已提交，等待管理员审核"))
            return redirect("engagements:company-demand", pk=saved.pk)
    return render(request, "engagements/company_demand_form.html", {"form": form, "demand": demand})


@role_required(Role.ENTERPRISE)
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _my_demand(request, pk)
    proposals = demand.proposals.select_related("commissioner__institution", "project")
    return render(
        request,
        "engagements/company_demand.html",
        {
            "demand": demand,
            "transitions": demand.transitions.select_related("by").order_by("at", "id"),
            "proposals": proposals,
            "answer_form": AnswerForm(),
        },
    )


@require_POST
@role_required(Role.ENTERPRISE)
def rate_project(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk, enterprise=my_enterprise(request))
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("评分：请选择1到5分"))
        return redirect("engagements:company")
    try:
        services.rate(
            project, request.user, form.cleaned_data["score"], form.cleaned_data["comment"]
        )
    except services.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except services.EngagementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("感谢您的评价"))
    return redirect("engagements:company")
