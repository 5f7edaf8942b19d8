"""``/api/me``: who the client is signed in as, and what that role may do."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from tepai.accounts.permissions import can_create
from tepai.accounts.roles import Role, role_of
from tepai.api.auth import AUTH_METHOD
from tepai.api.crud import writable
from tepai.api.schemas import ERRORS, Ref
from tepai.core.registries import all_registries, in_menu_order


class MeOut(Schema):
    """当前用户：账号、角色、对应的特派员或企业，以及可新建的登记簿。"""

    id: int = Field(description="用户 ID")
    username: str = Field(description="用户名")
    full_name: str = Field(description="姓名")
    role: str | None = Field(description="角色代码：admin、commissioner、enterprise、auditor")
    role_label: str = Field(description="角色")
    commissioner: Ref | None = Field(description="对应的特派员（特派员用户）")
    enterprise: Ref | None = Field(description="对应的企业（企业用户）")
    authenticated_by: str = Field(description="认证方式：token 接口令牌，session 浏览器会话")
    can_create: list[str] = Field(description="可新建记录的登记簿（接口路径名）")


def me(request: HttpRequest) -> Any:
    user = request.user
    assert user.is_authenticated  # the API's authentication admits signed-in users only
    role = role_of(user)
    account = getattr(user, "account", None)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "role": role.value if role else None,
        "role_label": str(Role(role).label) if role else "",
        "commissioner": getattr(account, "commissioner", None),
        "enterprise": getattr(account, "enterprise", None),
        "authenticated_by": getattr(request, AUTH_METHOD, "session"),
        "can_create": [
            registry.slug
            for registry in in_menu_order(all_registries())
            if writable(registry) and can_create(user, registry.model)
        ],
    }


def mount(router: Router) -> None:
    router.add_api_operation(
        "/me",
        ["GET"],
        me,
        response={200: MeOut, **ERRORS},
        summary="当前用户与角色",
        operation_id="me",
        url_name="me",
        tags=["账号"],
    )
