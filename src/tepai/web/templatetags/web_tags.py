"""Template tags of the web shell: the menu, query strings, cells."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from tepai.accounts.roles import role_of
from tepai.web.nav import main_nav, soft_reverse
from tepai.web.registries.cells import Item

register = template.Library()


@register.inclusion_tag("web/includes/nav.html", takes_context=True)
def site_nav(context: template.Context) -> dict[str, Any]:
    """Render the menu of the signed-in user's role, the current entry highlighted."""
    request = context.get("request")
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    current = str(context.get("nav_current") or "")
    return {
        "links": main_nav(user, current, view_name) if user is not None else [],
        "user": user,
        "role": role.label if role is not None else "",
        "logout_url": soft_reverse("logout"),
        "password_url": soft_reverse("password_change"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """Return the current query string with ``changes`` applied (None removes a parameter).

    Changing anything but the page starts again at page 1.
    """
    request = context["request"]
    query = request.GET.copy()
    if "page" not in changes:
        query.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def query_without(context: template.Context, param: str) -> str:
    """Return the current query string without ``param`` (and back at page 1)."""
    query = context["request"].GET.copy()
    query.pop(param, None)
    query.pop("page", None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def items(value: list[Item]) -> SafeString:
    """Render a cell: its items, linked where they have a page, separated by 、; — if empty."""
    shown = [item for item in value if not item.badge]
    text = format_html_join(
        "、",
        "{}",
        (
            (format_html('<a href="{}">{}</a>', item.url, item.text) if item.url else item.text,)
            for item in shown
        ),
    )
    if not shown:
        text = mark_safe('<span class="muted">—</span>')
    badges = format_html_join(
        "", ' <span class="badge badge-flag">{}</span>', ((i.text,) for i in value if i.badge)
    )
    return text + badges


@register.simple_tag
def soft_url(name: str, *args: Any) -> str:
    """Return the URL of view ``name`` (with ``args``) if it exists, else "" (other apps)."""
    return soft_reverse(name, args=args) or ""
