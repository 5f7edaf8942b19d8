"""Admin pieces shared by registries: personal data masked by the platform's one rule.

The admin asks :func:`tepai.core.personal_data.can_view_personal_data` like the pages, the
exports and the API do: a staff account without the 管理员 role sees what the pages would show
it (phones 138****1234, birth dates as their year, no 出生日期精度), whatever Django
permissions it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tepai.core.personal_data import (
    BIRTH_DATE,
    EMAIL,
    INTERNAL,
    PHONE,
    can_view_personal_data,
    hidden_fields,
    mask_value,
    personal_fields,
)

__all__ = ["PersonalDataAdmin"]

_MASKED_COLUMN = {PHONE: "masked_phone", EMAIL: "masked_email", BIRTH_DATE: "masked_birth_date"}

# A list_display entry as Django takes it: a field or method name, or a callable.
_Column: TypeAlias = str | Callable[[Any], str | bool]


class PersonalDataAdmin(admin.ModelAdmin):
    """A ModelAdmin that masks personal data (lists and forms) unless the user may see it.

    The fields are those :data:`tepai.core.personal_data.PERSONAL_FIELDS` declares for the
    model. Masking happens on the server: users without the right never receive the digits.
    A new record's form shows every field, since entering data reveals nothing stored.
    """

    def _fields_of(self, *kinds: str) -> list[str]:
        return [name for name, kind in personal_fields(self.model).items() if kind in kinds]

    def _masked(self, name: str) -> str | None:
        return _MASKED_COLUMN.get(personal_fields(self.model).get(name, ""))

    def _reveals(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_view_personal_data(request.user, self.model if obj is None else obj)

    def get_list_display(self, request: HttpRequest) -> list[_Column]:
        columns = list(super().get_list_display(request))
        if self._reveals(request):
            return columns
        hidden = set(self._fields_of(INTERNAL))
        return [
            (self._masked(c) or c) if isinstance(c, str) else c for c in columns if c not in hidden
        ]

    def get_sortable_by(self, request: HttpRequest) -> list[_Column]:
        # Sorting by a masked column would reveal its order (issue 9, finding 2).
        sortable = list(super().get_sortable_by(request) or self.get_list_display(request))
        if self._reveals(request):
            return sortable
        personal = set(personal_fields(self.model)) | set(_MASKED_COLUMN.values())
        return [name for name in sortable if name not in personal]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        fields = list(super().get_search_fields(request))
        if self._reveals(request):
            return fields
        personal = set(personal_fields(self.model))
        return [name for name in fields if name.lstrip("^=@").split("__")[0] not in personal]

    def _hides_fields(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and not self._reveals(request, obj)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        excluded = list(super().get_exclude(request, obj) or [])
        excluded += list(hidden_fields(request.user, self.model))
        if self._hides_fields(request, obj):
            excluded += list(personal_fields(self.model))
        return excluded

    def get_fields(
        self, request: HttpRequest, obj: Any = None
    ) -> list[str | list[str] | tuple[str, ...]]:
        fields = list(super().get_fields(request, obj))
        hidden = hidden_fields(request.user, self.model)  # 出生日期精度 for non-admins
        if not self._hides_fields(request, obj):
            hidden |= set(_MASKED_COLUMN.values())
        else:
            hidden |= set(personal_fields(self.model))
        return [f for f in fields if f not in hidden]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if self._hides_fields(request, obj):
            kinds = personal_fields(self.model)
            fields += [
                _MASKED_COLUMN[kinds[name]] for name in self._fields_of(PHONE, EMAIL, BIRTH_DATE)
            ]
        return fields

    def _value(self, obj: Any, kind: str) -> str:
        name = next(iter(self._fields_of(kind)), "")
        return str(mask_value(kind, getattr(obj, name, "")) or "") if name else ""

    @admin.display(description=_("联系电话（已脱敏）"))
    def masked_phone(self, obj: Any) -> str:
        return self._value(obj, PHONE)

    @admin.display(description=_("电子邮箱（已脱敏）"))
    def masked_email(self, obj: Any) -> str:
        return self._value(obj, EMAIL)

    @admin.display(description=_("出生年份"))
    def masked_birth_date(self, obj: Any) -> str:
        return self._value(obj, BIRTH_DATE)
