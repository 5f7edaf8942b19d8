"""Turning the chosen pairs of a demand list's assignment into proposals.

The assignment itself (:func:`tepai.recommender.assignment.run_assignment`, re-exported here
for the pages) is the recommender's: the admin looks at its pairings with their
explanations, drops or adds pairs, and confirms; confirming proposes every chosen pair in one
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tepai.audit.log import record
from tepai.commissioners.models import Commissioner
from tepai.demands.models import DemandList
from tepai.engagements.models import Proposal, ProposalSource
from tepai.engagements.services import EngagementError, explain_pair, propose
from tepai.recommender.assignment import (
    CANDIDATES,
    AssignmentRun,
    Pairing,
    list_demands,
    run_assignment,
)
from tepai.recommender.live import shared_engine

__all__ = [
    "CANDIDATES",
    "AssignmentRun",
    "Pairing",
    "confirm_pairs",
    "list_demands",
    "parse_pairs",
    "run_assignment",
]


def parse_pairs(values: Iterable[str]) -> list[tuple[int, int]]:
    """Return (demand id, commissioner id) pairs from "12:34" strings, without duplicates."""
    seen: dict[tuple[int, int], None] = {}
    for value in values:
        left, sep, right = value.partition(":")
        if not sep or not left.isdigit() or not right.isdigit():
            raise EngagementError(_("对接组合“%(value)s”格式不正确") % {"value": value})
        seen[(int(left), int(right))] = None
    return list(seen)


@transaction.atomic
def confirm_pairs(
    demand_list: DemandList,
    pairs: list[tuple[int, int]],
    by: Any,
    *,
    request: HttpRequest | None = None,
    options: dict[str, Any] | None = None,
) -> list[Proposal]:
    """Propose every chosen pair of ``demand_list``; all or nothing.

    Raises EngagementError naming the first pair that cannot be proposed (a demand not in the
    list or not open, an unknown commissioner, an open proposal, a conflict of interest).
    """
    if not pairs:
        raise EngagementError(_("请至少保留一个对接组合"))
    demands = {d.pk: d for d in list_demands(demand_list)}
    people = Commissioner.objects.in_bulk({c for _d, c in pairs})
    engine = shared_engine()  # one refresh for all the pairs
    created = []
    for demand_id, person_id in pairs:
        demand = demands.get(demand_id)
        if demand is None:
            raise EngagementError(_("需求 #%(pk)s 不是本批次中待对接的需求") % {"pk": demand_id})
        person = people.get(person_id)
        if person is None:
            raise EngagementError(_("找不到特派员 #%(pk)s") % {"pk": person_id})
        score, text, terms = explain_pair(demand, person, engine)
        created.append(
            propose(
                demand,
                person,
                by,
                score=score,
                explanation=text,
                matched_terms=terms,
                source=ProposalSource.ASSIGNMENT,
                demand_list=demand_list,
                request=request,
            )
        )
    record(
        "assignment",
        request=request,
        target=demand_list,
        detail={
            "pairs": [[d, c] for d, c in pairs],
            "proposals": [p.pk for p in created],
            **(options or {}),
        },
    )
    return created
