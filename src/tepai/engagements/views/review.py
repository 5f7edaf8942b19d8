"""The review queue (admin): demands 待审核 are published or sent back with a note.

One demand at a time (``review/<pk>/``), or several at once (a POST to the queue itself):
the bulk decision moves every selected demand through the same workflow, all of them or
none, and names the demand that cannot move.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tepai.accounts.decorators import role_required
from tepai.accounts.roles import Role
from tepai.demands.models import Demand, DemandStatus
from tepai.engagements import services
from tepai.engagements.forms import ReviewForm


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMIN)
def review_queue(request: HttpRequest) -> HttpResponse:
    """The demands waiting for review (GET); publish or return the selected ones (POST)."""
    if request.method == "POST":
        _review_selected(request)
        return redirect("engagements:review")
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


def _review_selected(request: HttpRequest) -> None:
    """Publish or return every demand ticked in the queue, in one transaction."""
    form = ReviewForm(request.POST)
    raw_ids = request.POST.getlist("demand")
    if not raw_ids:
        messages.error(request, _("所选需求：请至少勾选一项需求。"))
        return
    if not all(value.isascii() and value.isdigit() and len(value) <= 18 for value in raw_ids):
        messages.error(request, _("所选需求：编号无效，请刷新页面后重新勾选。"))
        return
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, _("%(field)s：%(error)s") % {"field": form[name].label, "error": error}
                )
        return
    ids = sorted({int(value) for value in raw_ids})
    demands = list(Demand.objects.filter(pk__in=ids).order_by("pk"))
    if len(demands) != len(ids):
        messages.error(request, _("所选需求：部分需求已不存在，请刷新页面后重新勾选。"))
        return
    publish = form.cleaned_data["decision"] == "publish"
    note = form.cleaned_data["note"]
    try:
        with transaction.atomic():
            for demand in demands:
                try:
                    services.review(demand, publish, request.user, note)
                except services.EngagementError as error:
                    raise _DemandRefused(demand, error) from error
    except _DemandRefused as refused:
        message = (
            _("未做任何变更：需求“%(title)s”不能发布（%(error)s）。")
            if publish
            else _("未做任何变更：需求“%(title)s”不能退回（%(error)s）。")
        )
        messages.error(request, message % {"title": refused.demand.title, "error": refused.error})
        return
    done = (
        ngettext("已发布 %(count)d 项需求。", "已发布 %(count)d 项需求。", len(demands))
        if publish
        else ngettext(
            "已退回 %(count)d 项需求，企业可修改后重新提交。",
            "已退回 %(count)d 项需求，企业可修改后重新提交。",
            len(demands),
        )
    )
    messages.success(request, done % {"count": len(demands)})


class _DemandRefused(Exception):
    """One selected demand could not move; the whole bulk decision is rolled back."""

    def __init__(self, demand: Demand, error: Exception) -> None:
        super().__init__(str(error))
        self.demand = demand
        self.error = error
