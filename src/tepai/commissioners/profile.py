"""How complete a commissioner's matching profile is: what the engine has to match them on.

The matching engine reads three things about a commissioner besides name and title: the
research fields and keywords, the bio, and the representative outcomes (work items). A roster
gives only the first, usually one or two words, which is why new commissioners are hard to
match; this module says which parts are there so the workspace can ask for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tepai.commissioners.models import Commissioner


class CompletenessLevel(models.TextChoices):
    COMPLETE = "complete", _("完整")
    PARTIAL = "partial", _("基本完整")
    INCOMPLETE = "incomplete", _("待完善")


@dataclass(frozen=True)
class ProfilePart:
    """One part of the matching profile: whether it is filled in and how to fill it in."""

    key: str  # "fields", "bio" or "work_items"
    label: str | Promise
    present: bool
    count: int  # keywords or work items recorded; 1 or 0 for the bio
    prompt: str | Promise  # what to add when it is missing


@dataclass(frozen=True)
class ProfileCompleteness:
    parts: tuple[ProfilePart, ...]

    @property
    def present(self) -> int:
        return sum(1 for part in self.parts if part.present)

    @property
    def percent(self) -> int:
        """Share of the parts filled in, each counting the same (0, 33, 67 or 100)."""
        return round(100 * self.present / len(self.parts))

    @property
    def level(self) -> CompletenessLevel:
        if self.present == len(self.parts):
            return CompletenessLevel.COMPLETE
        # Fields alone are what a roster line gives; it takes a bio or outcomes beyond that.
        if self.present >= len(self.parts) - 1:
            return CompletenessLevel.PARTIAL
        return CompletenessLevel.INCOMPLETE

    @property
    def missing(self) -> list[ProfilePart]:
        return [part for part in self.parts if not part.present]

    @property
    def by_key(self) -> dict[str, ProfilePart]:
        """The parts by key, for templates: ``profile.by_key.bio.present``."""
        return {part.key: part for part in self.parts}


def profile_completeness(commissioner: Commissioner) -> ProfileCompleteness:
    """Return which parts of ``commissioner``'s matching profile are filled in.

    Research fields include the keywords (the import stores both in ``research_fields``).
    A bio of white space only counts as missing. Work items are counted with one query, or
    none when they were prefetched.
    """
    fields = [field for field in commissioner.research_fields if str(field).strip()]
    has_bio = bool(commissioner.bio.strip())
    items = commissioner.work_items.count()
    return ProfileCompleteness(
        parts=(
            ProfilePart(
                key="fields",
                label=_("研究方向/关键词"),
                present=bool(fields),
                count=len(fields),
                prompt=_("填写研究方向和关键词，例如“棉纺织、纺纱工艺、翅片积灰”。"),
            ),
            ProfilePart(
                key="bio",
                label=_("个人简介"),
                present=has_bio,
                count=int(has_bio),
                prompt=_("补充个人简介：研究经历、擅长解决的技术问题、服务过的企业。"),
            ),
            ProfilePart(
                key="work_items",
                label=_("代表性成果"),
                present=items > 0,
                count=items,
                prompt=_(
                    "添加代表性成果：主持的项目、论文、专利、标准或新品种，"
                    "每项写明标题和一两句说明。"
                ),
            ),
        )
    )
