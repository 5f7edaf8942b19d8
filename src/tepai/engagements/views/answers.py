"""Answering a proposal (accept, or decline with a reason) from either workspace."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepai.accounts.decorators import role_required
from tepai.accounts.roles import Role, role_of
from tepai.engagements import services
from tepai.engagements.forms import AnswerForm
from tepai.engagements.models import Proposal, ProposalStatus
from tepai.engagements.views.common import back


@require_POST
@role_required(Role.COMMISSIONER, Role.ENTERPRISE)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("demand"), pk=pk)
    is_commissioner = role_of(request.user) is Role.COMMISSIONER
    party = services.Party.COMMISSIONER if is_commissioner else services.Party.ENTERPRISE
    home = reverse("engagements:me" if is_commissioner else "engagements:company")
    # Someone else's proposal is refused before the form is even looked at.
    if services.party_of(request.user, proposal) is not party:
        raise PermissionDenied(_("这条推荐不是给您的"))
    form = AnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back(request, home)
    data = form.cleaned_data
    try:
        proposal = services.respond(
            proposal,
            party,
            data["accept"],
            data["reason"] or None,
            data["text"],
            by=request.user,
            request=request,
        )
    except services.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except services.EngagementError as error:
        messages.error(request, str(error))
        return back(request, home)
    if proposal.status == ProposalStatus.ACCEPTED:
        messages.success(
            request,
            _(
                "双方均已接受，已生成待确认合同“%(title)s”：请按签署的合同完善信息，管理员确认后计入统计"
            )
            % {"title": proposal.project},
        )
    elif data["accept"]:
        messages.success(request, _("已接受，等待对方答复"))
    else:
        messages.success(request, _("已拒绝这条推荐"))
    return back(request, home)
