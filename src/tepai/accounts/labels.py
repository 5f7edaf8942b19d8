"""How the user pages name a commissioner so that namesakes can be told apart.

Rosters hold several people of one name (two 王磊 in one programme), so a bare name in a
list or a choice is ambiguous (issue 11, "Seen on the way" 5). These pages are for
administrators only, who may see the birth date; the year is enough to tell people apart.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tepai.commissioners.models import Commissioner

__all__ = ["commissioner_label", "commissioners_for_labels"]


def commissioners_for_labels(queryset: QuerySet[Commissioner]) -> QuerySet[Commissioner]:
    """Return ``queryset`` with what :func:`commissioner_label` reads fetched in bulk."""
    return queryset.select_related("institution").prefetch_related("batches")


def commissioner_label(commissioner: Commissioner) -> str:
    """Return e.g. "王磊（浙江大学，第二批，1981）": name, institution, batches, birth year.

    Batches are joined with "、" in dispatch order; a commissioner in no batch has none shown.
    """
    batches = sorted(commissioner.batches.all(), key=lambda b: (b.dispatch_date, b.name))
    parts = [commissioner.institution.name]
    if batches:
        parts.append("、".join(batch.name for batch in batches))
    parts.append(str(commissioner.birth_date.year))
    return f"{commissioner.name}（{'，'.join(parts)}）"
