"""An enterprise confirms (or disputes) a work record that names it; administrators settle
disputes. The rules are those of :mod:`tepai.activities.confirmation`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tepai.accounts.decorators import role_required
from tepai.accounts.permissions import visible
from tepai.accounts.roles import Role
from tepai.activities import confirmation
from tepai.activities.models import Activity
from tepai.demands.workflow import NotPermitted, WorkflowError
from tepai.engagements.views.common import back

_DONE = {
    "confirm": gettext_lazy("已确认这条服务记录"),
    "dispute": gettext_lazy("已提交异议，项目办将核实处理"),
    "uphold": gettext_lazy("已维持原记录"),
    "ask_again": gettext_lazy("已请企业重新确认"),
}


@role_required(Role.ENTERPRISE, Role.ADMIN)
def service_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a work record with the answers the user may give; POST ``action`` gives one."""
    activity = get_object_or_404(
        visible(request.user, Activity.objects.prefetch_related("commissioners", "enterprises")),
        pk=pk,
    )
    answering = confirmation.can_answer(request.user, activity)
    settling = confirmation.can_settle(request.user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        steps = {
            "confirm": lambda: confirmation.confirm(activity, request.user),
            "dispute": lambda: confirmation.dispute(
                activity, request.user, request.POST.get("note", "")
            ),
            "uphold": lambda: confirmation.uphold(activity, request.user),
            "ask_again": lambda: confirmation.ask_again(activity, request.user),
        }
        if action not in steps:
            messages.error(request, _("未知的操作"))
            return redirect("engagements:service-confirmation", pk=pk)
        try:
            steps[action]()
        except NotPermitted as error:
            raise PermissionDenied(str(error)) from error
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("engagements:service-confirmation", pk=pk)
        messages.success(request, _DONE[action])
        return back(request, request.path)
    return render(
        request,
        "engagements/service_confirmation.html",
        {
            "activity": activity,
            "answering": answering,
            "settling": settling,
            "note_max": confirmation.NOTE_MAX,
        },
    )
