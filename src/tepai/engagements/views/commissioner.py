"""The commissioner's workspace (/me/): proposals, profile completeness, projects, work log,
KPI contribution."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tepai.accounts.decorators import role_required
from tepai.accounts.permissions import visible
from tepai.accounts.roles import Role
from tepai.activities.confirmation import request_confirmation
from tepai.activities.models import Activity
from tepai.commissioners.profile import profile_completeness
from tepai.engagements.forms import ActivityLogForm, AnswerForm
from tepai.engagements.kpi import contribution
from tepai.engagements.models import OPEN_STATUSES, Proposal
from tepai.engagements.photos import read_stored_photo
from tepai.engagements.views.common import my_commissioner
from tepai.projects.models import Project
from tepai.recommender.service import recommend_demands

# How many open demands the workspace suggests.
SUGGESTED = 5


def _workspace(request: HttpRequest, activity_form: ActivityLogForm) -> HttpResponse:
    me = my_commissioner(request)
    proposals = list(
        Proposal.objects.filter(commissioner=me)
        .select_related("demand__enterprise", "project")
        .order_by("-created_at")
    )
    waiting = [p for p in proposals if p.status in OPEN_STATUSES and not p.commissioner_response]
    # 推荐记录 lists every proposal, the ones waiting for my answer too (issue 11: it said
    # 暂无记录 while one was pending); a demand already proposed to me is not "suggested".
    proposed = {p.demand_id for p in proposals}
    suggested = [
        match
        for match in recommend_demands(me, SUGGESTED + len(proposed))
        if match.id not in proposed
    ][:SUGGESTED]
    return render(
        request,
        "engagements/me.html",
        {
            "me": me,
            "waiting": waiting,
            "proposals": proposals,
            "projects": Project.objects.filter(commissioners=me)
            .select_related("enterprise")
            .order_by("-signed_on"),
            "activities": Activity.objects.filter(commissioners=me)
            .prefetch_related("enterprises")
            .order_by("-date", "-id")[:10],
            "activity_form": activity_form,
            "answer_form": AnswerForm(),
            "kpis": contribution(me),
            "profile": profile_completeness(me),
            "suggested": suggested,
        },
    )


@role_required(Role.COMMISSIONER)
def workspace(request: HttpRequest) -> HttpResponse:
    form = ActivityLogForm(
        initial={"date": timezone.localdate()}, commissioner=my_commissioner(request)
    )
    return _workspace(request, form)


@role_required(Role.COMMISSIONER)
def log_activity(request: HttpRequest) -> HttpResponse:
    """Save a work record from the workspace form; on errors show the workspace again."""
    if request.method != "POST":
        return redirect("engagements:me")
    me = my_commissioner(request)
    form = ActivityLogForm(request.POST, request.FILES, commissioner=me)
    if not form.is_valid():
        return _workspace(request, form)
    with transaction.atomic():
        activity = form.save(commit=False)
        # The KPIs of a batch count its activities: file the record under the batch the
        # commissioner was most recently dispatched with.
        activity.batch = me.batches.order_by("-dispatch_date").first()
        activity.save()
        activity.commissioners.add(me, *form.cleaned_data.get("co_participants", ()))
        if form.cleaned_data.get("enterprise"):
            activity.enterprises.add(form.cleaned_data["enterprise"])
            request_confirmation(activity)
    messages.success(request, _("已记录：%(activity)s") % {"activity": activity})
    return redirect("engagements:me")


# The photo is shown as an image and nothing else: no script, style, plugin or frame, and
# sandboxed, should a browser ever render it as a document.
PHOTO_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def activity_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Return an activity's photo to anyone who may read the activity.

    Sent only as image/jpeg or image/png, whatever the stored file is called; a stored file
    that is not an image (an upload from before photos were re-encoded) is a 404.
    """
    activity = get_object_or_404(visible(request.user, Activity.objects.all()), pk=pk)
    if not activity.photo:
        raise Http404
    photo = read_stored_photo(activity.photo)
    if photo is None:
        raise Http404
    response = HttpResponse(photo.content, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="activity-{activity.pk}.{photo.extension}"'
    response["Content-Security-Policy"] = PHOTO_CSP
    return response
