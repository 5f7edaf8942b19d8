"""Pages of the second sign-in factor: the code step, enrolment, and one's own settings."""

from __future__ import annotations

from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tepai.accounts import signin, two_factor
from tepai.accounts.forms import EnrolmentForm, OTPTokenForm
from tepai.audit.context import Actor, client_ip
from tepai.audit.log import write_entry

# The session remembers which unconfirmed authenticator the enrolment page showed, so that
# reloading the page keeps the QR code the user may already have scanned.
ENROLMENT_KEY = "tepai_two_factor_enrolment"


def _audit(request: HttpRequest, action: str, user: Any, **detail: Any) -> None:
    # Between the two steps request.user is anonymous: name the user who is signing in.
    write_entry(
        action,
        target=user,
        detail=detail or None,
        actor=Actor(
            user=user if request.user.is_authenticated else None,
            username=user.get_username(),
            ip=client_ip(request),
            path=request.get_full_path()[:300],
        ),
    )


def _next(request: HttpRequest) -> str:
    default = resolve_url(settings.LOGIN_REDIRECT_URL)
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return signin.next_url(request, default)


@login_not_required
def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step: the code from the authenticator app, or a recovery code."""
    user = signin.subject(request)
    if user is None:
        return redirect("login")
    if not two_factor.is_enrolled(user):
        return redirect("login_enrol")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goto = _next(request)
        device = two_factor.verify(user, form.cleaned_data["otp_token"])
        if device is not None:
            signin.finish(request, user, device)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                _audit(request, two_factor.RECOVERY_USED, user, left=left)
                messages.warning(
                    request,
                    _("您用恢复码登录，还剩 %(left)d 个恢复码；可在“两步验证”页面重新生成。")
                    % {"left": left},
                )
            return redirect(goto)
        _audit(request, two_factor.FAILED, user)
        form.add_error(
            "otp_token",
            _(
                "验证码不正确、已经用过或尝试过于频繁：请输入验证器当前显示的 6 位数字"
                "（稍候几秒再试），或一个未用过的恢复码。"
            ),
        )
    return render(
        request,
        "accounts/login_verify.html",
        {"form": form, "next": _next(request), "username": user.get_username()},
    )


def _enrolment_device(request: HttpRequest, user: Any) -> TOTPDevice:
    device = two_factor.pending_enrolment(user, request.session.get(ENROLMENT_KEY))
    if device is None:
        device = two_factor.start_enrolment(user)
        request.session[ENROLMENT_KEY] = device.pk
    return device


def _enrolment_page(
    request: HttpRequest, user: Any, device: TOTPDevice, form: EnrolmentForm, action: str
) -> HttpResponse:
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device, _("用验证器应用扫描此二维码")),
            "secret": two_factor.readable_secret(device),
            "username": user.get_username(),
            "action": action,
            "next": _next(request),
            "required": two_factor.is_required(user),
        },
    )


def _confirm(request: HttpRequest, user: Any, device: TOTPDevice, form: EnrolmentForm) -> Any:
    codes = two_factor.confirm_enrolment(device, form.cleaned_data["otp_token"])
    if codes is None:
        form.add_error(
            "otp_token",
            _("验证码不正确：请确认手机时间准确，并输入应用当前显示的 6 位数字。"),
        )
        return None
    request.session.pop(ENROLMENT_KEY, None)
    _audit(request, two_factor.ENROLLED, user)
    return codes


def _recovery_codes_page(request: HttpRequest, codes: list[str], goto: str) -> HttpResponse:
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": goto})


@login_not_required
def login_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of a user who must use two-factor sign-in but has no app yet."""
    user = signin.subject(request)
    if user is None:
        return redirect("login")
    if two_factor.is_enrolled(user):
        return redirect("login_verify")
    device = _enrolment_device(request, user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goto = _next(request)
        codes = _confirm(request, user, device, form)
        if codes is not None:
            signin.finish(request, user, device)
            return _recovery_codes_page(request, codes, goto)
    return _enrolment_page(request, user, device, form, "login_enrol")


def two_factor_settings(request: HttpRequest) -> HttpResponse:
    """One's own two-factor settings: status, a new app, recovery codes, switching off."""
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enrolled": two_factor.is_enrolled(user),
            "required": two_factor.is_required(user),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app to one's account, replacing the current one if any."""
    user = request.user
    device = _enrolment_device(request, user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = _confirm(request, user, device, form)
        if codes is not None:
            # The old app is gone: this session is now verified by the new one.
            django_otp.login(request, device)
            return _recovery_codes_page(request, codes, resolve_url("two_factor"))
    return _enrolment_page(request, user, device, form, "two_factor_setup")


@require_POST
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace one's recovery codes and show the new ones, once."""
    user = request.user
    if not two_factor.is_enrolled(user):
        messages.error(request, _("请先绑定验证器应用，再生成恢复码。"))
        return redirect("two_factor")
    codes = two_factor.new_recovery_codes(user)
    _audit(request, two_factor.RECOVERY_CODES, user)
    return _recovery_codes_page(request, codes, resolve_url("two_factor"))


@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Switch two-factor sign-in off (not for roles that must use it)."""
    user = request.user
    if two_factor.is_required(user):
        messages.error(request, _("管理员和审计员必须使用两步验证，不能停用；可以重新绑定验证器。"))
        return redirect("two_factor")
    two_factor.remove(user)
    _audit(request, two_factor.RESET, user)
    messages.success(request, _("已停用两步验证。"))
    return redirect("two_factor")
