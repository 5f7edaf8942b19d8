"""The review queue (admin): demands 待审核 are published or sent back with a note."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepai.accounts.decorators import role_required
from tepai.accounts.roles import Role
from tepai.demands.models import Demand, DemandStatus
from tepai.engagements import services
from tepai.engagements.forms import ReviewForm


@role_required(Role.ADMIN)
def review_queue(request: HttpRequest) -> HttpResponse:
    pending = (
        Demand.objects.filter(status=DemandStatus.PENDING_REVIEW)
        .select_related("enterprise")
        .prefetch_related("transitions")
        .order_by("updated_at", "pk")
    )
    return render(
        request, "engagements/review_queue.html", {"demands": pending, "form": ReviewForm()}
    )


@require_POST
@role_required(Role.ADMIN)
def review_demand(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_object_or_404(Demand, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(
                    request, _("“%(title)s”：%(error)s") % {"title": demand.title, "error": error}
                )
        return redirect("engagements:review")
    publish = form.cleaned_data["decision"] == "publish"
    try:
        services.review(demand, publish, request.user, form.cleaned_data["note"])
    except services.EngagementError as error:
        messages.error(request, str(error))
    else:
        done = _("需求“%(title)s”已发布") if publish else _("需求“%(title)s”已退回企业修改")
        messages.success(request, done % {"title": demand.title})
    return redirect("engagements:review")
