"""The 待办 page (everything waiting for the signed-in user) and the reminders list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepai.engagements.forms import AnswerForm
from tepai.todo.models import Notification
from tepai.todo.service import groups_for_request
from tepai.web.views.common import require_role

# The /todo/ page lists this many items per kind; the rest are counted and linked.
PAGE_LIMIT = 100


@login_required
def todo_page(request: HttpRequest) -> HttpResponse:
    require_role(request)
    return render(
        request,
        "todo/todo.html",
        {
            "groups": groups_for_request(request, limit=PAGE_LIMIT),
            "answer_form": AnswerForm(),
            "nav_current": "todo",
        },
    )


def _mine(request: HttpRequest) -> QuerySet[Notification]:
    """Return the signed-in user's reminders (the views are login_required: no one else)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return Notification.objects.filter(user=user)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    require_role(request)
    mine = _mine(request)
    page = Paginator(mine, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "todo/notifications.html",
        {"page_obj": page, "unread": mine.filter(read_at__isnull=True).exists()},
    )


def _safe_link(request: HttpRequest, link: str) -> str:
    # Links are written by tepai itself; still, never send anyone off the site.
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return link
    return ""


@require_POST
@login_required
def read(request: HttpRequest) -> HttpResponse:
    """Mark one of my reminders read (``id``) and open its link (``open=1``) or the list."""
    require_role(request)
    try:
        pk = int(request.POST.get("id", ""))
    except ValueError:
        messages.error(request, _("提醒：缺少或无效的编号"))
        return redirect("todo:notifications")
    # Someone else's reminder is "not found": its existence is not ours to reveal.
    notification = get_object_or_404(_mine(request), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = _safe_link(request, notification.link) if request.POST.get("open") else ""
    return redirect(target or "todo:notifications")


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    require_role(request)
    done = _mine(request).filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("已将 %(count)s 条提醒标为已读") % {"count": done})
    return redirect("todo:notifications")
