"""Template filters of the contract step."""

from typing import Any

from django import template

from tepai.projects.contracts import can_complete
from tepai.projects.models import Project

register = template.Library()


@register.filter
def contract_completable(project: Project, user: Any) -> bool:
    """Return True if ``user`` may complete (or confirm) the draft ``project`` now."""
    return can_complete(user, project)
