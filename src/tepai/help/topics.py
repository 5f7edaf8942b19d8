"""The help topics: one page per role and the glossary, in the order the index lists them.

The text of each page lives in a template per language (``help/pages/<slug>.<language>.html``):
a few hundred lines of prose read better, and translate better, as whole pages than as
hundreds of msgids. Titles and summaries stay msgids so that menus and tests can use them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tepai.accounts.roles import Role

# The languages the pages are written in (settings.LANGUAGES); any other falls back to Chinese.
PAGE_LANGUAGES = ("zh-hans", "en")
DEFAULT_PAGE_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class Topic:
    """One help page: its address, title, one-line summary and the role it is written for."""

    slug: str
    title: str | Promise
    summary: str | Promise
    role: Role | None = None

    def templates(self, language: str | None = None) -> list[str]:
        """Return the page's templates to try: the active language's first, then Chinese."""
        code = page_language(language or get_language())
        names = [f"help/pages/{self.slug}.{code}.html"]
        if code != DEFAULT_PAGE_LANGUAGE:
            names.append(f"help/pages/{self.slug}.{DEFAULT_PAGE_LANGUAGE}.html")
        return names


def page_language(code: str | None) -> str:
    """Return the page language for interface language ``code`` (en-us → en, zh-cn → zh-hans)."""
    code = (code or "").lower()
    if code.startswith("en"):
        return "en"
    return DEFAULT_PAGE_LANGUAGE


TOPICS: tuple[Topic, ...] = (
    Topic(
        "admin",
        _("管理员（项目办公室）"),
        _("导入名册、审核需求、匹配与推荐对接、需求发布、合同确认、报告、账号管理"),
        Role.ADMIN,
    ),
    Topic(
        "commissioner",
        _("特派员"),
        _("完善匹配资料、答复推荐对接、记录工作、查看适合我的需求"),
        Role.COMMISSIONER,
    ),
    Topic(
        "enterprise",
        _("企业用户"),
        _("发布技术需求、跟踪审核与对接、答复推荐、评价服务"),
        Role.ENTERPRISE,
    ),
    Topic(
        "auditor",
        _("审计员"),
        _("查阅全部记录与统计口径、查询审计日志、两步验证"),
        Role.AUDITOR,
    ),
    Topic("glossary", _("术语表"), _("科技特派员、批次、创新中心等术语和各项指标的统计口径")),
)
TOPICS_BY_SLUG = {topic.slug: topic for topic in TOPICS}


def topic_for_role(role: Role | None) -> Topic | None:
    """Return the page written for ``role`` (None for a user without a role)."""
    return next((topic for topic in TOPICS if role is not None and topic.role == role), None)
