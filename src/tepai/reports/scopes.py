"""Reading a report's scope as people write it: a centre, an institution, an industry cluster.

The CLI's ``--centre``/``--institution``/``--cluster`` (and any page that takes them as text)
accept a name or a 编号, and for a cluster its code or its Chinese name; anything else is a
:class:`ScopeError` naming the option and listing what exists.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from tepai.core.choices import IndustryCluster
from tepai.institutions.models import Institution
from tepai.programs.models import InnovationCentre

__all__ = ["ScopeError", "resolve_centre", "resolve_cluster", "resolve_institution"]

# How many known names an error lists before "等".
_LISTED = 12


class ScopeError(ValueError):
    """A scope that names nothing; the message is for the user."""


def _listing(names: list[str]) -> str:
    shown = "、".join(names[:_LISTED])
    return shown + (_("等 %(count)d 项") % {"count": len(names)} if len(names) > _LISTED else "")


def resolve_centre(text: str) -> InnovationCentre:
    """Return the innovation centre named (or coded) ``text``; raise ScopeError if none."""
    text = text.strip()
    found = (
        InnovationCentre.objects.filter(name=text).first()
        or InnovationCentre.objects.filter(code=text).exclude(code="").first()
    )
    if found is None:
        known = list(InnovationCentre.objects.order_by("name").values_list("name", flat=True))
        raise ScopeError(
            _("创新中心“%(value)s”不存在；已有：%(known)s")
            % {"value": text[:60], "known": _listing(known) or _("（尚无）")}
        )
    return found


def resolve_institution(text: str) -> Institution:
    """Return the dispatching institution named (or coded) ``text``; raise ScopeError if none."""
    text = text.strip()
    found = (
        Institution.objects.filter(name=text).first()
        or Institution.objects.filter(code=text).exclude(code="").first()
    )
    if found is None:
        known = list(
            Institution.objects.order_by("name_sort", "name").values_list("name", flat=True)
        )
        raise ScopeError(
            _("派出单位“%(value)s”不存在；已有：%(known)s")
            % {"value": text[:60], "known": _listing(known) or _("（尚无）")}
        )
    return found


def resolve_cluster(text: str) -> str:
    """Return the industry cluster code of ``text`` (a code or the Chinese name)."""
    text = text.strip()
    if text in IndustryCluster.values:
        return text
    for code, label in IndustryCluster.choices:
        with translation.override("zh-hans"):
            chinese = str(label)
        if text in (chinese, str(label)):
            return code
    known = "、".join(f"{label}（{code}）" for code, label in IndustryCluster.choices)
    raise ScopeError(
        _("产业集群“%(value)s”不存在；可选：%(known)s") % {"value": text[:60], "known": known}
    )
