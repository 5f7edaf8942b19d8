"""tepai.matching.teams: exact = brute force, the greedy guarantee, capacity and diversity."""

from __future__ import annotations

import math
import random
from itertools import combinations
from typing import Any

import pytest

from tepai.matching.errors import InvalidInput
from tepai.matching.teams import TeamCandidate, TeamResult, assemble_team

C = TeamCandidate


def brute_force(
    skills: list[str],
    candidates: list[TeamCandidate],
    max_size: int,
    threshold: float = 0.5,
    min_institutions: int = 2,
    bonus: float = 1.0,
) -> tuple[int, float]:
    """Return the best (covered skills, score) over every team of at most max_size."""
    eligible = [c for c in candidates if c.max_load is None or c.load < c.max_load]
    best = (0, 0.0)
    for size in range(1, max_size + 1):
        for team in combinations(eligible, size):
            covered = {s for c in team for s in skills if c.skills.get(s, 0.0) >= threshold}
            institutions = {c.institution for c in team if c.institution}
            score = math.fsum(c.affinity for c in team) + bonus * min(
                len(institutions), min_institutions
            )
            best = max(best, (len(covered), score))
    return best


def check_consistent(
    result: TeamResult,
    skills: list[str],
    candidates: list[TeamCandidate],
    max_size: int,
    threshold: float = 0.5,
    min_institutions: int = 2,
) -> None:
    """Members exist, have capacity, cover what they say; uncovered and score add up."""
    by_id = {c.expert_id: c for c in candidates}
    assert len(result.members) <= max_size
    assert len({m.expert_id for m in result.members}) == len(result.members)
    covered = set()
    for m in result.members:
        c = by_id[m.expert_id]
        assert c.max_load is None or c.load < c.max_load
        assert m.covers == [s for s in skills if c.skills.get(s, 0.0) >= threshold]
        assert m.affinity == c.affinity
        covered |= set(m.covers)
    assert result.uncovered == [s for s in skills if s not in covered]
    institutions = {by_id[m.expert_id].institution for m in result.members} - {""}
    assert result.institutions == len(institutions)
    expected = math.fsum(m.affinity for m in result.members) + min(
        len(institutions), min_institutions
    )
    assert math.isclose(result.score, expected, abs_tol=1e-9)


def random_instance(
    rng: random.Random, n_max: int = 10, k_max: int = 6
) -> tuple[list[str], list[TeamCandidate], int]:
    skills = [f"s{i}" for i in range(rng.randint(1, k_max))]
    candidates = []
    for i in range(rng.randint(1, n_max)):
        known = rng.sample(skills, rng.randint(0, len(skills)))
        max_load = rng.choice([None, 2, 3])
        load = rng.randint(0, 3) if max_load is not None else rng.randint(0, 5)
        candidates.append(
            C(
                expert_id=f"E{i}",
                skills={s: round(rng.random(), 3) for s in known},
                affinity=round(rng.uniform(-0.2, 1.0), 4),
                # Few institutions, so dominance pruning has same-institution groups to cut.
                institution=rng.choice(["U1", "U1", "U2", "U3", ""]),
                load=load,
                max_load=max_load,
            )
        )
    return skills, candidates, rng.randint(1, 4)


def test_exact_matches_brute_force_on_random_instances() -> None:
    rng = random.Random(12345)
    for _ in range(200):
        skills, candidates, size = random_instance(rng)
        min_inst = rng.choice([0, 1, 2, 2, 3])
        result = assemble_team(
            skills, candidates, max_size=size, method="exact", min_institutions=min_inst
        )
        check_consistent(result, skills, candidates, size, min_institutions=min_inst)
        covered, score = brute_force(skills, candidates, size, min_institutions=min_inst)
        assert (len(skills) - len(result.uncovered), result.method) == (covered, "exact")
        assert math.isclose(result.score, score, abs_tol=1e-6), (skills, candidates, size)


def test_exact_pruning_keeps_the_optimum_among_many_look_alikes() -> None:
    # 14 candidates from two institutions with nested skill sets: most are dominated.
    rng = random.Random(99)
    for _ in range(25):
        skills = ["a", "b", "c"]
        candidates = [
            C(
                f"E{i}",
                {s: 0.9 for s in skills[: rng.randint(0, 3)]},
                affinity=round(rng.random(), 2),
                institution=rng.choice(["U1", "U2"]),
            )
            for i in range(14)
        ]
        size = rng.randint(1, 3)
        result = assemble_team(skills, candidates, max_size=size, method="exact")
        covered, score = brute_force(skills, candidates, size)
        assert len(skills) - len(result.uncovered) == covered
        assert math.isclose(result.score, score, abs_tol=1e-6)


def test_greedy_covers_at_least_1_minus_1_over_e_of_the_optimum() -> None:
    rng = random.Random(2024)
    worse = 0
    for _ in range(150):
        skills, candidates, size = random_instance(rng, n_max=12, k_max=10)
        result = assemble_team(skills, candidates, max_size=size, method="greedy")
        check_consistent(result, skills, candidates, size)
        assert result.method == "greedy"
        optimum, _ = brute_force(skills, candidates, size)
        got = len(skills) - len(result.uncovered)
        assert got >= (1 - 1 / math.e) * optimum
        worse += got < optimum
    assert worse < 150


def test_greedy_can_miss_what_exact_finds() -> None:
    # Greedy takes A (4 skills) first and then adds one skill; B + C cover all six.
    skills = ["1", "2", "3", "4", "5", "6"]
    candidates = [
        C("A", dict.fromkeys(["1", "2", "3", "4"], 0.9), 0.9, "U1"),
        C("B", dict.fromkeys(["1", "2", "5"], 0.9), 0.5, "U2"),
        C("C", dict.fromkeys(["3", "4", "6"], 0.9), 0.5, "U3"),
    ]
    greedy = assemble_team(skills, candidates, max_size=2, method="greedy")
    exact = assemble_team(skills, candidates, max_size=2, method="exact")
    assert len(greedy.uncovered) == 1
    assert exact.uncovered == []
    assert {m.expert_id for m in exact.members} == {"B", "C"}


def test_greedy_breaks_ties_by_lower_load() -> None:
    candidates = [
        C("busy", {"x": 0.9}, 0.7, "U1", load=3, max_load=4),
        C("idle", {"x": 0.9}, 0.7, "U1", load=0, max_load=4),
    ]
    result = assemble_team(["x"], candidates, max_size=1, method="greedy")
    assert [m.expert_id for m in result.members] == ["idle"]


def test_uncovered_skills_and_who_covers_what() -> None:
    candidates = [
        C("A", {"焊接": 0.9, "数控": 0.4}, 0.8, "U1"),
        C("B", {"数控": 0.7}, 0.6, "U2"),
    ]
    for method in ("exact", "greedy"):
        result = assemble_team(["焊接", "数控", "热处理"], candidates, max_size=3, method=method)
        assert result.uncovered == ["热处理"]
        assert [(m.expert_id, m.covers) for m in result.members] == [
            ("A", ["焊接"]),
            ("B", ["数控"]),
        ]


def test_experts_without_capacity_are_never_chosen() -> None:
    candidates = [
        C("full", {"x": 1.0, "y": 1.0}, 1.0, "U1", load=2, max_load=2),
        C("free", {"x": 0.6}, 0.5, "U2", load=9),  # no limit
        C("zero", {"y": 0.6}, 0.5, "U3", load=0, max_load=0),
    ]
    for method in ("exact", "greedy"):
        result = assemble_team(["x", "y"], candidates, max_size=3, method=method)
        assert [m.expert_id for m in result.members] == ["free"]
        assert result.uncovered == ["y"]


@pytest.mark.parametrize("method", ["exact", "greedy"])
def test_a_second_institution_is_preferred(method: Any) -> None:
    candidates = [
        C("A", {"x": 0.9}, 0.9, "清华大学"),
        C("B", {"x": 0.8}, 0.8, "清华大学"),
        C("C", {"x": 0.6}, 0.3, "农科院"),
    ]
    diverse = assemble_team(["x"], candidates, max_size=2, method=method)
    assert {m.expert_id for m in diverse.members} == {"A", "C"}
    assert diverse.institutions == 2
    assert math.isclose(diverse.score, 0.9 + 0.3 + 2)
    single = assemble_team(["x"], candidates, max_size=2, method=method, min_institutions=1)
    assert {m.expert_id for m in single.members} == {"A", "B"}


@pytest.mark.parametrize("method", ["exact", "greedy"])
def test_diversity_never_costs_a_covered_skill(method: Any) -> None:
    candidates = [
        C("A", {"x": 0.9}, 0.5, "U1"),
        C("B", {"y": 0.9}, 0.5, "U1"),
        C("C", {}, 1.0, "U2"),
    ]
    result = assemble_team(["x", "y"], candidates, max_size=2, method=method)
    assert {m.expert_id for m in result.members} == {"A", "B"}
    assert result.uncovered == [] and result.institutions == 1


def test_members_adding_nothing_are_left_out() -> None:
    candidates = [C("A", {"x": 0.9}, 0.9, "U1"), C("Z", {}, 0.0, "U1"), C("N", {}, -0.5, "")]
    for method in ("exact", "greedy"):
        result = assemble_team(["x"], candidates, max_size=3, method=method)
        assert [m.expert_id for m in result.members] == ["A"]


def test_auto_picks_exact_for_small_and_greedy_for_large() -> None:
    small = [C(f"E{i}", {f"s{i % 4}": 0.9}, 0.5, f"U{i}") for i in range(30)]
    assert assemble_team(["s0", "s1"], small, max_size=3).method == "exact"
    assert assemble_team(["s0", "s1"], small, max_size=7).method == "greedy"
    # 300 candidates each covering their own skill: nothing is dominated, so none pruned.
    skills = [f"s{i}" for i in range(300)]
    large = [C(f"E{i}", {f"s{i}": 0.9}, 0.5, f"U{i}") for i in range(300)]
    result = assemble_team(skills, large, max_size=3)
    assert result.method == "greedy" and len(result.uncovered) == 297


def test_dict_candidates_are_accepted() -> None:
    result = assemble_team(
        ["x"], [{"expert_id": "A", "skills": {"x": 0.7}, "affinity": 0.5}], max_size=1
    )
    assert [m.expert_id for m in result.members] == ["A"]
    assert result.institutions == 0


def test_no_candidates_gives_an_empty_team() -> None:
    result = assemble_team(["x", "y"], [], max_size=3)
    assert result.members == [] and result.uncovered == ["x", "y"] and result.score == 0.0


@pytest.mark.parametrize(
    ("kwargs", "candidates", "fragment"),
    [
        ({"max_size": 0}, [], "团队人数上限"),
        ({"max_size": 2, "threshold": 0}, [], "覆盖阈值"),
        ({"max_size": 2, "method": "best"}, [], "组队方法"),
        ({"max_size": 2}, [C("A", {"x": 1.5})], "匹配度必须在 0 到 1 之间"),
        ({"max_size": 2}, [C("A", {"x": float("nan")})], "有限数"),
        ({"max_size": 2}, [C("A"), C("A")], "重复"),
        ({"max_size": 2}, [C("A", load=-1)], "当前负荷"),
        ({"max_size": 2}, [{"expert_id": "A", "colour": "red"}], "字段有误"),
    ],
)
def test_invalid_input_is_rejected(
    kwargs: dict[str, Any], candidates: list[Any], fragment: str
) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        assemble_team(["x"], candidates, **kwargs)


def test_empty_skill_names_are_rejected() -> None:
    with pytest.raises(InvalidInput, match="技能名称"):
        assemble_team(["x", " "], [], max_size=1)
