"""Sign-in, sign-out, password change, and the administrators' user pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepai.accounts import lockout
from tepai.accounts.decorators import role_required
from tepai.accounts.forms import AccountCreateForm, LoginForm, PasswordResetForm
from tepai.accounts.models import Account
from tepai.accounts.roles import Role
from tepai.audit import actions
from tepai.audit.log import record

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    """The sign-in page (public: Django marks its LoginView login_not_required)."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only) and return to the sign-in page."""

    next_page = reverse_lazy("login")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; this also lifts the must-change-password requirement."""

    template_name = "accounts/password_change.html"

    def get_success_url(self) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        Account.objects.filter(user=self.request.user).update(must_change_password=False)
        record(actions.PASSWORD_CHANGE, request=self.request, target=self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return response


@role_required(Role.ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    """List every user with role, linked record and lock state."""
    users = (
        get_user_model()
        ._default_manager.select_related("account", "account__commissioner", "account__enterprise")
        .order_by("username")
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "rows": _rows(page)})


def _rows(users: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for user in users:
        account = getattr(user, "account", None)
        linked = ""
        if account is not None:
            linked = str(account.commissioner or account.enterprise or "")
        rows.append(
            {
                "user": user,
                "account": account,
                "role": account.get_role_display() if account and account.role else "",
                "linked": linked,
                "locked_until": (
                    account.locked_until
                    if account and account.locked_until and account.locked_until > now
                    else None
                ),
            }
        )
    return rows


@role_required(Role.ADMIN)
def user_create(request: HttpRequest) -> HttpResponse:
    """Create an account with an initial password the user must change at first sign-in."""
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = form.save()
        messages.success(
            request,
            _("已创建账号“%(name)s”，首次登录时须修改密码。") % {"name": account.user.username},
        )
        return redirect("user_list")
    return render(
        request, "accounts/user_form.html", {"form": form, "title": _("新建账号"), "target": None}
    )


@role_required(Role.ADMIN)
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a user a new password (which they must change) and lift any lock."""
    user = get_object_or_404(get_user_model(), pk=pk)
    form = PasswordResetForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(actions.PASSWORD_RESET, request=request, target=user)
        messages.success(
            request,
            _("已重置“%(name)s”的密码，该用户下次登录时须修改密码。")
            % {"name": user.get_username()},
        )
        return redirect("user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": _("重置密码"), "target": user},
    )


@require_POST
@role_required(Role.ADMIN)
def user_unlock(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Lift a lock before its 15 minutes are over."""
    user = get_object_or_404(get_user_model(), pk=pk)
    lockout.unlock(lockout.account_for(user))
    record(actions.UNLOCK, request=request, target=user)
    messages.success(request, _("已解锁“%(name)s”。") % {"name": user.get_username()})
    return redirect("user_list")
