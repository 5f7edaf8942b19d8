"""The dashboard (总览) at ``/``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from tepai.programs.models import Batch
from tepai.web.dashboard import build_dashboard
from tepai.web.views.common import require_role


def _chosen_batch(request: HttpRequest) -> Batch | None:
    """Return the batch of ``?batch=<id>``; "all" is the whole programme; default the latest."""
    token = request.GET.get("batch", "")
    if token == "all":
        return None
    if token:
        try:
            return Batch.objects.get(pk=int(token))
        except (ValueError, Batch.DoesNotExist):
            raise Http404 from None
    return Batch.objects.order_by("-dispatch_date", "-pk").first()


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require_role(request)
    granularity = "year" if request.GET.get("by") == "year" else "month"
    board = build_dashboard(request.user, _chosen_batch(request), granularity)
    return TemplateResponse(
        request, "web/dashboard.html", {"board": board, "nav_current": "dashboard"}
    )
