"""Demand lists (需求发布): compose from reviewed demands, publish, assign globally, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepai.accounts.decorators import role_required
from tepai.accounts.roles import Role
from tepai.commissioners.models import Commissioner
from tepai.demands.models import DemandList
from tepai.engagements import services
from tepai.engagements.assignment import (
    confirm_pairs,
    list_demands,
    parse_pairs,
    run_assignment,
)
from tepai.engagements.forms import AssignmentForm, DemandListComposeForm

# How many "add a pair" rows the assignment page offers.
ADD_ROWS = 3


@role_required(Role.ADMIN)
def list_index(request: HttpRequest) -> HttpResponse:
    form = DemandListComposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        demand_list = form.save()
        messages.success(request, _("已创建需求发布批次“%(name)s”") % {"name": demand_list.name})
        return redirect("engagements:list-detail", pk=demand_list.pk)
    lists = DemandList.objects.annotate(size=Count("demands")).order_by("-created_at")
    return render(request, "engagements/lists.html", {"lists": lists, "form": form})


@role_required(Role.ADMIN)
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand_list = get_object_or_404(DemandList, pk=pk)
    form = DemandListComposeForm(request.POST or None, instance=demand_list)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存"))
        return redirect("engagements:list-detail", pk=pk)
    demands = demand_list.demands.select_related("enterprise").order_by("pk")
    return render(
        request,
        "engagements/list_detail.html",
        {
            "demand_list": demand_list,
            "demands": demands,
            "form": form,
            "proposals": demand_list.proposals.select_related("demand", "commissioner"),
        },
    )


@require_POST
@role_required(Role.ADMIN)
def list_publish(request: HttpRequest, pk: int) -> HttpResponse:
    demand_list = get_object_or_404(DemandList, pk=pk)
    if not list_demands(demand_list):
        messages.error(request, _("发布失败：批次中没有已审核发布的需求"))
    elif demand_list.published_on:
        messages.info(request, _("该批次已于%(day)s发布") % {"day": demand_list.published_on})
    else:
        demand_list.published_on = timezone.localdate()
        demand_list.save(update_fields=["published_on", "updated_at"])
        messages.success(request, _("已发布需求发布批次“%(name)s”") % {"name": demand_list.name})
    return redirect("engagements:list-detail", pk=pk)


@role_required(Role.ADMIN)
def list_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the assignment with the constraints in the query string and show its pairings."""
    demand_list = get_object_or_404(DemandList, pk=pk)
    form = AssignmentForm(request.GET if "max_load" in request.GET else None)
    run = None
    if not demand_list.published_on:
        messages.error(request, _("请先发布该需求发布批次，再进行分配"))
        return redirect("engagements:list-detail", pk=pk)
    if form.is_bound and form.is_valid():
        run = run_assignment(demand_list, **form.cleaned_data)
    demands = list_demands(demand_list)
    return render(
        request,
        "engagements/assign.html",
        {
            "demand_list": demand_list,
            "form": form,
            "run": run,
            "demands": demands,
            "commissioners": Commissioner.objects.select_related("institution").order_by(
                "name_sort", "name"
            ),
            "add_rows": range(ADD_ROWS),
        },
    )


@require_POST
@role_required(Role.ADMIN)
def list_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose the kept pairings plus any added pairs, all or nothing."""
    demand_list = get_object_or_404(DemandList, pk=pk)
    chosen = request.POST.getlist("pair")
    for row in range(ADD_ROWS):
        demand = request.POST.get(f"add_demand_{row}")
        person = request.POST.get(f"add_person_{row}")
        if demand and person:
            chosen.append(f"{demand}:{person}")
    options = {
        key: request.POST.get(key, "")
        for key in ("max_load", "per_demand_min", "per_demand_max", "fair")
    }
    try:
        created = confirm_pairs(
            demand_list, parse_pairs(chosen), request.user, request=request, options=options
        )
    except services.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except services.EngagementError as error:
        messages.error(request, _("未创建任何推荐：%(error)s") % {"error": error})
        return redirect("engagements:list-detail", pk=pk)
    messages.success(request, _("已创建 %(count)d 条推荐对接") % {"count": len(created)})
    return redirect("engagements:list-detail", pk=pk)
