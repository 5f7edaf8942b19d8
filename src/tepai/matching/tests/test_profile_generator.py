"""The synthetic profile generator of the speed benchmarks (benchmarks/profile_generator.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tepai.matching.engine import MatchingEngine
from tepai.matching.records import Demand, Expert

GENERATOR = Path(__file__).resolve().parents[4] / "benchmarks" / "profile_generator.py"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("profile_generator", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def experts(gen: ModuleType) -> list[Expert]:
    generated: list[Expert] = gen.generate_experts(400, seed=3)
    return generated


def test_same_seed_same_experts_and_a_prefix_for_fewer(gen: ModuleType) -> None:
    many = gen.generate_experts(60, seed=5)
    assert gen.generate_experts(60, seed=5) == many
    assert gen.generate_experts(25, seed=5) == many[:25]
    assert gen.generate_experts(60, seed=6) != many
    assert gen.generate_demands(30, seed=5) == gen.generate_demands(30, seed=5)
    assert gen.generate_demands(30, seed=5) != gen.generate_demands(30, seed=6)


def test_experts_have_the_promised_shape(gen: ModuleType, experts: list[Expert]) -> None:
    assert len({e.id for e in experts}) == len(experts)
    assert len({e.profile for e in experts}) == len(experts)  # no two bios alike
    for expert in experts:
        assert 150 <= len(expert.profile) <= 280, expert.profile
        assert expert.profile.endswith("。")
        assert 3 <= len(expert.fields) <= 6
        assert len(set(expert.fields)) == len(expert.fields)
        assert 2 <= len(expert.items) <= 4
        assert all(item.title and item.text.endswith("。") for item in expert.items)
        assert expert.clusters and set(expert.clusters) <= set(gen.CLUSTER_NAMES)
        assert expert.max_load is not None and 0 <= expert.load <= expert.max_load
        assert expert.name and expert.institution and expert.region
    # Every cluster is represented, and some experts have collaborators and conflicts.
    assert {e.clusters[0] for e in experts} == set(gen.CLUSTER_NAMES)
    assert any(e.enterprises for e in experts)
    assert any(e.conflicts for e in experts)


def test_demands_are_plain_language_from_the_pool(gen: ModuleType) -> None:
    demands: list[Demand] = gen.generate_demands(200, seed=3)
    pool = gen.enterprise_pool(3)
    assert len({d.id for d in demands}) == len(demands)
    assert {d.cluster for d in demands} == set(gen.CLUSTER_NAMES)
    for demand in demands:
        assert demand.title and demand.text.endswith("。")
        assert demand.enterprise in dict(pool[demand.cluster])
        cluster = next(c for c in gen.CLUSTERS if c.name == demand.cluster)
        assert set(demand.skills) <= set(cluster.fields)
    assert any(not d.skills for d in demands) and any(d.skills for d in demands)


def test_complaints_point_to_fields_of_their_cluster(gen: ModuleType) -> None:
    for cluster in gen.CLUSTERS:
        assert len(cluster.objects) >= 2 and len(cluster.methods) >= 2
        for _, field in cluster.complaints:
            assert field in cluster.fields, (cluster.name, field)


def test_changed_expert_is_new_and_deterministic(gen: ModuleType, experts: list[Expert]) -> None:
    before = experts[0]
    after = gen.changed_expert(before, 1)
    assert after == gen.changed_expert(before, 1) != gen.changed_expert(before, 2)
    assert after.id == before.id
    assert len(after.items) == len(before.items) + 1
    assert after.profile.startswith(before.profile) and after.profile != before.profile


def test_the_engine_finds_the_expert_behind_a_demand(gen: ModuleType) -> None:
    """The text is coherent enough for matching: a demand ranks experts of its cluster."""
    experts = gen.generate_experts(300, seed=1)
    engine = MatchingEngine()  # sparse only: fast and deterministic
    engine.index(experts)
    demands = gen.generate_demands(40, seed=1)
    same_cluster = 0
    for demand in demands:
        top = engine.recommend(demand, 1, explain=False, respect_capacity=False)
        assert top
        same_cluster += demand.cluster in engine.experts[top[0].expert_id].clusters
    assert same_cluster >= 0.8 * len(demands)
