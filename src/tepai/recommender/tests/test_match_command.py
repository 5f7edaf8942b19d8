"""`tepai match` on the demo programme, and on files in OpenReview's style."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tepai.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def _json(*args: str) -> Any:
    out = StringIO()
    call_command("match", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def _recommendations(*args: str) -> list[dict[str, Any]]:
    """Return the ranked rows of `tepai match recommend --format json`."""
    data = _json("recommend", *args)
    assert isinstance(data, dict)
    rows: list[dict[str, Any]] = data["recommendations"]
    return rows


def test_recommend_finds_the_dyeing_expert_with_the_real_encoder() -> None:
    load_demo()
    rows = _recommendations("--demand", "D-026", "--top", "5")
    assert len(rows) == 5
    assert rows[0]["expert_code"] == "ZJ2-02"  # 周明轩, printing and dyeing digitalisation
    assert [row["rank"] for row in rows] == [1, 2, 3, 4, 5]
    for row in rows:
        assert set(row) >= {"rank", "expert_id", "expert_code", "name", "score", "explanation"}
        assert row["explanation"].startswith(f"推荐{row['name']}：")
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)


@override_settings(TEPAI_MATCH_ENCODER="hashing")
def test_recommend_names_an_unknown_demand() -> None:
    with pytest.raises(CommandError, match="找不到技术需求“D-999”"):
        call_command("match", "recommend", "--demand", "D-999")


@override_settings(TEPAI_MATCH_ENCODER="hashing")
def test_team_says_who_covers_which_skill() -> None:
    load_demo()
    data = _json("team", "--demand", "D-026", "--size", "4")
    assert isinstance(data, dict)
    assert data["skills"] == ["印染工艺", "染色自动化", "制造执行系统", "设备联网", "在线测色"]
    assert 1 <= len(data["members"]) <= 4
    covered = {skill for member in data["members"] for skill in member["covers"]}
    assert covered | set(data["uncovered"]) == set(data["skills"])
    assert not covered & set(data["uncovered"])


@override_settings(TEPAI_MATCH_ENCODER="hashing")
def test_assign_a_published_list_respects_loads_and_demand_limits() -> None:
    load_demo()
    data = _json(
        "assign",
        "--list",
        "阿克苏地区2024年工业领域重大科技攻关需求",
        "--max-load",
        "2",
        "--per-demand-min",
        "1",
        "--per-demand-max",
        "2",
    )
    assert isinstance(data, dict)
    per_demand: dict[str, int] = {}
    per_expert: dict[str, int] = {}
    for row in data["assignments"]:
        per_demand[row["demand"]] = per_demand.get(row["demand"], 0) + 1
        per_expert[row["expert"]] = per_expert.get(row["expert"], 0) + 1
        assert row["demand_title"] and row["expert_name"]
    assert all(1 <= count <= 2 for count in per_demand.values())
    assert all(count <= 2 for count in per_expert.values())
    assert data["objective"] == pytest.approx(sum(row["score"] for row in data["assignments"]))


def test_assign_from_files_is_exact(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text(
        "demand,expert,score\nd1,e1,0.9\nd1,e2,0.8\nd2,e1,0.85\nd2,e2,0.1\n", encoding="utf-8"
    )
    conflicts = tmp_path / "conflicts.csv"
    conflicts.write_text("demand,expert\nd2,e2\n", encoding="utf-8")
    data = _json(
        "assign",
        "--scores",
        str(scores),
        "--conflicts",
        str(conflicts),
        "--max-load",
        "1",
        "--per-demand-min",
        "1",
        "--per-demand-max",
        "1",
    )
    # e1 must serve d2 (d2's only other candidate is in conflict), so d1 gets e2.
    assert data == {
        "objective": pytest.approx(1.65, rel=1e-9),
        "assignments": [
            {"demand": "d1", "expert": "e2", "score": 0.8},
            {"demand": "d2", "expert": "e1", "score": 0.85},
        ],
    }


def test_forced_pairs_are_kept_even_when_they_lower_the_total(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text(
        "demand,expert,score\nd1,e1,0.9\nd1,e2,0.8\nd2,e1,0.85\nd2,e2,0.1\n", encoding="utf-8"
    )
    forced = tmp_path / "forced.csv"
    forced.write_text("demand,expert\nd2,e2\n", encoding="utf-8")
    limits = ["--max-load", "1", "--per-demand-min", "1", "--per-demand-max", "1"]
    free = _json("assign", "--scores", str(scores), *limits)
    assert free["objective"] == pytest.approx(1.65)
    data = _json("assign", "--scores", str(scores), "--forced", str(forced), *limits)
    assert data["objective"] == pytest.approx(1.0)  # e2 on d2 (0.1) leaves e1 for d1 (0.9)
    assert {"demand": "d2", "expert": "e2", "score": 0.1} in data["assignments"]


def test_an_infeasible_assignment_says_which_constraint_fails(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text("demand,expert,score\nd1,e1,0.9\nd2,e1,0.5\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="无法满足"):
        call_command(
            "match",
            "assign",
            "--scores",
            str(scores),
            "--max-load",
            "1",
            "--per-demand-min",
            "1",
            "--per-demand-max",
            "1",
            stderr=err,
        )
    assert "所有需求至少需要 2 人次，而专家可用容量合计只有 1 人次" in err.getvalue()


def test_bad_score_files_name_the_line(tmp_path: Path) -> None:
    scores = tmp_path / "scores.csv"
    scores.write_text("demand,expert,score\nd1,e1,abc\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2"):
        call_command("match", "assign", "--scores", str(scores), "--max-load", "1")


@override_settings(TEPAI_MATCH_ENCODER="hashing")
def test_eval_prints_the_metrics_and_writes_the_run(tmp_path: Path) -> None:
    (tmp_path / "corpus.jsonl").write_text(
        '{"_id": "a", "title": "甲", "text": "直接空冷凝汽器翅片清洗", "items": []}\n'
        '{"_id": "b", "title": "乙", "text": "苹果矮化密植栽培", "items": ["果园水肥一体化"]}\n',
        encoding="utf-8",
    )
    (tmp_path / "queries.jsonl").write_text(
        '{"_id": "q1", "text": "空冷岛散热片清洗"}\n{"_id": "q2", "text": "苹果园施肥"}\n'
        '{"_id": "q3", "title": "功率模块封装焊料层空洞率高", "text": "IGBT真空回流焊"}\n',
        encoding="utf-8",
    )
    # q3 has no qrels line: nobody in the corpus fits it.
    (tmp_path / "qrels.tsv").write_text(
        "query-id\tcorpus-id\tscore\nq1\ta\t1\nq2\tb\t1\n", encoding="utf-8"
    )
    run = tmp_path / "run.jsonl"
    data = _json(
        "eval",
        "--corpus",
        str(tmp_path / "corpus.jsonl"),
        "--queries",
        str(tmp_path / "queries.jsonl"),
        "--qrels",
        str(tmp_path / "qrels.tsv"),
        "--run-out",
        str(run),
    )
    assert data == {
        "ndcg@5": 1.0,
        "ndcg@10": 1.0,
        "recall@10": 1.0,
        "mrr": 1.0,
        "precision@5": 0.2,
        "top1": 1.0,
        "no_fit_recall": 1.0,
        "false_no_fit": 0.0,
        "queries": 2,
        "no_fit_queries": 1,
    }
    lines = [json.loads(line) for line in run.read_text(encoding="utf-8").splitlines()]
    assert [line["query"] for line in lines] == ["q1", "q2", "q3"]
    assert lines[0]["ranking"][0] == "a" and lines[0]["no_fit"] is False
    assert lines[2]["no_fit"] is True and set(lines[2]) == {"query", "ranking", "no_fit"}


@override_settings(TEPAI_MATCH_ENCODER="hashing")
def test_eval_refuses_qrels_for_a_query_it_was_not_given(tmp_path: Path) -> None:
    (tmp_path / "corpus.jsonl").write_text('{"_id": "a", "text": "纺纱"}\n', encoding="utf-8")
    (tmp_path / "queries.jsonl").write_text('{"_id": "q1", "text": "纺纱"}\n', encoding="utf-8")
    (tmp_path / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\nq9\ta\t1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="q9"):
        call_command(
            "match",
            "eval",
            "--corpus",
            str(tmp_path / "corpus.jsonl"),
            "--queries",
            str(tmp_path / "queries.jsonl"),
            "--qrels",
            str(tmp_path / "qrels.tsv"),
        )


@override_settings(TEPAI_MATCH_ENCODER="hashing")
def test_recommend_can_stay_within_a_batch_or_centre() -> None:
    load_demo()
    first = _recommendations("--demand", "D-026", "--top", "5", "--batch", "第一批")
    assert first and all(row["expert_code"].startswith("ZJ1-") for row in first)
    centre = "浙阿纺织服装科技创新（国家高新区）中心"
    textile = _recommendations("--demand", "D-026", "--top", "3", "--centre", centre)
    assert textile and all(row["expert_code"].startswith("ZJ2-") for row in textile)
    with pytest.raises(CommandError, match="批次“第九批”不存在"):
        call_command("match", "recommend", "--demand", "D-026", "--batch", "第九批")


@override_settings(TEPAI_MATCH_ENCODER="hashing")
def test_the_cli_and_the_web_assign_a_list_identically() -> None:
    from tepai.commissioners.models import Commissioner
    from tepai.demands.models import DemandList
    from tepai.engagements import services
    from tepai.engagements.assignment import run_assignment as page_assignment
    from tepai.projects.models import ProjectStatus

    load_demo()
    name = "阿克苏地区2024年工业领域重大科技攻关需求"
    demand_list = DemandList.objects.get(name=name)
    limits: dict[str, Any] = {"max_load": 2, "per_demand_min": 1, "per_demand_max": 2}
    first = page_assignment(demand_list, **limits)
    assert first.feasible and len(first.pairings) >= 3, first.reasons
    # Two constraints only the web used to count: an open proposal (its pair is not offered
    # again and counts against the commissioner's load) and a commissioner's own cap.
    proposed = first.pairings[0]
    services.propose(proposed.demand, proposed.commissioner, None, score=proposed.score)
    capped = next(p.commissioner for p in first.pairings if p.commissioner != proposed.commissioner)
    capped.max_load = capped.projects.filter(
        status__in=[ProjectStatus.SIGNED, ProjectStatus.IN_PROGRESS]
    ).count()
    capped.save()
    page = page_assignment(demand_list, **limits)
    cli = _json(
        "assign",
        "--list",
        name,
        *("--max-load", "2", "--per-demand-min", "1", "--per-demand-max", "2"),
    )
    assert isinstance(cli, dict)
    web_pairs = {(str(p.demand.pk), str(p.commissioner.pk)) for p in page.pairings}
    cli_pairs = {(row["demand"], row["expert"]) for row in cli["assignments"]}
    assert cli_pairs == web_pairs
    assert cli["objective"] == pytest.approx(page.objective)
    assert cli["already_open"] == {str(proposed.demand.pk): 1}
    assert (str(proposed.demand.pk), str(proposed.commissioner.pk)) not in cli_pairs
    assert str(capped.pk) not in {expert for _demand, expert in cli_pairs}
    assert Commissioner.objects.filter(pk=capped.pk, max_load=capped.max_load).exists()


@override_settings(TEPAI_MATCH_ENCODER="hashing")
def test_assign_names_a_list_that_does_not_exist() -> None:
    with pytest.raises(CommandError, match="找不到需求发布批次“无此批次”"):
        call_command("match", "assign", "--list", "无此批次")
