"""The search page: ``/search/?q=`` across the registries the user may read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.template.response import TemplateResponse

from tepai.search.query import MAX_LENGTH, SearchError, clean, search
from tepai.web.views.common import require_role


@login_required
def search_page(request: HttpRequest) -> TemplateResponse:
    """Show the records matching ``q``, grouped by kind with counts; GET only, reads nothing
    the user's role may not read (a signed-in user without a role gets 403)."""
    require_role(request)
    raw = request.GET.get("q", "")
    context = {"q": " ".join(raw.split()), "groups": [], "error": "", "max_length": MAX_LENGTH}
    status = 200
    try:
        text = clean(raw)
    except SearchError as error:
        context["error"] = str(error)
        status = 400
    else:
        if text:
            groups = search(request.user, text)
            context["groups"] = groups
            context["total"] = sum(group.count for group in groups)
    return TemplateResponse(request, "search/results.html", context, status=status)
