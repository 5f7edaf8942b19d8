"""Helpers every engagement page uses: whose record is this, where to go back to."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from tepai.commissioners.models import Commissioner
from tepai.enterprises.models import Enterprise


def my_commissioner(request: HttpRequest) -> Commissioner:
    """Return the commissioner record of the signed-in 特派员.

    A 特派员's account always names one (account_commissioner_has_record) and only 特派员
    reach the views that call this, so the PermissionDenied below is a guard never reached.
    """
    commissioner = request.user.account.commissioner  # type: ignore[union-attr]
    if commissioner is None:
        raise PermissionDenied
    return commissioner


def my_enterprise(request: HttpRequest) -> Enterprise:
    """Return the enterprise record of the signed-in 企业用户.

    An enterprise user's account always names one (account_enterprise_has_record) and only
    they reach the views that call this, so the PermissionDenied below is a guard never reached.
    """
    enterprise = request.user.account.enterprise  # type: ignore[union-attr]
    if enterprise is None:
        raise PermissionDenied
    return enterprise


def back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the form's ``next`` field if it is a page of this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)
