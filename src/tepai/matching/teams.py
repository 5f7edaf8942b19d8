"""Team assembly (组团式帮扶): a small team of experts that together cover a demand's skills.

A candidate *covers* a required skill when their affinity to it is at least ``threshold``.
Teams are compared lexicographically:

1. the number of required skills the team covers, then
2. its score: the members' overall affinities plus ``diversity_bonus`` for each distinct
   institution up to ``min_institutions`` (so with affinities in [0, 1] and the default
   bonus of 1, a second institution is preferred unless it costs a covered skill).

Experts without remaining capacity (``load >= max_load``) are never chosen. An empty
institution counts as unknown: it adds no diversity.

Methods:

* ``"exact"``: a 0/1 MIP solved with ``scipy.optimize.milp`` (HiGHS): ``y_e`` picks expert
  e, ``z_s <= sum(y_e : e covers s)`` marks skill s covered, ``w_i <= sum(y_e : e in i)``
  institution i present with ``sum(w_i) <= min_institutions``, ``sum(y_e) <= max_size``;
  maximise ``W * sum(z) + sum(affinity * y) + bonus * sum(w)`` with ``W`` larger than any
  difference in the second term, which makes it lexicographic. Before solving, dominated
  candidates are dropped: those for whom enough others cover a superset of their skills
  with at least the same affinity, from enough institutions, that one can always take
  their place (see ``_prune``); this is exact and leaves a few dozen of 200 candidates.
* ``"greedy"``: repeatedly add the candidate covering the most still-uncovered skills,
  ties broken by the score it adds, then by the lower load ratio (load balancing), then
  by id. The first phase is the classic greedy for maximum coverage, so the team covers at
  least (1 - 1/e) ≈ 63 % of the skills the best team of the same size could cover
  (Nemhauser, Wolsey & Fisher 1978); once no candidate adds a skill, it keeps adding those
  that raise the score while there is room.
* ``"auto"``: exact when ``max_size <= 6`` and at most 200 candidates remain after the
  pruning above, greedy otherwise.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from tepai.matching.errors import InvalidInput

__all__ = ["TeamCandidate", "TeamMember", "TeamResult", "assemble_team"]

# "auto" solves exactly up to these sizes; beyond them the MIP's time grows quickly.
EXACT_MAX_SIZE = 6
EXACT_MAX_CANDIDATES = 200


@dataclass(frozen=True)
class TeamCandidate:
    """An expert who may join the team.

    ``skills`` maps skill → affinity in [0, 1]; ``affinity`` is the overall affinity to the
    demand; ``load``/``max_load`` the current and maximum number of assignments (None: no
    limit).
    """

    expert_id: str
    skills: Mapping[str, float] = field(default_factory=dict)
    affinity: float = 0.0
    institution: str = ""
    load: int = 0
    max_load: int | None = None


@dataclass(frozen=True)
class TeamMember:
    """A chosen expert, the required skills they cover and their overall affinity."""

    expert_id: str
    covers: list[str]
    affinity: float


@dataclass(frozen=True)
class TeamResult:
    """The team: members (highest affinity first), required skills nobody covers, the score
    (affinities plus diversity bonus), the method used and the number of institutions."""

    members: list[TeamMember]
    uncovered: list[str]
    score: float
    method: Literal["exact", "greedy"]
    institutions: int


@dataclass
class _Pool:
    """Eligible candidates as arrays."""

    ids: list[str]
    cover: np.ndarray  # bool (n, k): candidate covers required skill
    affinity: np.ndarray  # float (n,)
    institution: np.ndarray  # int (n,): institution index, -1 unknown
    utilisation: np.ndarray  # float (n,): load / max_load (0 without a limit)


def _number(value: object, what: str) -> float:
    if type(value) is float and math.isfinite(value):  # the common case, without ABC checks
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(f"{what}必须是数字，收到 {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidInput(f"{what}必须是有限数，收到 {value!r}")
    return number


def _count(value: object, what: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise InvalidInput(f"{what}必须是不小于 {minimum} 的整数，收到 {value!r}")
    return int(value)


def _candidate(item: TeamCandidate | Mapping[str, Any]) -> TeamCandidate:
    if isinstance(item, TeamCandidate):
        return item
    if isinstance(item, Mapping):
        try:
            return TeamCandidate(**item)
        except TypeError as exc:
            raise InvalidInput(f"候选专家字段有误：{exc}") from None
    raise InvalidInput(f"候选专家必须是 TeamCandidate 或字典，收到 {item!r}")


def _pool(
    skills: list[str], candidates: Iterable[TeamCandidate | Mapping[str, Any]], threshold: float
) -> _Pool:
    ids: list[str] = []
    rows: list[list[bool]] = []
    affinity: list[float] = []
    institution: list[int] = []
    utilisation: list[float] = []
    seen: set[str] = set()
    institutions: dict[str, int] = {}
    for item in candidates:
        c = _candidate(item)
        if not c.expert_id:
            raise InvalidInput("候选专家编号不能为空")
        if c.expert_id in seen:
            raise InvalidInput(f"候选专家 {c.expert_id} 重复")
        seen.add(c.expert_id)
        who = f"专家 {c.expert_id} 的"
        overall = _number(c.affinity, f"{who}总体匹配度")
        for skill, value in c.skills.items():
            a = _number(value, f"{who}技能“{skill}”匹配度")
            if not 0.0 <= a <= 1.0:
                raise InvalidInput(f"{who}技能“{skill}”匹配度必须在 0 到 1 之间，收到 {value!r}")
        load = _count(c.load, f"{who}当前负荷")
        if c.max_load is not None:
            limit = _count(c.max_load, f"{who}最大负荷")
            if load >= limit:  # no capacity left: never chosen
                continue
            use = load / limit
        else:
            use = 0.0
        ids.append(c.expert_id)
        rows.append([c.skills.get(s, 0.0) >= threshold for s in skills])
        affinity.append(overall)
        institution.append(
            institutions.setdefault(c.institution, len(institutions)) if c.institution else -1
        )
        utilisation.append(use)
    return _Pool(
        ids=ids,
        cover=np.array(rows, dtype=bool).reshape(len(ids), len(skills)),
        affinity=np.array(affinity, dtype=float),
        institution=np.array(institution, dtype=np.int64),
        utilisation=np.array(utilisation, dtype=float),
    )


def _prune(pool: _Pool, max_size: int, bonus: float, min_institutions: int) -> np.ndarray:
    """Return the candidates an optimal team may need (indices, ascending).

    Candidate i *dominates* j when i covers every skill j covers and has at least j's
    overall affinity. Take any team S with j and T = ``max_size``. Swapping j for a dominator
    outside S keeps the coverage and the affinity; it can only lose the diversity bonus when
    j was S's sole member from j's institution. So j may go when its kept dominators
    guarantee a safe swap whatever S is: T of them when j's institution is unknown (or
    diversity earns nothing), else T counting each dominator from j's own institution and
    each distinct other institution among the dominators once, because the other <= T - 1
    members of S can block only one of those each. Candidates are visited best first and
    only kept ones count, which makes ties safe; dropping j keeps an optimal team.
    """
    n = len(pool.ids)
    if n <= max_size:
        return np.arange(n)
    cover = pool.cover.astype(np.int32)
    # misses[i, j]: skills j covers that i does not.
    misses = (1 - cover) @ cover.T
    dominates = (misses == 0) & (pool.affinity[:, None] >= pool.affinity[None, :])
    np.fill_diagonal(dominates, False)
    inst = pool.institution
    plain = bonus == 0 or min_institutions == 0
    order = np.lexsort((np.arange(n), pool.utilisation, -pool.affinity))
    kept = np.zeros(n, dtype=bool)
    for j in order:
        by = inst[kept & dominates[:, j]]
        # Fewer than T dominators can never suffice; the institutions only matter beyond.
        if len(by) < max_size or plain or inst[j] < 0:
            safe = len(by)
        else:
            others = {int(i) for i in by if i >= 0 and i != inst[j]}
            safe = int(np.count_nonzero(by == inst[j])) + len(others)
        if safe < max_size:
            kept[j] = True
    return np.flatnonzero(kept)


def _score(pool: _Pool, team: Sequence[int], bonus: float, min_institutions: int) -> float:
    insts = {int(pool.institution[i]) for i in team} - {-1}
    return math.fsum(float(pool.affinity[i]) for i in team) + bonus * min(
        len(insts), min_institutions
    )


def _exact(
    pool: _Pool, keep: np.ndarray, max_size: int, bonus: float, min_institutions: int
) -> list[int]:
    """Return the lexicographically best team among ``keep`` (indices into pool)."""
    n, k = len(keep), pool.cover.shape[1]
    if n == 0:
        return []
    cover = pool.cover[keep]
    aff = pool.affinity[keep]
    inst_raw = pool.institution[keep]
    known = np.unique(inst_raw[inst_raw >= 0])
    inst = np.searchsorted(known, inst_raw)
    n_i = len(known) if min_institutions > 0 else 0
    # Variables: y (n), z (k), w (n_i).
    # The second term of any team lies within +-(top + bonus * m), so a weight above its
    # whole range makes one more covered skill always win.
    top = np.sort(np.abs(aff))[::-1][:max_size].sum()
    weight = 2 * top + bonus * min(min_institutions, n_i) + 1.0
    c = -np.concatenate([aff, np.full(k, weight), np.full(n_i, bonus)])
    rows: list[sparse.csr_array] = []
    lbs: list[np.ndarray] = []
    ubs: list[np.ndarray] = []
    # z_s - sum(y_e covering s) <= 0
    ys, ss = np.nonzero(cover)
    block_y = sparse.csr_array((-np.ones(len(ys)), (ss, ys)), shape=(k, n))
    rows.append(sparse.hstack([block_y, sparse.eye_array(k), sparse.csr_array((k, n_i))]))
    lbs.append(np.full(k, -np.inf))
    ubs.append(np.zeros(k))
    # sum(y) <= max_size
    rows.append(sparse.csr_array(np.concatenate([np.ones(n), np.zeros(k + n_i)])[None, :]))
    lbs.append(np.array([-np.inf]))
    ubs.append(np.array([float(max_size)]))
    if n_i:
        members = np.flatnonzero(inst_raw >= 0)
        block = sparse.csr_array((-np.ones(len(members)), (inst[members], members)), shape=(n_i, n))
        rows.append(sparse.hstack([block, sparse.csr_array((n_i, k)), sparse.eye_array(n_i)]))
        lbs.append(np.full(n_i, -np.inf))
        ubs.append(np.zeros(n_i))
        rows.append(sparse.csr_array(np.concatenate([np.zeros(n + k), np.ones(n_i)])[None, :]))
        lbs.append(np.array([-np.inf]))
        ubs.append(np.array([float(min_institutions)]))
    matrix = sparse.vstack(rows, format="csr")
    # z and w may stay continuous: for a 0/1 y the optimum sets them to 0/1 anyway.
    integrality = np.concatenate([np.ones(n), np.zeros(k + n_i)])
    res = milp(
        c,
        constraints=[LinearConstraint(matrix, np.concatenate(lbs), np.concatenate(ubs))],
        integrality=integrality,
        bounds=Bounds(np.zeros(n + k + n_i), np.ones(n + k + n_i)),
        options={"mip_rel_gap": 1e-9},
    )
    if res.x is None:  # cannot happen (the empty team is feasible), but never crash
        raise RuntimeError(f"HiGHS 未能求解组队问题：{res.message}")
    return [int(keep[i]) for i in np.flatnonzero(res.x[:n] > 0.5)]


def _greedy(
    pool: _Pool, keep: np.ndarray, max_size: int, bonus: float, min_institutions: int
) -> list[int]:
    """Return a team built by greedy maximum coverage, then by score."""
    team: list[int] = []
    covered = np.zeros(pool.cover.shape[1], dtype=bool)
    present: set[int] = set()
    free = np.ones(len(keep), dtype=bool)
    cover = pool.cover[keep]
    aff = pool.affinity[keep]
    inst = pool.institution[keep]
    use = pool.utilisation[keep]
    order = np.arange(len(keep))
    while len(team) < max_size and free.any():
        gain = cover[:, ~covered].sum(axis=1)
        adds_inst = (
            (inst >= 0) & ~np.isin(inst, list(present))
            if len(present) < min_institutions
            else np.zeros(len(keep), dtype=bool)
        )
        marginal = aff + bonus * adds_inst
        # Most new skills, then most score added, then lowest load ratio, then input order.
        key = np.lexsort((order, use, -marginal, -gain))
        best = next(int(i) for i in key if free[i])
        if gain[best] == 0 and marginal[best] <= 0:
            break
        team.append(int(keep[best]))
        free[best] = False
        covered |= cover[best]
        if inst[best] >= 0:
            present.add(int(inst[best]))
    return team


def assemble_team(
    skills: Sequence[str],
    candidates: Iterable[TeamCandidate | Mapping[str, Any]],
    *,
    max_size: int,
    threshold: float = 0.5,
    min_institutions: int = 2,
    method: Literal["auto", "exact", "greedy"] = "auto",
    diversity_bonus: float = 1.0,
) -> TeamResult:
    """Return the team of at most ``max_size`` experts that covers the most of ``skills``,
    then has the highest affinity plus institution-diversity bonus (see the module docs).

    ``candidates`` are :class:`TeamCandidate` objects or dicts with the same fields.
    Raises InvalidInput for malformed input.
    """
    required: list[str] = []
    for s in skills:
        if not isinstance(s, str) or not s.strip():
            raise InvalidInput(f"技能名称必须是非空字符串，收到 {s!r}")
        if s not in required:
            required.append(s)
    max_size = _count(max_size, "团队人数上限", minimum=1)
    threshold = _number(threshold, "覆盖阈值")
    if not 0.0 < threshold <= 1.0:
        raise InvalidInput(f"覆盖阈值必须在 0 到 1 之间（不含 0），收到 {threshold!r}")
    min_institutions = _count(min_institutions, "最少单位数")
    diversity_bonus = _number(diversity_bonus, "单位多样性加分")
    if diversity_bonus < 0:
        raise InvalidInput(f"单位多样性加分不能为负，收到 {diversity_bonus!r}")
    if method not in ("auto", "exact", "greedy"):
        raise InvalidInput(f"组队方法必须是 auto、exact 或 greedy，收到 {method!r}")

    pool = _pool(required, candidates, threshold)
    keep = _prune(pool, max_size, diversity_bonus, min_institutions)
    use_exact = method == "exact" or (
        method == "auto" and max_size <= EXACT_MAX_SIZE and len(keep) <= EXACT_MAX_CANDIDATES
    )
    if use_exact:
        team = _exact(pool, keep, max_size, diversity_bonus, min_institutions)
    else:
        team = _greedy(pool, keep, max_size, diversity_bonus, min_institutions)
    team = _trim(pool, team, diversity_bonus, min_institutions)

    covered = np.zeros(len(required), dtype=bool)
    members = []
    for i in sorted(team, key=lambda i: (-pool.affinity[i], pool.ids[i])):
        covered |= pool.cover[i]
        members.append(
            TeamMember(
                expert_id=pool.ids[i],
                covers=[s for s, hit in zip(required, pool.cover[i], strict=True) if hit],
                affinity=float(pool.affinity[i]),
            )
        )
    return TeamResult(
        members=members,
        uncovered=[s for s, hit in zip(required, covered, strict=True) if not hit],
        score=_score(pool, team, diversity_bonus, min_institutions),
        method="exact" if use_exact else "greedy",
        institutions=len({int(pool.institution[i]) for i in team} - {-1}),
    )


def _trim(pool: _Pool, team: list[int], bonus: float, min_institutions: int) -> list[int]:
    """Return the team without members who add neither a skill nor score (ties the solver
    may leave in, e.g. a zero-affinity expert)."""
    team = list(team)
    for i in sorted(team, key=lambda i: pool.affinity[i]):
        if pool.affinity[i] > 0:
            break
        rest = [j for j in team if j != i]
        same_cover = pool.cover[rest].any(axis=0).sum() if rest else 0
        if same_cover == pool.cover[team].any(axis=0).sum() and _score(
            pool, rest, bonus, min_institutions
        ) >= _score(pool, team, bonus, min_institutions):
            team = rest
    return team
