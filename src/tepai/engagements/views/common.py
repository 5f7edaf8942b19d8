"""Helpers every engagement page uses: whose record is this, where to go back to."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from tepai.commissioners.models import Commissioner
from tepai.enterprises.models import Enterprise


def my_commissioner(request: HttpRequest) -> Commissioner:
    """Return the commissioner record of the signed-in 特派员 (guaranteed by the Account)."""
    return request.user.account.commissioner  # type: ignore[union-attr]


def my_enterprise(request: HttpRequest) -> Enterprise:
    """Return the enterprise record of the signed-in 企业用户 (guaranteed by the Account)."""
    return request.user.account.enterprise  # type: ignore[union-attr]


def back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the form's ``next`` field if it is a page of this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)
