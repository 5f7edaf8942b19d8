"""tepai.matching.assignment: optimality against brute force, diagnoses, fair mode, files."""

from __future__ import annotations

import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tepai.matching.assignment import (
    Assignment,
    AssignmentResult,
    assignment_to_json,
    read_conflicts,
    read_scores,
    solve_assignment,
    write_assignment_json,
)
from tepai.matching.errors import InfeasibleAssignment, InvalidInput

# --------------------------------------------------------------------------------------------
# An independent brute force: enumerate every subset of candidate pairs.


@dataclass
class Instance:
    pairs: list[tuple[str, str, float]]
    max_load: int | dict[str, int]
    per_demand_min: int | dict[str, int] = 0
    per_demand_max: int | dict[str, int] = 1
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    forced: list[tuple[str, str]] = field(default_factory=list)
    current_load: dict[str, int] | None = None

    def kwargs(self) -> dict[str, Any]:
        return {
            "max_load": self.max_load,
            "per_demand_min": self.per_demand_min,
            "per_demand_max": self.per_demand_max,
            "conflicts": self.conflicts,
            "forced": self.forced,
            "current_load": self.current_load,
        }

    def demands(self) -> list[str]:
        names = {d for d, _, _ in self.pairs} | {d for d, _ in self.forced}
        if isinstance(self.per_demand_min, Mapping):
            names |= {d for d, m in self.per_demand_min.items() if m > 0}
        return sorted(names)

    def bound(self, value: int | dict[str, int], key: str) -> int:
        return value[key] if isinstance(value, dict) else value

    def capacity(self, expert: str) -> int:
        load = (self.current_load or {}).get(expert, 0)
        return max(self.bound(self.max_load, expert) - load, 0)

    def dmin(self, demand: str) -> int:
        if isinstance(self.per_demand_min, dict):
            return self.per_demand_min.get(demand, 0)
        return self.per_demand_min


@dataclass
class BruteForce:
    optimum: float | None  # None: infeasible
    fair_min: float | None = None
    fair_total: float | None = None


def brute_force(inst: Instance, tolerance: float = 1e-6) -> BruteForce:
    pairs = inst.pairs
    n = len(pairs)
    masks = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    ok = np.ones(len(masks), dtype=bool)
    conflicts = set(inst.conflicts)
    forced = set(inst.forced)
    keys = [(d, e) for d, e, _ in pairs]
    if not forced <= set(keys):
        return BruteForce(None)
    for j, key in enumerate(keys):
        if key in conflicts:
            ok &= masks[:, j] == 0
        if key in forced:
            ok &= masks[:, j] == 1
    demands = inst.demands()
    for d in demands:
        count = masks[:, [j for j, k in enumerate(keys) if k[0] == d]].sum(axis=1)
        ok &= (count >= inst.dmin(d)) & (count <= inst.bound(inst.per_demand_max, d))
    for e in {e for _, e in keys}:
        count = masks[:, [j for j, k in enumerate(keys) if k[1] == e]].sum(axis=1)
        ok &= count <= inst.capacity(e)
    if not ok.any():
        return BruteForce(None)
    scores = np.array([s for _, _, s in pairs])
    totals = masks @ scores
    result = BruteForce(float(totals[ok].max()))
    # Fair mode: the minimum over demands with an assignable candidate.
    fair_demands = sorted(
        {d for d, e, _ in pairs if (d, e) not in conflicts and inst.capacity(e) > 0}
    )
    if fair_demands:
        per_demand = np.stack(
            [masks @ np.where([k[0] == d for k in keys], scores, 0.0) for d in fair_demands],
            axis=1,
        )
        mins = per_demand.min(axis=1)
        best_min = float(mins[ok].max())
        scale = max(float(np.abs(scores).max()), 1e-12)
        hold = ok & (mins >= best_min - tolerance * scale)
        result.fair_min = best_min
        result.fair_total = float(totals[hold].max())
    return result


def random_instance(rng: random.Random) -> Instance:
    n_d, n_e = rng.randint(1, 4), rng.randint(1, 4)
    demands = [f"D-{i}" for i in range(n_d)]
    experts = [f"E-{i}" for i in range(n_e)]
    keys = [(d, e) for d in demands for e in experts if rng.random() < 0.7]
    rng.shuffle(keys)
    keys = keys[:11]
    pairs = [(d, e, round(rng.uniform(-1.0, 3.0), 6)) for d, e in keys]
    max_load: int | dict[str, int] = (
        rng.randint(1, 2) if rng.random() < 0.5 else {e: rng.randint(0, 3) for e in experts}
    )
    current = {e: rng.randint(0, 1) for e in experts} if rng.random() < 0.3 else None
    per_max: int | dict[str, int] = rng.randint(1, 3)
    if rng.random() < 0.3:
        per_max = {d: rng.randint(2, 3) for d in demands}
    per_min: int | dict[str, int] = rng.choice([0, 0, 1])
    if rng.random() < 0.3:
        top = per_max if isinstance(per_max, int) else 2
        per_min = {d: rng.randint(0, min(2, top)) for d in demands}
    conflicts = [k for k in keys if rng.random() < 0.15]
    conflicts.append((rng.choice(demands), "E-absent"))  # a conflict without a candidate
    forced = [k for k in keys if rng.random() < 0.08]
    return Instance(pairs, max_load, per_min, per_max, conflicts, forced, current)


def check_feasible(inst: Instance, result: AssignmentResult) -> None:
    """Every constraint holds, and the objective is the exact sum of the listed scores."""
    score_of = {(d, e): s for d, e, s in inst.pairs}
    chosen = [(a.demand, a.expert) for a in result.assignments]
    assert len(set(chosen)) == len(chosen)
    for a in result.assignments:
        assert score_of[(a.demand, a.expert)] == a.score
    assert not set(chosen) & set(inst.conflicts)
    assert set(inst.forced) <= set(chosen)
    per_d = Counter(d for d, _ in chosen)
    per_e = Counter(e for _, e in chosen)
    for d in inst.demands():
        assert inst.dmin(d) <= per_d[d] <= inst.bound(inst.per_demand_max, d)
    for e, count in per_e.items():
        assert count <= inst.capacity(e)
    assert result.objective == math.fsum(a.score for a in result.assignments)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


# --------------------------------------------------------------------------------------------
# Optimality


def test_plain_mode_matches_brute_force_on_random_instances() -> None:
    rng = random.Random(20240601)
    feasible = infeasible = 0
    for _ in range(300):
        inst = random_instance(rng)
        expected = brute_force(inst)
        if expected.optimum is None:
            with pytest.raises(InfeasibleAssignment) as info:
                solve_assignment(inst.pairs, **inst.kwargs())
            assert info.value.reasons and all(info.value.reasons)
            infeasible += 1
            continue
        result = solve_assignment(inst.pairs, **inst.kwargs())
        check_feasible(inst, result)
        assert close(result.objective, expected.optimum), (inst, result, expected)
        assert result.min_demand_score is None
        feasible += 1
    # The generator must exercise both outcomes.
    assert feasible >= 200 and infeasible >= 20


def test_fair_mode_matches_brute_force_lexicographic_optimum() -> None:
    rng = random.Random(7)
    checked = 0
    for _ in range(160):
        inst = random_instance(rng)
        expected = brute_force(inst)
        if expected.optimum is None or expected.fair_min is None or expected.fair_total is None:
            continue
        result = solve_assignment(inst.pairs, **inst.kwargs(), fair=True)
        check_feasible(inst, result)
        assert result.optimal
        assert result.min_demand_score is not None and result.min_demand_bound is not None
        assert close(result.min_demand_score, expected.fair_min), (inst, result, expected)
        assert close(result.objective, expected.fair_total), (inst, result, expected)
        assert result.min_demand_score <= result.min_demand_bound + 1e-6
        checked += 1
    assert checked >= 100


def test_fair_mode_lifts_the_worst_off_demand_to_the_lp_max_min() -> None:
    # Plain mode gives X to A (10 + 2 = 12 > 6 + 5 = 11), leaving B with 2; fair mode gives X
    # to B, whose best possible score 5 is also the LP's max-min.
    pairs = [("A", "X", 10.0), ("A", "Y", 6.0), ("B", "X", 5.0), ("B", "Y", 2.0)]
    plain = solve_assignment(pairs, max_load=1, per_demand_min=1)
    fair = solve_assignment(pairs, max_load=1, per_demand_min=1, fair=True)
    assert plain.objective == 12.0
    assert min(a.score for a in plain.assignments) == 2.0
    assert fair.min_demand_score == 5.0
    assert fair.min_demand_bound is not None
    assert fair.min_demand_score >= fair.min_demand_bound - 1e-6 * 10
    assert fair.objective == 11.0
    assert fair.optimal


def test_fair_mode_on_a_larger_instance_beats_plain_and_respects_the_bound() -> None:
    rng = np.random.default_rng(3)
    pairs = []
    for d in range(60):
        for e in rng.choice(40, size=6, replace=False):
            pairs.append((f"D-{d}", f"E-{e}", float(rng.gamma(2.0, 1.0))))
    kwargs: dict[str, Any] = {"max_load": 4, "per_demand_min": 2, "per_demand_max": 2}
    plain = solve_assignment(pairs, **kwargs)
    fair = solve_assignment(pairs, **kwargs, fair=True)
    per_demand: dict[str, float] = defaultdict(float)
    for a in plain.assignments:
        per_demand[a.demand] += a.score
    assert fair.min_demand_score is not None and fair.min_demand_bound is not None
    assert fair.min_demand_score > min(per_demand.values())
    assert fair.min_demand_score <= fair.min_demand_bound + 1e-9
    assert fair.objective <= plain.objective + 1e-9
    inst = Instance(pairs, 4, 2, 2)
    check_feasible(inst, fair)


def test_negative_scores_are_only_taken_when_a_minimum_requires_them() -> None:
    pairs = [("A", "X", -1.0), ("A", "Y", -0.25), ("B", "X", -2.0)]
    assert solve_assignment(pairs, max_load=1).assignments == []
    result = solve_assignment(pairs, max_load=1, per_demand_min=1)
    assert result.objective == -2.25
    assert [(a.demand, a.expert) for a in result.assignments] == [("A", "Y"), ("B", "X")]


def test_objective_is_the_exact_float_sum() -> None:
    pairs = [("A", "X", 0.1), ("B", "Y", 0.2), ("C", "Z", 0.3)]
    result = solve_assignment(pairs, max_load=1)
    assert result.objective == math.fsum([0.1, 0.2, 0.3])


def test_result_is_sorted_by_demand_then_score() -> None:
    pairs = [("B", "X", 1.0), ("A", "X", 0.5), ("A", "Y", 2.0), ("A", "Z", 1.5)]
    result = solve_assignment(pairs, max_load=2, per_demand_max=3)
    assert [(a.demand, a.expert) for a in result.assignments] == [
        ("A", "Y"),
        ("A", "Z"),
        ("A", "X"),
        ("B", "X"),
    ]
    assert result.solve_seconds >= 0


def test_current_load_is_subtracted_from_the_maximum() -> None:
    pairs = [("A", "X", 5.0), ("A", "Y", 1.0)]
    result = solve_assignment(pairs, max_load={"X": 2, "Y": 2}, current_load={"X": 2})
    assert [a.expert for a in result.assignments] == ["Y"]


def test_forced_pairs_are_assigned_even_when_worse() -> None:
    pairs = [("A", "X", 5.0), ("A", "Y", 1.0)]
    result = solve_assignment(pairs, max_load=1, forced=[("A", "Y")])
    assert [a.expert for a in result.assignments] == ["Y"]


def test_assignment_objects_are_accepted_as_pairs() -> None:
    result = solve_assignment([Assignment("A", "X", 1.0)], max_load=1)
    assert result.assignments == [Assignment("A", "X", 1.0)]


# --------------------------------------------------------------------------------------------
# Infeasibility diagnoses


def reasons_of(pairs: list[tuple[str, str, float]], **kwargs: Any) -> list[str]:
    with pytest.raises(InfeasibleAssignment) as info:
        solve_assignment(pairs, **kwargs)
    assert str(info.value).startswith("无法完成分配：")
    return info.value.reasons


def test_a_demand_with_too_few_candidates_is_named_with_its_conflicts() -> None:
    pairs = [("D-3", f"E-{i}", 1.0) for i in range(4)] + [("D-1", "E-9", 1.0)]
    reasons = reasons_of(
        pairs,
        max_load=5,
        per_demand_min={"D-3": 2},
        per_demand_max=3,
        conflicts=[("D-3", "E-0"), ("D-3", "E-1"), ("D-3", "E-2")],
    )
    assert reasons == ["需求 D-3 至少需要 2 名专家，但只有 1 名候选专家（已排除 3 对利益冲突）"]


def test_a_demand_without_candidates_and_full_experts_are_named() -> None:
    reasons = reasons_of(
        [("D-1", "E-1", 1.0), ("D-1", "E-2", 1.0)],
        max_load={"E-1": 1, "E-2": 1},
        current_load={"E-1": 1},
        per_demand_min={"D-1": 2, "D-9": 1},
        per_demand_max=2,
    )
    assert "需求 D-1 至少需要 2 名专家，但只有 1 名候选专家（1 名候选专家已满负荷）" in reasons
    assert "需求 D-9 至少需要 1 名专家，但没有候选专家" in reasons


def test_total_capacity_shortfall_is_reported() -> None:
    pairs = [(f"D-{d}", f"E-{e}", 1.0) for d in range(6) for e in range(3)]
    reasons = reasons_of(pairs, max_load=3, per_demand_min=2, per_demand_max=3)
    assert reasons == ["所有需求至少需要 12 人次，而专家可用容量合计只有 9 人次"]


def test_hall_violation_names_the_group_and_its_experts() -> None:
    # Each demand alone is fine and the total capacity (X 1, Y 1, Z 1) covers the three
    # demands, but A and B share their only candidate X, who can take one.
    pairs = [("A", "X", 1.0), ("B", "X", 1.0), ("C", "Y", 1.0), ("C", "Z", 1.0), ("C", "X", 1.0)]
    reasons = reasons_of(pairs, max_load={"X": 1, "Y": 5, "Z": 5}, per_demand_min=1)
    assert len(reasons) == 1
    assert reasons[0].startswith("需求 A、B 合计至少需要 2 人次")
    assert "X，共 1 名" in reasons[0] and "最多只能提供 1 人次" in reasons[0]
    assert "C" not in reasons[0].split("，但")[0]


def test_hall_group_is_found_beside_a_per_demand_reason() -> None:
    # Total need 4 = supply 4 (X 1, Y 1, Z 1, W 1): only C alone and {A, B} fall short.
    pairs = [("A", "X", 1.0), ("B", "X", 1.0), ("C", "Y", 1.0), ("E", "Z", 1.0), ("E", "W", 1.0)]
    reasons = reasons_of(
        pairs,
        max_load={"X": 1, "Y": 9, "Z": 9, "W": 9},
        per_demand_min={"A": 1, "B": 1, "C": 2},
        per_demand_max=2,
    )
    assert reasons[0] == "需求 C 至少需要 2 名专家，但只有 1 名候选专家"
    assert reasons[1].startswith("需求 A、B 合计至少需要 2 人次，但它们的全部候选专家（X，")


def test_forced_pair_clashes_are_named() -> None:
    pairs = [("A", "X", 1.0), ("B", "X", 1.0), ("C", "Y", 1.0), ("A", "Y", 1.0)]
    reasons = reasons_of(
        pairs,
        max_load=1,
        per_demand_max={"A": 1, "B": 1, "C": 1},
        conflicts=[("C", "Y")],
        forced=[("A", "X"), ("B", "X"), ("C", "Y"), ("C", "Z"), ("A", "Y")],
    )
    assert "强制分配 需求 C ↔ 专家 Y 与利益冲突相矛盾" in reasons
    assert "强制分配 需求 C ↔ 专家 Z 不在候选对中" in reasons
    assert "专家 X 被强制分配 2 项需求，但剩余容量只有 1（最大负荷 1，当前负荷 0）" in reasons
    assert "需求 A 被强制分配 2 名专家，但最多只能分配 1 名" in reasons


def test_forced_pairs_that_use_up_capacity_show_in_the_hall_group() -> None:
    # X's only place goes to the forced pair (B, X), so A, whose candidates are X and a
    # conflicted Y, cannot get anyone, although A alone and the total look fine.
    pairs = [("A", "X", 1.0), ("B", "X", 1.0), ("A", "Y", 1.0), ("C", "Z", 1.0), ("C", "W", 1.0)]
    reasons = reasons_of(
        pairs, max_load=1, per_demand_min=1, forced=[("B", "X")], conflicts=[("A", "Y")]
    )
    assert reasons == [
        "需求 A 至少需要 1 人次，但其候选专家（X，共 1 名）受负荷上限所限最多只能提供 0 人次"
        "（已扣除强制分配）"
    ]


# --------------------------------------------------------------------------------------------
# Invalid input


@pytest.mark.parametrize(
    ("pairs", "kwargs", "fragment"),
    [
        ([("A", "X", 1.0), ("A", "X", 2.0)], {"max_load": 1}, "候选对重复"),
        ([("A", "X", float("nan"))], {"max_load": 1}, "有限数"),
        ([("A", "X", "high")], {"max_load": 1}, "必须是数字"),
        ([("A", "X")], {"max_load": 1}, "三元组"),
        ([("A", "X", 1.0)], {"max_load": -1}, "最大负荷必须是非负整数"),
        ([("A", "X", 1.0)], {"max_load": {"Y": 1}}, "未设置最大负荷"),
        ([("A", "X", 1.0)], {"max_load": 1, "per_demand_max": {}}, "未设置最多专家数"),
        ([("A", "X", 1.0)], {"max_load": 1, "per_demand_min": 2}, "大于最多专家数"),
        ([("", "X", 1.0)], {"max_load": 1}, "编号不能为空"),
    ],
)
def test_invalid_input_is_rejected(pairs: list[Any], kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        solve_assignment(pairs, **kwargs)


def test_no_pairs_gives_an_empty_assignment() -> None:
    result = solve_assignment([], max_load=1, fair=True)
    assert result.assignments == [] and result.objective == 0.0


# --------------------------------------------------------------------------------------------
# Files


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_read_scores_accepts_bom_blank_lines_and_column_order(tmp_path: Path) -> None:
    path = write(tmp_path / "scores.csv", "\ufeffscore,demand,expert\n0.5,D-1,E-1\n\n-2,D-2,E-1\n")
    assert read_scores(path) == [("D-1", "E-1", 0.5), ("D-2", "E-1", -2.0)]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("demand,expert,score\nD-1,E-1,abc\n", "scores.csv 第 2 行：分数 'abc' 不是数字"),
        (
            "demand,expert,score\nD-1,E-1,1\nD-1,E-1,2\n",
            "第 3 行：候选对 D-1 ↔ E-1 重复（第 2 行已出现）",
        ),
        ("demand,expert,score\nD-1,E-1,nan\n", "第 2 行：分数 'nan' 不是有限数"),
        ("demand,expert,score\nD-1,E-1,inf\n", "不是有限数"),
        ("demand,expert,score\n\nD-1,,1\n", "第 3 行：expert 为空"),
        ("demand,expert,score\nD-1,E-1,\n", "第 2 行：分数 '' 不是数字"),
        ("demand,expert,score\nD-1,E-1\n", "第 2 行：列数不足"),
        ("demand,expert\nD-1,E-1\n", "第 1 行：表头必须包含 demand,expert,score，缺少 score"),
        ("", "空文件"),
    ],
)
def test_read_scores_names_the_bad_line(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path / "scores.csv", text)
    with pytest.raises(InvalidInput) as info:
        read_scores(path)
    assert fragment in str(info.value)


def test_read_conflicts(tmp_path: Path) -> None:
    path = write(tmp_path / "conflicts.csv", "demand,expert\nD-1,E-1\nD-1,E-1\nD-2,E-3\n")
    assert read_conflicts(path) == [("D-1", "E-1"), ("D-2", "E-3")]
    bad = write(tmp_path / "bad.csv", "demand,expert\n,E-1\n")
    with pytest.raises(InvalidInput, match=r"bad\.csv 第 2 行：demand 为空"):
        read_conflicts(bad)


def test_files_round_trip_to_sorted_json(tmp_path: Path) -> None:
    scores = write(
        tmp_path / "scores.csv",
        "demand,expert,score\nD-2,E-1,0.9\nD-1,E-1,0.4\nD-1,E-2,0.8\nD-1,E-3,0.1\n",
    )
    conflicts = write(tmp_path / "conflicts.csv", "demand,expert\nD-1,E-3\n")
    result = solve_assignment(
        read_scores(scores), max_load=1, per_demand_max=2, conflicts=read_conflicts(conflicts)
    )
    out = tmp_path / "assignment.json"
    write_assignment_json(result, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data == assignment_to_json(result)
    assert data["objective"] == pytest.approx(0.8 + 0.9)
    assert [(a["demand"], a["expert"], a["score"]) for a in data["assignments"]] == [
        ("D-1", "E-2", 0.8),
        ("D-2", "E-1", 0.9),
    ]


# --------------------------------------------------------------------------------------------
# Fair mode's iterative rounding and its polish, beyond the small exact sizes


def medium_instance(seed: int) -> tuple[list[tuple[str, str, float]], dict[str, Any]]:
    rng = np.random.default_rng(seed)
    pairs = []
    for d in range(40):
        for e in rng.choice(25, size=5, replace=False):
            pairs.append((f"D-{d}", f"E-{e}", round(float(rng.gamma(2.0, 1.0)), 4)))
    return pairs, {"max_load": 4, "per_demand_min": 2, "per_demand_max": 2}


def test_iterative_rounding_keeps_its_guarantees() -> None:
    from tepai.matching import assignment as module

    fractional = 0
    for seed in range(12):
        pairs, kwargs = medium_instance(seed)
        fair = solve_assignment(pairs, **kwargs, fair=True)
        assert fair.min_demand_bound is not None
        p = module._build(pairs, kwargs["max_load"], 2, 2, (), (), None)
        fair_d = np.unique(p.pd)
        tol = 1e-6 * float(np.abs(p.score).max())
        tau = fair.min_demand_bound - tol
        rounded = module._fair_round(p, tau, fair_d)
        fractional += not rounded.first_integral
        x = rounded.x
        assert module._feasible(p, x)
        # The total never falls below the first LP's, which is an upper bound.
        assert p.score[x].sum() >= rounded.first_total - 1e-6
        # A demand loses at most its three largest scores below tau.
        per_d = np.bincount(p.pd[x], weights=p.score[x], minlength=len(p.demands))
        for d in fair_d:
            top3 = np.sort(np.abs(p.score[p.pd == d]))[-3:].sum()
            assert per_d[d] >= tau - top3 - 1e-9
        # The exact polish can only do better on the minimum.
        assert fair.min_demand_score is not None
        assert fair.min_demand_score >= per_d[fair_d].min() - tol
    assert fractional >= 3  # the rounding really had work to do


def test_fair_mode_polishes_only_the_fractional_part_on_large_instances(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tepai.matching import assignment as module

    monkeypatch.setattr(module, "_FAIR_EXACT_PAIRS", 0)  # as if every instance were large
    for seed in range(6):
        pairs, kwargs = medium_instance(seed)
        plain = solve_assignment(pairs, **kwargs)
        fair = solve_assignment(pairs, **kwargs, fair=True)
        check_feasible(Instance(pairs, 4, 2, 2), fair)
        per_demand: dict[str, float] = defaultdict(float)
        for a in plain.assignments:
            per_demand[a.demand] += a.score
        assert fair.min_demand_score is not None and fair.min_demand_bound is not None
        assert fair.min_demand_score >= min(per_demand.values())
        assert fair.min_demand_score <= fair.min_demand_bound + 1e-9


@pytest.mark.parametrize("scale", [1e-6, 1e6])
def test_the_answer_does_not_depend_on_the_scores_unit(scale: float) -> None:
    # HiGHS's tolerances are absolute; tiny or huge scores must not change the answer.
    pairs, kwargs = medium_instance(1)
    scaled = [(d, e, s * scale) for d, e, s in pairs]
    for fair in (False, True):
        base = solve_assignment(pairs, **kwargs, fair=fair)
        other = solve_assignment(scaled, **kwargs, fair=fair)
        assert [(a.demand, a.expert) for a in other.assignments] == [
            (a.demand, a.expert) for a in base.assignments
        ]
        assert math.isclose(other.objective, base.objective * scale, rel_tol=1e-9)
        if fair:
            assert other.min_demand_score is not None and base.min_demand_score is not None
            assert math.isclose(other.min_demand_score, base.min_demand_score * scale, rel_tol=1e-9)


def test_a_forced_expert_without_candidates_needs_no_load_entry() -> None:
    reasons = reasons_of([("A", "X", 1.0)], max_load={"X": 1}, forced=[("A", "Q")])
    assert reasons == ["强制分配 需求 A ↔ 专家 Q 不在候选对中"]


def named_group(reason: str, demands: list[str]) -> list[str] | None:
    """Return the demands a reason says cannot be served together (None: not such a reason)."""
    if reason.startswith("所有需求"):
        return demands
    if not reason.startswith("需求 ") or "至少需要" not in reason:
        return None
    head = reason[len("需求 ") :].split(" 至少需要")[0].split(" 合计至少需要")[0]
    return head.split("、")


def test_every_diagnosis_on_random_instances_is_true() -> None:
    # Each reason naming demands must stand on its own: with only those demands' minimums
    # (and the same forced pairs, conflicts and loads), brute force finds no assignment.
    rng = random.Random(555)
    checked = 0
    for _ in range(400):
        inst = random_instance(rng)
        if brute_force(inst).optimum is not None:
            continue
        with pytest.raises(InfeasibleAssignment) as info:
            solve_assignment(inst.pairs, **inst.kwargs())
        reasons = info.value.reasons
        assert "约束条件互相矛盾" not in str(info.value)
        for reason in reasons:
            group = named_group(reason, inst.demands())
            if group is None:
                assert reason.startswith(("强制分配", "专家", "需求")), reason
                continue
            assert set(group) <= set(inst.demands()), reason
            alone = Instance(
                inst.pairs,
                inst.max_load,
                {d: inst.dmin(d) for d in group},
                inst.per_demand_max,
                inst.conflicts,
                inst.forced,
                inst.current_load,
            )
            assert brute_force(alone).optimum is None, (inst, reason)
            checked += 1
    assert checked >= 30


def test_a_large_hall_group_is_listed_briefly() -> None:
    pairs = [(f"D-{d}", f"X-{e}", 1.0) for d in range(10) for e in range(2)]
    pairs += [("D-99", f"Y-{e}", 1.0) for e in range(20)]
    reasons = reasons_of(pairs, max_load=3, per_demand_min=1, per_demand_max=20)
    assert reasons == [
        "需求 D-0、D-1、D-2、D-3、D-4、D-5、D-6、D-7 等 10 个合计至少需要 10 人次，"
        "但它们的全部候选专家（X-0、X-1，共 2 名）受负荷上限所限最多只能提供 6 人次"
    ]
