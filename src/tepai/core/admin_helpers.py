"""Admin pieces shared by registries: masking personal data for users without the permission."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tepai.core.cleaning import CleaningError, mask_phone


def can_view_personal_data(request: HttpRequest, app_label: str) -> bool:
    """Return True when the user may see unmasked phones and e-mails of ``app_label`` records."""
    user: Any = request.user
    return bool(user.is_superuser or user.has_perm(f"{app_label}.view_personal_data"))


def mask_email(email: str) -> str:
    """Return ``email`` with the local part hidden except its first character."""
    if not email or "@" not in email:
        return email
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


class PersonalDataAdmin(admin.ModelAdmin):
    """A ModelAdmin that masks phone and e-mail (lists and forms) unless the user may see them.

    Masking happens on the server: users without the permission never receive the digits.
    """

    phone_field = "phone"
    email_field = "email"

    def _personal(self) -> tuple[str, str]:
        return (self.phone_field, self.email_field)

    def get_list_display(self, request: HttpRequest):  # type: ignore[override]
        columns = list(super().get_list_display(request))
        if can_view_personal_data(request, self.model._meta.app_label):
            return columns
        swap = {self.phone_field: "masked_phone", self.email_field: "masked_email"}
        return [swap.get(column, column) for column in columns]

    def get_exclude(self, request: HttpRequest, obj: Any = None):  # type: ignore[override]
        excluded = list(super().get_exclude(request, obj) or [])
        if not can_view_personal_data(request, self.model._meta.app_label):
            excluded += self._personal()
        return excluded

    def get_fields(self, request: HttpRequest, obj: Any = None):  # type: ignore[override]
        fields = list(super().get_fields(request, obj))
        if can_view_personal_data(request, self.model._meta.app_label):
            return [f for f in fields if f not in ("masked_phone", "masked_email")]
        return [f for f in fields if f not in self._personal()]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):  # type: ignore[override]
        fields = list(super().get_readonly_fields(request, obj))
        if not can_view_personal_data(request, self.model._meta.app_label):
            fields += ["masked_phone", "masked_email"]
        return fields

    @admin.display(description=_("联系电话（已脱敏）"))
    def masked_phone(self, obj: Any) -> str:
        try:
            return mask_phone(getattr(obj, self.phone_field))
        except CleaningError:
            # Legacy data that is not a phone number is hidden entirely rather than shown.
            return "****"

    @admin.display(description=_("电子邮箱（已脱敏）"))
    def masked_email(self, obj: Any) -> str:
        return mask_email(getattr(obj, self.email_field))
