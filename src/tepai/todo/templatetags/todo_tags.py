"""Template tags of the to-do list: the top-bar badge and the dashboard panel."""

from __future__ import annotations

from typing import Any

from django import template

from tepai.accounts.roles import role_of
from tepai.todo.service import counts_for, groups_for_request

register = template.Library()

# The dashboard panel lists this many items per kind (the /todo/ page has them all).
PANEL_LIMIT = 5


@register.inclusion_tag("todo/includes/badge.html", takes_context=True)
def todo_badge(context: Any) -> dict[str, Any]:
    request = context.get("request")
    if request is None or role_of(request.user) is None:
        return {"shown": False}
    counts = counts_for(request)
    return {
        "shown": True,
        "counts": counts,
        "total": counts.todo + counts.unread,
        "active": context.get("nav_current") == "todo",
    }


@register.inclusion_tag("todo/includes/panel.html", takes_context=True)
def todo_panel(context: Any) -> dict[str, Any]:
    request = context["request"]
    groups = groups_for_request(request, limit=PANEL_LIMIT)
    return {
        "request": request,
        "groups": groups,
        "counts": counts_for(request),
        "csrf_token": context.get("csrf_token"),
    }
