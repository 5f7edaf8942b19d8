"""The administrators' page that opens 特派员 accounts for a whole batch (tepai.accounts.bulk).

GET ``/users/bulk/?batch=ID`` previews who gets which user name and who is skipped; the POST
that confirms it creates the accounts and answers with the sheet of one-time passwords. That
response is the only copy of the passwords: a second POST finds the accounts made and says
so instead of offering the sheet again.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from tepai.accounts import bulk
from tepai.accounts.decorators import role_required
from tepai.accounts.forms import BulkAccountsForm
from tepai.accounts.labels import commissioner_label
from tepai.accounts.roles import Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(
    request: HttpRequest,
    form: BulkAccountsForm,
    plan: bulk.BulkPlan | None,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "plan": plan,
        "error": error,
        "new_rows": [(commissioner_label(p.commissioner), p.username) for p in plan.new]
        if plan
        else [],
        "existing_rows": [(commissioner_label(c), name) for c, name in plan.existing]
        if plan
        else [],
    }
    return render(request, "accounts/user_bulk.html", context, status=status)


@role_required(Role.ADMIN)
def user_bulk_create(request: HttpRequest) -> HttpResponse:
    """Preview (GET) and create (POST) the accounts of a batch's members without one."""
    if request.method != "POST":
        form = BulkAccountsForm(request.GET if "batch" in request.GET else None)
        plan = bulk.plan_for_batch(form.cleaned_data["batch"]) if form.is_valid() else None
        return _page(request, form, plan)
    form = BulkAccountsForm(request.POST)
    if not form.is_valid():
        return _page(request, form, None, status=422)
    plan = bulk.plan_for_batch(form.cleaned_data["batch"])
    if not plan.new:
        # Also what a second click on the confirm button meets: the sheet was the answer to
        # the first one, and the passwords exist nowhere else.
        return _page(request, form, plan, error=_already_created(plan), status=409)
    if request.POST.get("fingerprint") != plan.fingerprint:
        return _page(request, form, plan, error=_changed(), status=409)
    try:
        issued = bulk.create_accounts(plan, request=request)
    except bulk.PlanChanged as changed:
        return _page(request, form, bulk.plan_for_batch(plan.batch), error=str(changed), status=409)
    messages.success(
        request,
        _(
            "已为“%(batch)s”创建 %(count)d 个特派员账号，一次性密码表已下载（仅此一次）；"
            "首次登录须修改密码。"
        )
        % {"batch": plan.batch.name, "count": len(issued)},
    )
    response = HttpResponse(bulk.password_sheet(plan.batch, issued), content_type=XLSX)
    filename = _("一次性密码-%(batch)s-%(date)s.xlsx") % {
        "batch": plan.batch.name,
        "date": timezone.localdate().strftime("%Y%m%d"),
    }
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Neither the browser nor a proxy may keep a copy of the passwords.
    response["Cache-Control"] = "no-store"
    return response


def _already_created(plan: bulk.BulkPlan) -> str:
    return _(
        "“%(batch)s”的成员都已有账号，没有要创建的账号。一次性密码表只在创建时下载一次，"
        "系统不保存明文密码，无法再次下载；如有遗失，请在用户管理中为相关用户重置密码。"
    ) % {"batch": plan.batch.name}


def _changed() -> str:
    return _("预览之后批次名单或账号已有变化，请核对下面的最新预览后再确认。")
