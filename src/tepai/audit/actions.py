"""The actions the audit log knows by name, with their Chinese labels for auditors.

Other actions may be recorded too; they are shown by their code.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CREATE = "create"
UPDATE = "update"
DELETE = "delete"
TRANSITION = "transition"
LOGIN = "login"
LOGOUT = "logout"
LOGIN_FAILED = "login_failed"
LOCKED = "locked"
UNLOCK = "unlock"
PASSWORD_CHANGE = "password_change"
PASSWORD_RESET = "password_reset"
IMPORT = "import"
EXPORT = "export"
PROPOSAL = "proposal"
ASSIGNMENT = "assignment"
PRUNE = "prune"
TOKEN_CREATE = "token_create"
TOKEN_REVOKE = "token_revoke"
TWO_FACTOR_ENROL = "two_factor_enrol"
TWO_FACTOR_RESET = "two_factor_reset"
TWO_FACTOR_FAILED = "two_factor_failed"
RECOVERY_CODES_NEW = "recovery_codes_new"
RECOVERY_CODE_USED = "recovery_code_used"
ACCOUNTS_BULK_CREATE = "accounts_bulk_create"
ACCOUNT_DEACTIVATE = "account_deactivate"
ACCOUNT_REACTIVATE = "account_reactivate"

LABELS: dict[str, Promise] = {
    CREATE: _("新增"),
    UPDATE: _("修改"),
    DELETE: _("删除"),
    TRANSITION: _("状态变更"),
    LOGIN: _("登录"),
    LOGOUT: _("退出登录"),
    LOGIN_FAILED: _("登录失败"),
    LOCKED: _("账号锁定"),
    UNLOCK: _("账号解锁"),
    PASSWORD_CHANGE: _("修改密码"),
    PASSWORD_RESET: _("重置密码"),
    IMPORT: _("导入"),
    EXPORT: _("导出"),
    PROPOSAL: _("推荐对接"),
    ASSIGNMENT: _("分配"),
    PRUNE: _("清理审计日志"),
    TOKEN_CREATE: _("签发接口令牌"),
    TOKEN_REVOKE: _("撤销接口令牌"),
    TWO_FACTOR_ENROL: _("绑定验证器"),
    TWO_FACTOR_RESET: _("解绑验证器"),
    TWO_FACTOR_FAILED: _("动态验证码错误"),
    RECOVERY_CODES_NEW: _("生成恢复码"),
    RECOVERY_CODE_USED: _("使用恢复码"),
    ACCOUNTS_BULK_CREATE: _("批量创建账号"),
    ACCOUNT_DEACTIVATE: _("停用账号"),
    ACCOUNT_REACTIVATE: _("启用账号"),
}


def label(action: str) -> str:
    """Return the display label of ``action`` (its code when unknown)."""
    return str(LABELS.get(action, action))
