"""API tokens in the Django admin: see who has which token and revoke it (never create one:
a token is shown only once, by ``tepai token create``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tepai.api.models import Token
from tepai.api.tokens import revoke_token

# Every field is shown and none can be edited.
_FIELDS = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name", "prefix"]
    fields = _FIELDS
    readonly_fields = _FIELDS
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Token | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Token | None = None) -> bool:
        # Revoked tokens stay listed: when they were made, used and revoked is the record.
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("api.change_token")

    @admin.action(description=_("撤销所选令牌"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Token]) -> None:
        count = sum(revoke_token(token, request=request) for token in queryset)
        message = gettext("已撤销 %(count)d 个令牌") % {"count": count}
        self.message_user(request, message, messages.SUCCESS)
