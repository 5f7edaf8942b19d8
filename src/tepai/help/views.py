"""The help pages. Every signed-in user may read every page (sign-in is enforced site-wide)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import select_template

from tepai.accounts.roles import role_of
from tepai.core.choices import IndustryCluster
from tepai.help.topics import TOPICS, TOPICS_BY_SLUG, topic_for_role
from tepai.reports.kpi import KPI_DEFINITIONS


def index(request: HttpRequest) -> HttpResponse:
    """Return the index of the help pages, the page for the viewer's own role first."""
    mine = topic_for_role(role_of(request.user))
    return render(
        request, "help/index.html", {"topics": TOPICS, "mine": mine, "nav_current": "help"}
    )


def topic(request: HttpRequest, slug: str) -> HttpResponse:
    """Return help page ``slug`` in the active language (Chinese if it is not written yet)."""
    page = TOPICS_BY_SLUG.get(slug)
    if page is None:
        raise Http404(slug)
    body = select_template(page.templates())
    context = {
        "topic": page,
        "topics": TOPICS,
        "mine": topic_for_role(role_of(request.user)),
        "kpis": KPI_DEFINITIONS,
        # The glossary names the clusters as the records label them (and translate them).
        "clusters": [label for value, label in IndustryCluster.choices if value != "other"],
        "nav_current": "help",
    }
    return render(request, body.template.name, context)
