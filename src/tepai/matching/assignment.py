"""Global demand→expert assignment (OpenReview-style), solved exactly with HiGHS.

The input is a sparse list of candidate ``(demand, expert, score)`` pairs; only listed pairs
may be assigned. Constraints: a maximum load per expert (minus their current load), a
minimum and maximum number of experts per demand, conflict-of-interest pairs that must not
be assigned and forced pairs that must be. The objective is the largest total score.

Method (plain mode). Each candidate pair is a variable ``x ∈ [0, 1]``; the constraints are
expert rows and demand rows of the bipartite incidence matrix, which is totally unimodular,
so every vertex of the LP is integral and HiGHS's simplex (which ends on a vertex) returns
an integral optimum of the 0/1 problem. The solution is checked anyway: should a vertex
not be integral (numerical trouble), the same model is re-solved as a MIP with
``scipy.optimize.milp``. The reported objective is the ``math.fsum`` of the chosen pairs'
original float scores, not the solver's value.

Fair mode (``fair=True``): max-min fairness, the goal OpenReview's FairFlow and FairIR
(Kobren et al., KDD 2019) pursue. A demand's score is the sum of its assigned pairs' scores;
the minimum ranges over demands with at least one assignable candidate (one nobody may
serve would pin it to 0 and say nothing).

1. LP: maximise ``t`` subject to every demand's score >= ``t``. Its value ``t*`` is
   ``min_demand_bound``, an upper bound on what any integral assignment can reach.
2. LP: maximise the total score subject to every demand's score >= ``t* - tol``
   (``tol = fair_tolerance * max |score|``), then round it to 0/1 by iterative rounding
   (FairIR): fix the integral variables, drop the score row of any demand left with at
   most 3 fractional pairs, re-solve, repeat. Loads and counts hold exactly, the total is
   at least the LP's, and a demand whose row was dropped loses at most those <= 3 pairs'
   scores (FairIR's additive guarantee).
3. If the result falls short of ``t* - tol``, exact MIPs (max ``t``, then max total with
   every demand >= ``t - tol``) polish it within ``time_limit``: on the whole instance up
   to 5,000 pairs, else on the pairs step 2's first LP left fractional (the rest stays as
   that LP fixed it; usually a few hundred pairs).

Guarantee: the answer meets every constraint, is never worse for the worst-off demand than
plain mode's, and is never worse than the rounding's bound above. ``optimal`` is True when
it is proven lexicographically optimal: its minimum reaches ``t* - tol`` and its total
stage 2's LP bound, or the whole-instance MIPs finished. With more than one expert per
demand max-min allocation is NP-hard, so that proof is not always available; the gap is
``min_demand_bound - min_demand_score``.

When no assignment exists, :class:`InfeasibleAssignment` lists, in Chinese, each constraint
that cannot be met: forced pairs that clash with conflicts, candidates or loads; demands
with too few candidates; total capacity; and otherwise a Hall-type violation, a group of
demands whose candidates together cannot supply them, read off the minimum cut of the
minimum-requirement flow network (source → demand: its minimum, demand → expert: 1,
expert → sink: remaining load). Its source side is exactly such a group.
"""

from __future__ import annotations

import csv
import json
import math
import numbers
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from tepai.matching.errors import InfeasibleAssignment, InvalidInput

__all__ = [
    "Assignment",
    "AssignmentResult",
    "assignment_to_json",
    "read_conflicts",
    "read_scores",
    "solve_assignment",
    "write_assignment_json",
]

# An LP value this close to 0 or 1 counts as integral (HiGHS's feasibility tolerance is 1e-7).
_INTEGRAL_TOL = 1e-6
# MIP stages must be exact, not HiGHS's default 1e-4 relative gap.
_MIP_GAP = 1e-9
# How many demand / expert names a reason lists before "等 N 个".
_NAME_LIMIT = 8
# How many separate Hall-type groups a diagnosis looks for.
_HALL_ROUNDS = 5
# Fair mode polishes a rounded answer with exact MIPs up to this many candidate pairs; beyond
# it the MIPs' search trees grow past seconds and gigabytes.
_FAIR_EXACT_PAIRS = 5000


@dataclass(frozen=True)
class Assignment:
    """One assigned pair and its original score."""

    demand: str
    expert: str
    score: float


@dataclass(frozen=True)
class AssignmentResult:
    """The assignment found.

    ``objective`` is the exact sum of the chosen pairs' scores; ``assignments`` are sorted by
    demand, then score (highest first). Plain mode is always optimal. In fair mode
    ``min_demand_score`` is the smallest total score a demand (with an assignable candidate)
    receives, ``min_demand_bound`` the LP upper bound on it, and ``optimal`` whether the
    answer is proven lexicographically optimal (see the module docstring).
    """

    objective: float
    assignments: list[Assignment]
    min_demand_score: float | None = None
    solve_seconds: float = 0.0
    min_demand_bound: float | None = None
    optimal: bool = True


# --------------------------------------------------------------------------------------------
# Input → arrays


@dataclass
class _Problem:
    """The validated instance as index arrays; "usable" pairs are the LP's variables."""

    demands: list[str]
    experts: list[str]
    pd: np.ndarray  # demand index of each usable pair
    pe: np.ndarray  # expert index of each usable pair
    score: np.ndarray  # float64 score of each usable pair
    forced: np.ndarray  # bool: the usable pair is forced
    cap: np.ndarray  # remaining load of each expert (max_load - current, at least 0)
    max_load: np.ndarray
    current: np.ndarray
    dmin: np.ndarray
    dmax: np.ndarray
    n_candidates: np.ndarray  # listed candidate pairs per demand, before any exclusion
    n_conflicts: np.ndarray  # candidate pairs per demand removed as conflicts
    n_full: np.ndarray  # candidate pairs per demand whose expert has no remaining load
    forced_reasons: list[str]

    @property
    def n(self) -> int:
        return len(self.score)


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_count(value: object, what: str) -> int:
    if not _is_int(value) or int(value) < 0:  # type: ignore[call-overload]
        raise InvalidInput(f"{what}必须是非负整数，收到 {value!r}")
    return int(value)  # type: ignore[call-overload,no-any-return]


def _check_score(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(f"{where}的分数必须是数字，收到 {value!r}")
    score = float(value)
    if not math.isfinite(score):
        raise InvalidInput(f"{where}的分数必须是有限数，收到 {value!r}")
    return score


def _unpack_pair(item: object) -> tuple[Any, Any, object]:
    if isinstance(item, Assignment):
        return item.demand, item.expert, item.score
    if isinstance(item, (tuple, list)) and len(item) == 3:
        return item[0], item[1], item[2]
    raise InvalidInput(f"候选对必须是 (需求, 专家, 分数) 三元组，收到 {item!r}")


def _unpack_key(item: object, what: str) -> tuple[Any, Any]:
    if isinstance(item, (tuple, list)) and len(item) == 2:
        return item[0], item[1]
    raise InvalidInput(f"{what}必须是 (需求, 专家) 二元组，收到 {item!r}")


def _check_id(value: object, what: str) -> None:
    if value is None or value == "":
        raise InvalidInput(f"{what}编号不能为空")
    try:
        hash(value)
    except TypeError:
        raise InvalidInput(f"{what}编号必须可哈希，收到 {value!r}") from None


def _names(items: list[str], unit: str = "个") -> str:
    """Return up to _NAME_LIMIT names joined with 、, then "等 N 个" when there are more."""
    shown = "、".join(str(x) for x in items[:_NAME_LIMIT])
    if len(items) > _NAME_LIMIT:
        shown += f" 等 {len(items)} {unit}"
    return shown


def _build(
    pairs: Iterable[Any],
    max_load: int | Mapping[str, int],
    per_demand_min: int | Mapping[str, int],
    per_demand_max: int | Mapping[str, int],
    conflicts: Iterable[tuple[str, str]],
    forced: Iterable[tuple[str, str]],
    current_load: Mapping[str, int] | None,
) -> _Problem:
    demand_index: dict[Any, int] = {}
    expert_index: dict[Any, int] = {}
    seen: set[tuple[Any, Any]] = set()
    cd: list[int] = []
    ce: list[int] = []
    cs: list[float] = []
    keys: list[tuple[Any, Any]] = []
    for item in pairs:
        d, e, s = _unpack_pair(item)
        _check_id(d, "需求")
        _check_id(e, "专家")
        if (d, e) in seen:
            raise InvalidInput(f"候选对重复：需求 {d} ↔ 专家 {e}")
        score = _check_score(s, f"候选对 需求 {d} ↔ 专家 {e} ")
        seen.add((d, e))
        keys.append((d, e))
        cd.append(demand_index.setdefault(d, len(demand_index)))
        ce.append(expert_index.setdefault(e, len(expert_index)))
        cs.append(score)
    # Experts named only by forced pairs come after these; having no candidate pair is
    # reported as such, so they need no load of their own.
    n_listed = len(expert_index)

    conflict_set: set[tuple[Any, Any]] = set()
    for item in conflicts:
        conflict_set.add(_unpack_key(item, "利益冲突"))
    forced_list: list[tuple[Any, Any]] = []
    forced_seen: set[tuple[Any, Any]] = set()
    for item in forced:
        key = _unpack_key(item, "强制分配")
        _check_id(key[0], "需求")
        _check_id(key[1], "专家")
        if key not in forced_seen:
            forced_seen.add(key)
            forced_list.append(key)
            demand_index.setdefault(key[0], len(demand_index))
            expert_index.setdefault(key[1], len(expert_index))

    # Demands named only in a minimum mapping still need experts: they enter the universe.
    if isinstance(per_demand_min, Mapping):
        for d, m in per_demand_min.items():
            if _check_count(m, f"需求 {d} 的最少专家数") > 0:
                demand_index.setdefault(d, len(demand_index))

    demands = list(demand_index)
    experts = list(expert_index)
    n_d, n_e = len(demands), len(experts)

    # Per-expert remaining load.
    mx = np.zeros(n_e, dtype=np.int64)
    if isinstance(max_load, Mapping):
        missing = [e for e in experts[:n_listed] if e not in max_load]
        if missing:
            raise InvalidInput(f"以下专家未设置最大负荷：{_names(missing)}")
        for i, e in enumerate(experts):
            mx[i] = _check_count(max_load.get(e, 0), f"专家 {e} 的最大负荷")
    else:
        mx[:] = _check_count(max_load, "最大负荷")
    cur = np.zeros(n_e, dtype=np.int64)
    if current_load is not None:
        for i, e in enumerate(experts):
            if e in current_load:
                cur[i] = _check_count(current_load[e], f"专家 {e} 的当前负荷")
    cap = np.maximum(mx - cur, 0)

    # Per-demand bounds. A missing minimum means "no minimum"; a maximum has no neutral
    # default, so a mapping must name every demand.
    dmin = np.zeros(n_d, dtype=np.int64)
    dmax = np.zeros(n_d, dtype=np.int64)
    if isinstance(per_demand_min, Mapping):
        for i, d in enumerate(demands):
            dmin[i] = _check_count(per_demand_min.get(d, 0), f"需求 {d} 的最少专家数")
    else:
        dmin[:] = _check_count(per_demand_min, "每个需求的最少专家数")
    if isinstance(per_demand_max, Mapping):
        missing = [d for d in demands if d not in per_demand_max]
        if missing:
            raise InvalidInput(f"以下需求未设置最多专家数：{_names(missing)}")
        for i, d in enumerate(demands):
            dmax[i] = _check_count(per_demand_max[d], f"需求 {d} 的最多专家数")
    else:
        dmax[:] = _check_count(per_demand_max, "每个需求的最多专家数")
    bad = np.flatnonzero(dmin > dmax)
    if len(bad):
        i = int(bad[0])
        raise InvalidInput(f"需求 {demands[i]} 的最少专家数 {dmin[i]} 大于最多专家数 {dmax[i]}")

    pd_all = np.asarray(cd, dtype=np.int64)
    pe_all = np.asarray(ce, dtype=np.int64)
    ps_all = np.asarray(cs, dtype=np.float64)
    in_conflict = (
        np.fromiter((k in conflict_set for k in keys), dtype=bool, count=len(keys))
        if conflict_set
        else np.zeros(len(keys), dtype=bool)
    )
    full = cap[pe_all] == 0
    usable = ~in_conflict & ~full
    n_candidates = np.bincount(pd_all, minlength=n_d)
    n_conflicts = np.bincount(pd_all[in_conflict], minlength=n_d)
    n_full = np.bincount(pd_all[~in_conflict & full], minlength=n_d)

    pair_pos = {k: i for i, k in enumerate(keys)}
    forced_mask_all = np.zeros(len(keys), dtype=bool)
    reasons: list[str] = []
    forced_by_d = np.zeros(n_d, dtype=np.int64)
    forced_by_e = np.zeros(n_e, dtype=np.int64)
    for d, e in forced_list:
        if (d, e) in conflict_set:
            reasons.append(f"强制分配 需求 {d} ↔ 专家 {e} 与利益冲突相矛盾")
        elif (d, e) not in pair_pos:
            reasons.append(f"强制分配 需求 {d} ↔ 专家 {e} 不在候选对中")
        else:
            forced_mask_all[pair_pos[(d, e)]] = True
            forced_by_d[demand_index[d]] += 1
            forced_by_e[expert_index[e]] += 1
    for i in np.flatnonzero(forced_by_e > cap).tolist():
        reasons.append(
            f"专家 {experts[i]} 被强制分配 {forced_by_e[i]} 项需求，但剩余容量只有 {cap[i]}"
            f"（最大负荷 {mx[i]}，当前负荷 {cur[i]}）"
        )
    for i in np.flatnonzero(forced_by_d > dmax).tolist():
        reasons.append(
            f"需求 {demands[i]} 被强制分配 {forced_by_d[i]} 名专家，但最多只能分配 {dmax[i]} 名"
        )

    return _Problem(
        demands=demands,
        experts=experts,
        pd=pd_all[usable],
        pe=pe_all[usable],
        score=ps_all[usable],
        forced=forced_mask_all[usable],
        cap=cap,
        max_load=mx,
        current=cur,
        dmin=dmin,
        dmax=dmax,
        n_candidates=n_candidates,
        n_conflicts=n_conflicts,
        n_full=n_full,
        forced_reasons=reasons,
    )


# --------------------------------------------------------------------------------------------
# Diagnosis of infeasibility


def _simple_reasons(p: _Problem) -> tuple[list[str], np.ndarray, bool]:
    """Return per-demand and total-capacity reasons, the reported demands and whether the
    total-capacity check failed."""
    reasons: list[str] = []
    n_d = len(p.demands)
    usable_per_d = np.bincount(p.pd, minlength=n_d)
    short = np.flatnonzero(usable_per_d < p.dmin)
    for i in short:
        k = int(usable_per_d[i])
        notes = []
        if p.n_conflicts[i]:
            notes.append(f"已排除 {p.n_conflicts[i]} 对利益冲突")
        if p.n_full[i]:
            notes.append(f"{p.n_full[i]} 名候选专家已满负荷")
        note = f"（{'，'.join(notes)}）" if notes else ""
        have = f"只有 {k} 名候选专家" if k else "没有可分配的候选专家"
        if k == 0 and p.n_candidates[i] == 0:
            have = "没有候选专家"
        reasons.append(f"需求 {p.demands[i]} 至少需要 {p.dmin[i]} 名专家，但{have}{note}")

    forced_d = np.bincount(p.pd[p.forced], minlength=n_d)
    need = int(np.maximum(p.dmin, forced_d).sum())
    deg_e = np.bincount(p.pe, minlength=len(p.experts))
    supply = int(np.minimum(p.cap, deg_e).sum())
    total_short = need > supply
    if total_short:
        reasons.append(f"所有需求至少需要 {need} 人次，而专家可用容量合计只有 {supply} 人次")
    return reasons, short, total_short


def _hall_reasons(p: _Problem, skip: np.ndarray) -> list[str]:
    """Return Hall-type reasons found by max-flow min-cut on the minimum requirements.

    After forced pairs are taken out, demand d still needs ``req[d]`` experts and expert e
    can take ``cap2[e]``. If the max flow falls short, the demands reachable from the source
    in the residual graph form a group S whose demand exceeds what its candidates can give:
    the cut's value is ``sum(req outside S) + sum(cap2 over reachable experts) +
    #(edges from S to unreachable experts)``, which bounds ``sum(min(cap2[e], deg_S(e)))``.
    """
    n_d, n_e = len(p.demands), len(p.experts)
    forced_d = np.bincount(p.pd[p.forced], minlength=n_d)
    forced_e = np.bincount(p.pe[p.forced], minlength=n_e)
    req = np.maximum(p.dmin - forced_d, 0)
    req[skip] = 0
    cap2 = np.maximum(p.cap - forced_e, 0)
    free = ~p.forced
    reasons: list[str] = []
    for _ in range(_HALL_ROUNDS):
        total = int(req.sum())
        if total == 0:
            break
        keep = free & (req[p.pd] > 0) & (cap2[p.pe] > 0)
        ed, ee = p.pd[keep], p.pe[keep]
        src, sink = 0, n_d + n_e + 1
        has_req = np.flatnonzero(req > 0)
        has_cap = np.flatnonzero(cap2 > 0)
        rows = np.concatenate([np.zeros(len(has_req), np.int64), 1 + ed, 1 + n_d + has_cap])
        cols = np.concatenate([1 + has_req, 1 + n_d + ee, np.full(len(has_cap), sink)])
        # Capacities above the total requirement never bind; clipping keeps them in int32.
        caps = np.concatenate(
            [req[has_req], np.ones(len(ed), np.int64), np.minimum(cap2[has_cap], total)]
        ).astype(np.int32)
        graph = sparse.csr_array((caps, (rows, cols)), shape=(sink + 1, sink + 1))
        flow = maximum_flow(graph, src, sink, method="dinic")
        if flow.flow_value >= total:
            break
        residual = (graph - flow.flow).tocsr()
        residual.data = (residual.data > 0).astype(np.int8)
        residual.eliminate_zeros()
        reach = breadth_first_order(residual, src, directed=True, return_predecessors=False)
        group = np.sort(reach[(reach >= 1) & (reach <= n_d)] - 1)
        in_group = np.zeros(n_d, dtype=bool)
        in_group[group] = True
        # Name every free candidate of the group, full ones included (they explain it).
        sel = free & in_group[p.pd]
        deg_s = np.bincount(p.pe[sel], minlength=n_e)
        nbrs = np.flatnonzero(deg_s)
        supply = int(np.minimum(cap2[nbrs], deg_s[nbrs]).sum())
        need = int(req[group].sum())
        names = [str(p.demands[i]) for i in group]
        if len(names) == 1:
            lead, whose = f"需求 {names[0]} 至少需要 {need} 人次", "其"
        else:
            gap = "" if len(names) > _NAME_LIMIT else " "  # "等 30 个合计", "A、B 合计"
            lead = f"需求 {_names(names)}{gap}合计至少需要 {need} 人次"
            whose = "它们的全部"
        note = "（已扣除强制分配）" if forced_d[group].any() or forced_e[nbrs].any() else ""
        if len(nbrs):
            experts = _names([str(p.experts[i]) for i in nbrs], "名")
            if len(nbrs) <= _NAME_LIMIT:
                experts += f"，共 {len(nbrs)} 名"
            who = f"{whose}候选专家（{experts}）受负荷上限所限最多只能提供 {supply} 人次{note}"
        else:
            who = f"{whose}候选专家均已被强制分配占满"
        reasons.append(f"{lead}，但{who}")
        req[group] = 0
    return reasons


def _infeasible(reasons: list[str]) -> InfeasibleAssignment:
    message = "无法完成分配：" + "；".join(reasons)
    return InfeasibleAssignment(message, reasons)


# --------------------------------------------------------------------------------------------
# Solving


@dataclass
class _Rows:
    """Constraints ``lb <= A x <= ub`` (only rows that can bind)."""

    matrix: sparse.csr_array
    lb: np.ndarray
    ub: np.ndarray


def _stack(*blocks: _Rows) -> _Rows:
    return _Rows(
        sparse.vstack([b.matrix for b in blocks], format="csr"),
        np.concatenate([b.lb for b in blocks]),
        np.concatenate([b.ub for b in blocks]),
    )


def _assignment_rows(
    pd: np.ndarray, pe: np.ndarray, cap: np.ndarray, dmin: np.ndarray, dmax: np.ndarray
) -> _Rows:
    """Return the expert-load and demand-count rows over the pairs (pd, pe)."""
    n, n_d, n_e = len(pd), len(dmin), len(cap)
    cols = np.arange(n)
    deg_e = np.bincount(pe, minlength=n_e)
    deg_d = np.bincount(pd, minlength=n_d)
    # A row that cannot bind (degree within the bound, no minimum) only slows the solver.
    e_rows = np.flatnonzero(deg_e > cap)
    d_rows = np.flatnonzero((deg_d > 0) & ((dmin > 0) | (dmax < deg_d)))
    e_map = np.full(n_e, -1, np.int64)
    e_map[e_rows] = np.arange(len(e_rows))
    d_map = np.full(n_d, -1, np.int64)
    d_map[d_rows] = len(e_rows) + np.arange(len(d_rows))
    re, rd = e_map[pe], d_map[pd]
    me, md = re >= 0, rd >= 0
    rows = np.concatenate([re[me], rd[md]])
    cc = np.concatenate([cols[me], cols[md]])
    m = len(e_rows) + len(d_rows)
    matrix = sparse.csr_array((np.ones(len(rows)), (rows, cc)), shape=(m, n))
    lb = np.concatenate([np.full(len(e_rows), -np.inf), dmin[d_rows].astype(float)])
    ub = np.concatenate([cap[e_rows].astype(float), dmax[d_rows].astype(float)])
    return _Rows(matrix, lb, ub)


def _score_rows(pd: np.ndarray, score: np.ndarray, demands: np.ndarray, lb: np.ndarray) -> _Rows:
    """Return rows ``sum(score of demand d's pairs) >= lb[d]`` for d in ``demands``."""
    row_of = np.full(len(lb), -1, np.int64)
    row_of[demands] = np.arange(len(demands))
    r = row_of[pd]
    keep = r >= 0
    matrix = sparse.csr_array(
        (score[keep], (r[keep], np.flatnonzero(keep))), shape=(len(demands), len(pd))
    )
    return _Rows(matrix, lb[demands].astype(float), np.full(len(demands), np.inf))


def _linprog(
    c: np.ndarray, rows: _Rows, lower: np.ndarray, upper: np.ndarray, method: str = "highs-ds"
) -> Any:
    """Return linprog's result for ``min c x`` s.t. rows and bounds, on a vertex.

    Dual simplex ends on a basic solution, which is what total unimodularity (plain mode)
    and the counting argument of iterative rounding (fair mode) need.
    """
    a = rows.matrix
    eq = rows.lb == rows.ub
    has_ub = ~eq & np.isfinite(rows.ub)
    has_lb = ~eq & np.isfinite(rows.lb)
    kwargs: dict[str, Any] = {}
    if has_ub.any() or has_lb.any():
        kwargs["A_ub"] = sparse.vstack([a[has_ub], -a[has_lb]], format="csr")
        kwargs["b_ub"] = np.concatenate([rows.ub[has_ub], -rows.lb[has_lb]])
    if eq.any():
        kwargs["A_eq"], kwargs["b_eq"] = a[eq], rows.lb[eq]
    return linprog(c, bounds=np.column_stack([lower, upper]), method=method, **kwargs)


def _milp(
    c: np.ndarray,
    rows: _Rows,
    lower: np.ndarray,
    upper: np.ndarray,
    integrality: np.ndarray,
    time_limit: float | None = None,
) -> Any:
    options: dict[str, Any] = {"mip_rel_gap": _MIP_GAP}
    if time_limit is not None:
        options["time_limit"] = max(time_limit, 0.01)
    return milp(
        c,
        constraints=[LinearConstraint(rows.matrix, rows.lb, rows.ub)],
        integrality=integrality,
        bounds=Bounds(lower, upper),
        options=options,
    )


def _integral(x: np.ndarray) -> bool:
    return bool(np.all(np.abs(x - np.round(x)) <= _INTEGRAL_TOL))


def _base_rows(p: _Problem) -> _Rows:
    return _assignment_rows(p.pd, p.pe, p.cap, p.dmin, p.dmax)


def _solve_plain(p: _Problem) -> np.ndarray | None:
    """Return the optimal 0/1 vector of usable pairs, or None when infeasible."""
    rows = _base_rows(p)
    lower, upper = p.forced.astype(float), np.ones(p.n)
    res = _linprog(-p.score, rows, lower, upper)
    if res.status == 2:
        return None
    if res.status == 0 and _integral(res.x):
        chosen: np.ndarray = np.round(res.x).astype(bool)
        return chosen
    # Not integral (or the LP solver gave up): solve the 0/1 model as a MIP instead.
    res = _milp(-p.score, rows, lower, upper, np.ones(p.n))
    if res.x is None:
        if res.status == 2:
            return None
        raise RuntimeError(f"HiGHS 未能求解分配问题：{res.message}")
    solved: np.ndarray = np.round(res.x).astype(bool)
    return solved


def _demand_scores(p: _Problem, x: np.ndarray) -> np.ndarray:
    return np.bincount(p.pd[x], weights=p.score[x], minlength=len(p.demands))


def _feasible(p: _Problem, x: np.ndarray) -> bool:
    """Return whether the 0/1 vector meets every constraint exactly (integer arithmetic)."""
    per_d = np.bincount(p.pd[x], minlength=len(p.demands))
    per_e = np.bincount(p.pe[x], minlength=len(p.experts))
    return bool(
        np.all(per_e <= p.cap)
        and np.all(per_d >= p.dmin)
        and np.all(per_d <= p.dmax)
        and np.all(x[p.forced])
    )


@dataclass
class _Rounded:
    """Iterative rounding's answer and what its first LP left fractional."""

    x: np.ndarray  # the integral assignment
    first_integral: bool  # the first LP's vertex was integral: nothing was rounded
    first_ones: np.ndarray  # pairs at 1 in the first LP
    first_fractional: np.ndarray  # indices of pairs strictly between 0 and 1 in it
    first_total: float  # the first LP's objective: an upper bound on the total


def _fair_round(p: _Problem, tau: float, fair_d: np.ndarray) -> _Rounded:
    """Return an integral assignment from the LP "max total s.t. every demand >= tau".

    Iterative rounding (as in FairIR, Kobren et al., KDD 2019): solve the LP at a vertex,
    fix every integral variable for good, drop the score row of each demand with at most 3
    fractional pairs left, re-solve on the fractional rest, repeat. Counting tight rows shows
    a vertex with all variables fractional must have such a demand (each load and count row
    holds >= 2 fractional pairs, a demand with both rows >= 4), so every round makes
    progress. Dropped rows are the only relaxation, and each re-solve starts from a
    feasible point, so the total never falls below the first LP's and the loads and counts
    hold exactly; a demand whose row was dropped loses at most the scores of those <= 3
    pairs.
    """
    n, n_d, n_e = p.n, len(p.demands), len(p.experts)
    ones = np.zeros(n, dtype=bool)  # fixed at 1
    active = np.arange(n)
    keep_row = np.zeros(n_d, dtype=bool)
    keep_row[fair_d] = True
    target = np.full(n_d, tau)
    first: _Rounded | None = None
    while len(active):
        pd, pe = p.pd[active], p.pe[active]
        got_d = np.bincount(p.pd[ones], minlength=n_d)
        rows = _assignment_rows(
            pd,
            pe,
            p.cap - np.bincount(p.pe[ones], minlength=n_e),
            np.maximum(p.dmin - got_d, 0),
            p.dmax - got_d,
        )
        live = np.flatnonzero(keep_row & (np.bincount(pd, minlength=n_d) > 0))
        residual = target - np.bincount(p.pd[ones], weights=p.score[ones], minlength=n_d)
        rows = _stack(rows, _score_rows(pd, p.score[active], live, residual))
        res = _linprog(-p.score[active], rows, p.forced[active].astype(float), np.ones(len(pd)))
        if res.status != 0:
            # Only numerical trouble gets here (the previous vertex stays feasible); without
            # score rows the LP is totally unimodular again.
            if keep_row.any():
                keep_row[:] = False
                continue
            raise RuntimeError(f"HiGHS 未能求解公平分配的线性规划：{res.message}")
        x = res.x
        at_one = x >= 1 - _INTEGRAL_TOL
        at_zero = x <= _INTEGRAL_TOL
        progress = bool(at_one.any() or at_zero.any())
        ones[active[at_one]] = True
        active = active[~at_one & ~at_zero]
        if first is None:
            first = _Rounded(ones, not len(active), ones.copy(), active.copy(), -float(res.fun))
        frac_d = np.bincount(p.pd[active], minlength=n_d)
        drop = keep_row & (frac_d <= 3)
        if drop.any():
            keep_row[drop] = False
            progress = True
        if not progress:
            keep_row[:] = False
    if first is None:  # no pairs at all
        first = _Rounded(ones, True, ones.copy(), active, 0.0)
    first.x = ones
    return first


def _restrict(p: _Problem, keep: np.ndarray, ones: np.ndarray) -> tuple[_Problem, np.ndarray]:
    """Return the sub-problem on pairs ``keep`` once pairs ``ones`` are assigned, and each
    demand's score from those fixed pairs."""
    n_d, n_e = len(p.demands), len(p.experts)
    got_d = np.bincount(p.pd[ones], minlength=n_d)
    sub = _Problem(
        demands=p.demands,
        experts=p.experts,
        pd=p.pd[keep],
        pe=p.pe[keep],
        score=p.score[keep],
        forced=p.forced[keep],
        cap=p.cap - np.bincount(p.pe[ones], minlength=n_e),
        max_load=p.max_load,
        current=p.current,
        dmin=np.maximum(p.dmin - got_d, 0),
        dmax=p.dmax - got_d,
        n_candidates=p.n_candidates,
        n_conflicts=p.n_conflicts,
        n_full=p.n_full,
        forced_reasons=[],
    )
    return sub, np.bincount(p.pd[ones], weights=p.score[ones], minlength=n_d)


def _fair_exact(
    p: _Problem,
    fair_d: np.ndarray,
    base: np.ndarray,
    t_low: float,
    tolerance: float,
    time_limit: float | None,
) -> tuple[np.ndarray | None, bool]:
    """Return the lexicographic optimum of ``p`` by two MIPs (max-min, then max total) and
    whether both finished; None when stage 1 found nothing.

    ``base`` is each demand's score from pairs fixed outside ``p``; ``t_low`` a minimum some
    assignment is known to reach, which prunes the search.
    """
    n, n_d = p.n, len(p.demands)
    start = time.perf_counter()
    rows = _base_rows(p)
    varying = np.zeros(n_d, dtype=bool)
    varying[p.pd] = True
    live = fair_d[varying[fair_d]]
    fixed_only = fair_d[~varying[fair_d]]
    # Stage 1: max t s.t. base[d] + score of d's pairs - t >= 0 for every varying demand;
    # demands with no free pair cap t at their fixed score.
    srows = _score_rows(p.pd, p.score, live, -base)
    rows1 = _Rows(
        sparse.vstack(
            [
                sparse.hstack([rows.matrix, sparse.csr_array((rows.matrix.shape[0], 1))]),
                sparse.hstack([srows.matrix, sparse.csr_array(-np.ones((len(live), 1)))]),
            ],
            format="csr",
        ),
        np.concatenate([rows.lb, srows.lb]),
        np.concatenate([rows.ub, srows.ub]),
    )
    t_high = float(base[fixed_only].min()) if len(fixed_only) else np.inf
    c1 = np.zeros(n + 1)
    c1[-1] = -1.0
    lower1 = np.append(p.forced.astype(float), min(t_low, t_high))
    upper1 = np.append(np.ones(n), t_high)
    s1 = _milp(c1, rows1, lower1, upper1, np.append(np.ones(n), 0), time_limit)
    if s1.x is None:
        return None, False
    x1 = np.round(s1.x[:n]).astype(bool)
    t1 = float((base + _demand_scores(p, x1))[fair_d].min())
    left = None if time_limit is None else time_limit - (time.perf_counter() - start)
    tau = t1 - tolerance
    rows2 = _stack(rows, _score_rows(p.pd, p.score, live, tau - base))
    s2 = _milp(-p.score, rows2, p.forced.astype(float), np.ones(n), np.ones(n), left)
    x2 = x1
    if s2.x is not None:
        cand = np.round(s2.x).astype(bool)
        if (base + _demand_scores(p, cand))[fair_d].min() >= tau and _feasible(p, cand):
            x2 = cand
    return x2, s1.status == 0 and s2.status == 0


def _better(p: _Problem, fair_d: np.ndarray, a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    """Return whether ``a`` beats ``b``: a higher minimum (beyond tol), else a higher total."""
    ma = float(_demand_scores(p, a)[fair_d].min())
    mb = float(_demand_scores(p, b)[fair_d].min())
    if abs(ma - mb) > tol:
        return ma > mb
    return float(p.score[a].sum()) > float(p.score[b].sum())


def _solve_fair(
    p: _Problem, x_plain: np.ndarray, tolerance: float, time_limit: float | None
) -> tuple[np.ndarray, float, bool]:
    """Return (0/1 vector, LP upper bound on the minimum demand score, proven optimal?)."""
    start = time.perf_counter()
    n, n_d = p.n, len(p.demands)
    fair_d = np.unique(p.pd)  # demands with at least one assignable candidate
    base = _base_rows(p)
    srows = _score_rows(p.pd, p.score, fair_d, np.zeros(n_d))
    # Stage 1 (LP): max t s.t. every demand's score - t >= 0. Only the value is needed, and
    # on this degenerate LP the interior-point method is several times faster than simplex.
    rows1 = _Rows(
        sparse.vstack(
            [
                sparse.hstack([base.matrix, sparse.csr_array((base.matrix.shape[0], 1))]),
                sparse.hstack([srows.matrix, sparse.csr_array(-np.ones((len(fair_d), 1)))]),
            ],
            format="csr",
        ),
        np.concatenate([base.lb, srows.lb]),
        np.concatenate([base.ub, srows.ub]),
    )
    c1 = np.zeros(n + 1)
    c1[-1] = -1.0
    lp = _linprog(
        c1,
        rows1,
        np.append(p.forced.astype(float), -np.inf),
        np.append(np.ones(n), np.inf),
        method="highs-ipm",
    )
    if lp.status != 0:
        raise RuntimeError(f"HiGHS 未能求解公平分配的线性规划：{lp.message}")
    bound = float(-lp.fun)
    tol = tolerance  # scores arrive scaled to a largest magnitude of 1

    # Stage 2 (LP + iterative rounding): max total s.t. every demand >= bound - tol.
    rounded = _fair_round(p, bound - tol, fair_d)
    x = rounded.x
    if not _feasible(p, x) or _better(p, fair_d, x_plain, x, tol):
        # Numerical trouble only: plain mode's answer is always valid, and fair mode is
        # never worse for the worst-off demand than plain mode.
        x = x_plain
    t_round = float(_demand_scores(p, x)[fair_d].min())
    total_bound = rounded.first_total - 1e-9 * max(1.0, abs(rounded.first_total))

    def proven(y: np.ndarray) -> bool:
        # The LP bounds prove it: the minimum reaches stage 1's bound (within tol) and the
        # total stage 2's, which no assignment holding that minimum can beat.
        return bool(
            _demand_scores(p, y)[fair_d].min() >= bound - tol and p.score[y].sum() >= total_bound
        )

    # Polish with exact MIPs: the whole instance when small, else the pairs the first LP
    # left fractional (the rest stays as that LP fixed it).
    if proven(x):
        return x, bound, True
    left = None if time_limit is None else time_limit - (time.perf_counter() - start)
    if n <= _FAIR_EXACT_PAIRS:
        exact, finished = _fair_exact(p, fair_d, np.zeros(n_d), t_round, tol, left)
        if exact is not None and not _better(p, fair_d, x, exact, tol):
            return exact, bound, finished or proven(exact)
    elif 0 < len(rounded.first_fractional) <= _FAIR_EXACT_PAIRS:
        keep = rounded.first_fractional
        sub, fixed = _restrict(p, keep, rounded.first_ones)
        part, _ = _fair_exact(sub, fair_d, fixed, t_round, tol, left)
        if part is not None:
            cand = rounded.first_ones.copy()
            cand[keep[part]] = True
            if _feasible(p, cand) and _better(p, fair_d, cand, x, tol):
                x = cand
    return x, bound, proven(x)


def solve_assignment(
    pairs: Iterable[tuple[str, str, float] | Assignment],
    *,
    max_load: int | Mapping[str, int],
    per_demand_min: int | Mapping[str, int] = 0,
    per_demand_max: int | Mapping[str, int] = 1,
    conflicts: Iterable[tuple[str, str]] = (),
    forced: Iterable[tuple[str, str]] = (),
    current_load: Mapping[str, int] | None = None,
    fair: bool = False,
    fair_tolerance: float = 1e-6,
    time_limit: float | None = 10.0,
) -> AssignmentResult:
    """Return the assignment of candidate pairs with the largest total score.

    ``pairs`` are ``(demand, expert, score)`` triples (or :class:`Assignment`); only these
    pairs may be assigned. ``max_load`` caps each expert's assignments (an int for all, or a
    mapping that must name every expert); ``current_load`` is subtracted from it.
    ``per_demand_min``/``per_demand_max`` bound each demand's number of experts (an int, or a
    mapping: a missing minimum is 0, a missing maximum is an error; demands named with a
    positive minimum but no candidates are infeasible). ``conflicts`` are never assigned,
    ``forced`` always. ``fair=True`` maximises the worst-off demand's total score first
    (see the module docstring); ``fair_tolerance`` is how far below that minimum stage 2 may
    go, relative to the largest absolute score; ``time_limit`` (seconds, None: no limit)
    bounds the fair mode's exact MIP polish.

    Raises InvalidInput for malformed input and InfeasibleAssignment, with Chinese reasons
    naming the failing constraints, when no assignment satisfies them.
    """
    start = time.perf_counter()
    if not math.isfinite(fair_tolerance) or fair_tolerance < 0:
        raise InvalidInput(f"公平模式容差必须是非负有限数，收到 {fair_tolerance!r}")
    p = _build(pairs, max_load, per_demand_min, per_demand_max, conflicts, forced, current_load)

    simple, short, total_short = _simple_reasons(p)
    reasons = p.forced_reasons + simple
    if reasons:
        # Forced-pair clashes make the flow model meaningless; a total shortfall already is
        # the largest Hall group. Otherwise look for groups the per-demand checks missed.
        if not p.forced_reasons and not total_short:
            reasons += _hall_reasons(p, short)
        raise _infeasible(reasons)

    # HiGHS's tolerances are absolute (1e-7 feasibility, 1e-6 MIP gap), so the solvers see
    # scores scaled to a largest magnitude of 1; results are summed from the originals.
    scale = float(np.abs(p.score).max()) if p.n else 1.0
    scale = scale if scale > 0 else 1.0
    unit = replace(p, score=p.score / scale)
    if p.n == 0:
        x = np.zeros(0, dtype=bool)
    else:
        solved = _solve_plain(unit)
        if solved is None:
            reasons = _hall_reasons(p, np.zeros(0, np.int64))
            raise _infeasible(reasons or ["约束条件互相矛盾，不存在可行的分配方案"])
        x = solved

    min_score: float | None = None
    bound: float | None = None
    optimal = True
    if fair and p.n:
        x, unit_bound, optimal = _solve_fair(unit, x, fair_tolerance, time_limit)
        bound = unit_bound * scale
        chosen_scores: list[list[float]] = [[] for _ in p.demands]
        for i in np.flatnonzero(x):
            chosen_scores[p.pd[i]].append(float(p.score[i]))
        min_score = min(math.fsum(chosen_scores[d]) for d in np.unique(p.pd))

    chosen = np.flatnonzero(x)
    assignments = [
        Assignment(p.demands[p.pd[i]], p.experts[p.pe[i]], float(p.score[i])) for i in chosen
    ]
    assignments.sort(key=lambda a: (str(a.demand), -a.score, str(a.expert)))
    return AssignmentResult(
        objective=math.fsum(a.score for a in assignments),
        assignments=assignments,
        min_demand_score=min_score,
        solve_seconds=time.perf_counter() - start,
        min_demand_bound=bound,
        optimal=optimal,
    )


# --------------------------------------------------------------------------------------------
# Files


def _rows(path: str | Path, columns: tuple[str, ...]) -> Iterable[tuple[int, list[str]]]:
    """Yield (line number, the named columns' stripped values) for each non-blank row."""
    name = Path(path).name
    with open(path, encoding="utf-8-sig", newline="") as handle:  # Excel writes a BOM
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise InvalidInput(f"{name} 是空文件，缺少表头 {','.join(columns)}")
        names = [h.strip().lower() for h in header]
        missing = [c for c in columns if c not in names]
        if missing:
            raise InvalidInput(
                f"{name} 第 1 行：表头必须包含 {','.join(columns)}，缺少 {','.join(missing)}"
            )
        where = [names.index(c) for c in columns]
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            if len(row) <= max(where):
                raise InvalidInput(f"{name} 第 {line} 行：列数不足，应有 {len(names)} 列")
            values = [row[i].strip() for i in where]
            for column, value in zip(columns, values, strict=True):
                if not value and column != "score":
                    raise InvalidInput(f"{name} 第 {line} 行：{column} 为空")
            yield line, values


def read_scores(path: str | Path) -> list[tuple[str, str, float]]:
    """Return the (demand, expert, score) pairs of a ``demand,expert,score`` CSV file.

    Raises InvalidInput naming the line for a missing column, an empty id, a score that is
    not a finite number, or a pair listed twice.
    """
    name = Path(path).name
    out: list[tuple[str, str, float]] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, (demand, expert, raw) in _rows(path, ("demand", "expert", "score")):
        try:
            score = float(raw)
        except ValueError:
            raise InvalidInput(f"{name} 第 {line} 行：分数 {raw!r} 不是数字") from None
        if not math.isfinite(score):
            raise InvalidInput(f"{name} 第 {line} 行：分数 {raw!r} 不是有限数")
        key = (demand, expert)
        if key in first_line:
            raise InvalidInput(
                f"{name} 第 {line} 行：候选对 {demand} ↔ {expert} 重复"
                f"（第 {first_line[key]} 行已出现）"
            )
        first_line[key] = line
        out.append((demand, expert, score))
    return out


def read_conflicts(path: str | Path) -> list[tuple[str, str]]:
    """Return the (demand, expert) pairs of a ``demand,expert`` conflicts CSV file.

    A pair listed twice is kept once; a missing column or empty id raises InvalidInput
    naming the line.
    """
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []
    for _line, (demand, expert) in _rows(path, ("demand", "expert")):
        if (demand, expert) not in seen:
            seen.add((demand, expert))
            out.append((demand, expert))
    return out


def assignment_to_json(result: AssignmentResult) -> dict[str, Any]:
    """Return the JSON-ready dict ``{"objective", "assignments": [{demand, expert, score}]}``.

    Assignments are sorted by demand, then score (highest first); fair mode adds
    ``min_demand_score``.
    """
    items = sorted(result.assignments, key=lambda a: (str(a.demand), -a.score, str(a.expert)))
    out: dict[str, Any] = {
        "objective": result.objective,
        "assignments": [{"demand": a.demand, "expert": a.expert, "score": a.score} for a in items],
    }
    if result.min_demand_score is not None:
        out["min_demand_score"] = result.min_demand_score
    return out


def write_assignment_json(result: AssignmentResult, path: str | Path) -> None:
    """Write :func:`assignment_to_json` to ``path`` as UTF-8 JSON."""
    text = json.dumps(assignment_to_json(result), ensure_ascii=False, indent=2)
    Path(path).write_text(text + "\n", encoding="utf-8")
