"""The global assignment of a published demand list: one function for the web and the CLI.

:func:`run_assignment` runs the exact assignment
(:func:`tepai.matching.assignment.solve_assignment`) over the list's reviewed demands
(已发布/对接中), each with its :data:`CANDIDATES` best commissioners from the shared engine.
The admin page (:mod:`tepai.engagements.views.publishing`) and ``tepai match assign --list``
both call it, so the same list gets the same pairs from both.

Proposals already open count: a demand's minimum and maximum are reduced by the commissioners
already proposed for it (and those pairs are not offered again), and a commissioner's open
proposals count against the maximum load, so running the assignment again after confirming
adds to what exists instead of duplicating it. A commissioner's own 同时对接上限 (minus their
active projects) caps the run's maximum load.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tepai.commissioners.models import Commissioner
from tepai.demands.models import Demand, DemandList
from tepai.engagements.models import OPEN_STATUSES, Proposal
from tepai.engagements.services import PROPOSABLE
from tepai.matching import InfeasibleAssignment, InvalidInput
from tepai.recommender.conversion import demand_from
from tepai.recommender.live import shared_engine
from tepai.recommender.service import explain_pair

__all__ = ["CANDIDATES", "AssignmentRun", "Pairing", "list_demands", "run_assignment"]

# Candidate commissioners per demand the solver chooses from.
CANDIDATES = 30


@dataclass(frozen=True)
class Pairing:
    demand: Demand
    commissioner: Commissioner
    score: float
    explanation: str = ""
    matched_terms: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.demand.pk}:{self.commissioner.pk}"


@dataclass
class AssignmentRun:
    """The result of one run: pairings, or the solver's reasons why none exists."""

    demands: list[Demand]
    pairings: list[Pairing] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    objective: float = 0.0
    min_demand_score: float | None = None
    already_open: dict[int, int] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return not self.reasons

    def unassigned(self) -> list[Demand]:
        covered = {p.demand.pk for p in self.pairings} | set(self.already_open)
        return [d for d in self.demands if d.pk not in covered]


def list_demands(demand_list: DemandList) -> list[Demand]:
    """Return the list's demands an assignment may serve: reviewed and not yet signed."""
    return list(
        demand_list.demands.filter(status__in=PROPOSABLE)
        .select_related("enterprise")
        .order_by("pk")
    )


def _demand_label(demand: Demand) -> str:
    return f"《{demand.title}》#{demand.pk}"


def _person_label(person: Commissioner) -> str:
    return f"{person.name}#{person.pk}"


def run_assignment(
    demand_list: DemandList,
    *,
    max_load: int,
    per_demand_min: int,
    per_demand_max: int,
    fair: bool = False,
) -> AssignmentRun:
    """Return the optimal assignment of ``demand_list``'s demands to commissioners.

    Infeasible constraints (and invalid input) come back as ``reasons``, in Chinese, naming
    the demands and commissioners concerned.
    """
    from tepai.matching import solve_assignment  # SciPy: loaded when used

    demands = list_demands(demand_list)
    run = AssignmentRun(demands=demands)
    if not demands:
        run.reasons = [_("该需求发布批次中没有已发布、待对接的需求")]
        return run
    engine = shared_engine()
    open_pairs = set(
        Proposal.objects.filter(status__in=OPEN_STATUSES).values_list(
            "demand_id", "commissioner_id"
        )
    )
    open_per_demand = Counter(d for d, _c in open_pairs)
    open_per_person = Counter(c for _d, c in open_pairs)
    run.already_open = {d.pk: open_per_demand[d.pk] for d in demands if open_per_demand[d.pk]}

    pairs: list[tuple[str, str, float]] = []
    by_label: dict[str, Demand] = {}
    person_ids: set[int] = set()
    for demand in demands:
        label = _demand_label(demand)
        by_label[label] = demand
        found = engine.recommend(
            demand_from(demand), CANDIDATES, explain=False, respect_capacity=False
        )
        for item in found:
            pk = int(item.expert_id)
            if (demand.pk, pk) not in open_pairs:
                person_ids.add(pk)
                pairs.append((label, str(pk), item.score))
    people = Commissioner.objects.in_bulk(person_ids)
    labels = {str(pk): _person_label(person) for pk, person in people.items()}
    pairs = [(d, labels[e], s) for d, e, s in pairs if e in labels]
    person_by_label = {labels[str(pk)]: person for pk, person in people.items()}

    # A commissioner's own 同时对接上限 (minus their active projects) caps the run's limit.
    loads: dict[str, int] = {}
    for label, person in person_by_label.items():
        expert = engine.experts.get(str(person.pk))
        cap = max_load
        if expert is not None and expert.max_load is not None:
            cap = min(cap, max(0, expert.max_load - expert.load))
        loads[label] = cap
    current = {label: open_per_person[p.pk] for label, p in person_by_label.items()}
    minimum = {_demand_label(d): max(0, per_demand_min - open_per_demand[d.pk]) for d in demands}
    maximum = {_demand_label(d): max(0, per_demand_max - open_per_demand[d.pk]) for d in demands}
    try:
        result = solve_assignment(
            pairs,
            max_load=loads,
            per_demand_min=minimum,
            per_demand_max=maximum,
            current_load=current,
            fair=fair,
        )
    except InfeasibleAssignment as error:
        run.reasons = list(error.reasons)
        return run
    except InvalidInput as error:
        run.reasons = [str(error)]
        return run
    run.objective = result.objective
    run.min_demand_score = result.min_demand_score
    for chosen in result.assignments:
        demand, person = by_label[chosen.demand], person_by_label[chosen.expert]
        _score, text, terms = explain_pair(demand, person, engine)
        run.pairings.append(Pairing(demand, person, chosen.score, text, tuple(terms)))
    return run
