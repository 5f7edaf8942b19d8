"""The demand matching page (admin): recommendations, team, outcomes, proposals; 推荐对接."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepai.accounts.decorators import role_required
from tepai.accounts.roles import Role, role_of
from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand
from tepai.engagements import services
from tepai.engagements.models import Proposal
from tepai.engagements.shortlist import MatchingFilters, demand_matching
from tepai.engagements.views.common import back
from tepai.institutions.models import Institution
from tepai.programs.models import Batch, InnovationCentre


def _choice(request: HttpRequest, name: str, allowed: list[str]) -> str | None:
    """Return the filter value ``name`` if it is one of ``allowed`` (else None: ignored)."""
    value = request.GET.get(name, "").strip()
    return value if value in allowed else None


@role_required(Role.ADMIN, Role.AUDITOR)
def demand_matching_page(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_object_or_404(Demand.objects.select_related("enterprise"), pk=pk)
    # Choices come from the registries, so a hand-written URL can only pick among them.
    batches = list(Batch.objects.order_by("dispatch_date", "name").values_list("name", flat=True))
    centres = list(InnovationCentre.objects.order_by("name").values_list("name", flat=True))
    institutions = list(
        Institution.objects.filter(commissioners__isnull=False)
        .distinct()
        .order_by("name_sort", "name")
        .values_list("name", flat=True)
    )
    filters = MatchingFilters(
        batch=_choice(request, "batch", batches),
        centre=_choice(request, "centre", centres),
        institution=_choice(request, "institution", institutions),
        include_full=request.GET.get("full") == "1",
    )
    data = demand_matching(demand, filters=filters)
    return render(
        request,
        "engagements/demand_matching.html",
        {
            "demand": demand,
            "data": data,
            "filters": filters,
            "batches": batches,
            "centres": centres,
            "institutions": institutions,
            "include_full": filters.include_full,
            "is_admin": role_of(request.user) is Role.ADMIN,
            "can_propose": role_of(request.user) is Role.ADMIN
            and demand.status in services.PROPOSABLE,
        },
    )


@require_POST
@role_required(Role.ADMIN)
def propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_object_or_404(Demand, pk=pk)
    person = get_object_or_404(Commissioner, pk=request.POST.get("commissioner") or 0)
    try:
        services.propose(demand, person, request.user, request=request)
    except services.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except services.EngagementError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("已向特派员%(name)s推荐对接需求“%(title)s”")
            % {"name": person.name, "title": demand.title},
        )
    return redirect("engagements:demand-matching", pk=demand.pk)


@require_POST
@role_required(Role.ADMIN)
def withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    try:
        services.withdraw(proposal, request.user, request=request)
    except services.EngagementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已撤回推荐"))
    return back(request, reverse("engagements:demand-matching", args=[proposal.demand_id]))
