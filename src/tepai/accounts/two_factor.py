"""Two-factor sign-in: who needs it, enrolling an authenticator app, codes and recovery codes.

The one-time-password machinery is django-otp's (RFC 6238 TOTP with replay protection and
throttling; static recovery codes that are deleted when used); this module only decides the
platform's rules: 管理员 and 审计员 must use it (except the demo's accounts when the demo is
run without TEPAI_DEMO_TOTP_SECRET), anyone else may, and whoever has an authenticator app is
always asked for its code.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import segno
from django.db import transaction
from django_otp import devices_for_user, verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tepai.accounts.roles import Role, role_of
from tepai.audit import actions

REQUIRED_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
# Audit actions of the second factor (labelled in tepai.audit.actions).
ENROLLED = actions.TWO_FACTOR_ENROL
RESET = actions.TWO_FACTOR_RESET
RECOVERY_CODES = actions.RECOVERY_CODES_NEW
RECOVERY_USED = actions.RECOVERY_CODE_USED
FAILED = actions.TWO_FACTOR_FAILED


def is_required(user: Any) -> bool:
    """Return whether ``user``'s role must sign in with a second factor."""
    # role_of() works for a user between the two steps too: any User is "authenticated".
    if role_of(user) not in REQUIRED_ROLES:
        return False
    account = getattr(user, "account", None)
    return account is None or not account.two_factor_exempt


def authenticator(user: Any) -> TOTPDevice | None:
    """Return the user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-pk").first()


def is_enrolled(user: Any) -> bool:
    """Return whether ``user`` has a confirmed authenticator app."""
    return authenticator(user) is not None


def needs_second_step(user: Any) -> bool:
    """Return whether signing in as ``user`` takes a code after the password."""
    return is_enrolled(user) or is_required(user)


def normalise(token: str) -> str:
    """Return ``token`` as typed, without spaces and dashes, recovery codes in lower case."""
    return "".join(token.split()).replace("-", "").lower()


def verify(user: Any, token: str) -> Device | None:
    """Return the device that accepts ``token`` (an app's code or a recovery code), or None.

    A code is accepted once: the app's last used time step is stored (a replayed code fails)
    and a recovery code is deleted. Each failure slows the device down (django-otp's
    exponential throttling), so codes cannot be guessed quickly.
    """
    token = normalise(token)
    if not token or len(token) > 16:
        return None
    # Six digits are the app's; recovery codes have eight characters. Trying a code only on
    # the devices it can be for keeps one kind's mistakes from slowing the other kind down.
    app_code = token.isdigit() and len(token) == 6
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, TOTPDevice) != app_code:
            continue
        found = verify_token(user, device.persistent_id, token)
        if found is not None:
            return found
    return None


@transaction.atomic
def start_enrolment(user: Any) -> TOTPDevice:
    """Return a new, unconfirmed authenticator for ``user`` (earlier unconfirmed ones go)."""
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def pending_enrolment(user: Any, device_id: Any) -> TOTPDevice | None:
    """Return ``user``'s unconfirmed authenticator ``device_id``, or None."""
    try:
        pk = int(device_id)
    except (TypeError, ValueError):
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, pk=pk, confirmed=False).first()


@transaction.atomic
def confirm_enrolment(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app; return fresh recovery codes, or None.

    The new app replaces any earlier one, and the old recovery codes stop working.
    """
    token = normalise(token)
    if not token.isdigit() or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user: Any) -> list[str]:
    """Replace ``user``'s recovery codes with ``RECOVERY_CODE_COUNT`` new ones; return them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user: Any) -> int:
    """Return how many unused recovery codes ``user`` has."""
    return int(StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count())


@transaction.atomic
def remove(user: Any) -> None:
    """Delete ``user``'s authenticator and recovery codes (to enrol again, or to stop)."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user_id=user.pk).delete()


def parse_secret(text: str) -> bytes:
    """Return the key of a base32 secret as authenticator apps show it (spaces allowed).

    Raises ValueError for anything that is not base32 or is shorter than 80 bits.
    """
    cleaned = "".join(text.split()).upper()
    try:
        key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base32") from error
    if len(key) < 10:
        raise ValueError("shorter than 80 bits")
    return key


@transaction.atomic
def enrol_with_secret(user: Any, secret: str) -> TOTPDevice:
    """Enrol ``user`` with a known base32 secret (the demo's), replacing other devices."""
    key = parse_secret(secret)
    remove(user)
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key.hex(), confirmed=True)


def readable_secret(device: TOTPDevice) -> str:
    """Return the device's secret in base32, in groups of four, for typing into an app."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice, title: str) -> str:
    """Return the enrolment QR code as inline SVG, drawn here (no request leaves the server)."""
    code = segno.make(device.config_url, error="m")
    return str(code.svg_inline(scale=4, title=title, svgclass="qr", lineclass=None))
