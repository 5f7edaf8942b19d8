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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from tepai.accounts import administration, lockout, signin, two_factor
from tepai.accounts.decorators import role_required
from tepai.accounts.forms import AccountCreateForm, LoginForm, PasswordResetForm, RoleChangeForm
from tepai.accounts.labels import commissioner_label
from tepai.accounts.models import Account
from tepai.accounts.roles import Role, role_of
from tepai.audit import actions
from tepai.audit.log import record

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    """The sign-in page, first step (public: Django marks its LoginView login_not_required).

    A user who needs a second factor is not signed in yet: the session remembers the passed
    password and the browser goes on to the code step (or to enrolment).
    """

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not two_factor.needs_second_step(user):
            return super().form_valid(form)
        signin.begin(self.request, user, self.get_success_url())
        return redirect("login_verify" if two_factor.is_enrolled(user) else "login_enrol")


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only) and return to the sign-in page."""

    # assignment: the stubs want a str; resolve_url takes the lazy URL Django itself allows.
    next_page = reverse_lazy("login")  # type: ignore[assignment]


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; this also lifts the must-change-password requirement."""

    template_name = "accounts/password_change.html"

    def get_success_url(self) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        assert user.is_authenticated  # the view is login_required
        Account.objects.filter(user=user).update(must_change_password=False)
        record(actions.PASSWORD_CHANGE, request=self.request, target=user)
        messages.success(self.request, _("密码已修改。"))
        return response


@role_required(Role.ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    """List every user with role, linked record and lock state."""
    users = (
        get_user_model()
        ._default_manager.select_related(
            "account", "account__commissioner__institution", "account__enterprise"
        )
        .prefetch_related("account__commissioner__batches")
        .order_by("username")
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "rows": _rows(page)})


def _rows(users: Any) -> list[dict[str, Any]]:
    users = list(users)
    paused = lockout.active_pauses([user.get_username() for user in users])
    enrolled = set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )
    rows = []
    for user in users:
        account = getattr(user, "account", None)
        linked = ""
        if account is not None and account.commissioner is not None:
            linked = commissioner_label(account.commissioner)
        elif account is not None:
            linked = str(account.enterprise or "")
        rows.append(
            {
                "user": user,
                "account": account,
                "role": account.get_role_display() if account and account.role else "",
                "linked": linked,
                "locked_until": paused.get(user.get_username()),
                "two_factor": user.pk in enrolled,
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
    """Lift every sign-in pause of a user before it is over."""
    user = get_object_or_404(get_user_model(), pk=pk)
    lockout.unlock(user.get_username())
    record(actions.UNLOCK, request=request, target=user)
    messages.success(request, _("已解除“%(name)s”的登录暂停。") % {"name": user.get_username()})
    return redirect("user_list")


@require_POST
@role_required(Role.ADMIN)
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Remove a user's authenticator app and recovery codes (a lost phone).

    The user enrols a new app at the next sign-in (administrators and auditors must).
    """
    user = get_object_or_404(get_user_model(), pk=pk)
    two_factor.remove(user)
    record(two_factor.RESET, request=request, target=user)
    messages.success(
        request,
        _("已清除“%(name)s”的两步验证设置，该用户下次登录时重新绑定验证器。")
        % {"name": user.get_username()},
    )
    return redirect("user_list")


def _linked_label(user: Any) -> str:
    account = getattr(user, "account", None)
    if account is None:
        return ""
    if account.commissioner is not None:
        return commissioner_label(account.commissioner)
    return str(account.enterprise or "")


@role_required(Role.ADMIN)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An account's settings: change its role (confirmed), and the way to (de)activate it."""
    user = get_object_or_404(get_user_model(), pk=pk)
    account = getattr(user, "account", None)
    role = role_of(user)
    initial = {
        "role": role or "",
        "commissioner": getattr(account, "commissioner_id", None),
        "enterprise": getattr(account, "enterprise_id", None),
    }
    form = RoleChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = administration.change_role(
                user,
                Role(data["role"]),
                commissioner=data["commissioner"],
                enterprise=data["enterprise"],
                by=request.user,
                request=request,
            )
        except administration.AccountChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            if changed:
                messages.success(
                    request,
                    _("已把“%(name)s”的角色改为%(role)s；其接口令牌已撤销，登录会话已结束。")
                    % {"name": user.get_username(), "role": Role(data["role"]).label},
                )
            else:
                messages.info(request, _("角色未变化。"))
            return redirect("user_list")
    return render(
        request,
        "accounts/user_edit.html",
        {"form": form, "target": user, "role": role, "linked": _linked_label(user)},
    )


def _set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk)
    error = ""
    if request.method == "POST":
        try:
            administration.set_active(user, active, by=request.user, request=request)
        except administration.AccountChangeRefused as refused:
            error = str(refused)
        else:
            done = (
                _("已启用账号“%(name)s”。")
                if active
                else _("已停用账号“%(name)s”：其接口令牌已撤销，登录会话已结束。")
            )
            messages.success(request, done % {"name": user.get_username()})
            return redirect("user_list")
    return render(
        request,
        "accounts/user_confirm_active.html",
        {"target": user, "active": active, "linked": _linked_label(user), "error": error},
        status=409 if error else 200,
    )


@role_required(Role.ADMIN)
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET) and deactivate (POST) an account: it can no longer sign in."""
    return _set_active(request, pk, active=False)


@role_required(Role.ADMIN)
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET) and reactivate (POST) a deactivated account."""
    return _set_active(request, pk, active=True)
