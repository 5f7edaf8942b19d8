"""Demand → commissioner matching on the judged dev sets in ``benchmarks/devsets/``.

Three kinds of check, each printing figures (the last line is JSON with ``--format json``):

* ``zh_synth`` — a written Chinese collection (60 experts, 40 fitting demands of which 12 in
  plain language, 10 no-fit demands), BEIR files in ``devsets/zh_synth/``;
* ``real_demo`` — the 57 real public demands of ``../shared/data/real-demand-texts`` judged
  against the 48 demo commissioners (``devsets/real_demo/build.py`` writes the files);
* ``roster_a`` / ``roster_b`` — a batch imported from a roster (one line per person, no bio),
  plain-language demands in their fields: is the top-1 *within the batch* the right member?

Metrics over fitting demands (those with qrels lines): nDCG@5/10, precision@5 (grade ≥ 1),
top-1 fitting, MRR; a demand the engine flags as no-fit abstains (its ranking counts as empty).
Over no-fit demands: ``no_fit_recall`` (share flagged) and ``false_no_fit`` (share of fitting
demands flagged). The engine scores exactly as ``tepai match eval`` does
(:func:`tepai.matching.evaluation.run_matcher`).

    python benchmarks/demand_matching.py --set zh_synth --set real_demo --set roster_a
    python benchmarks/demand_matching.py --set zh_synth --config title_weight=1.5
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEVSETS = ROOT / "benchmarks" / "devsets"
CACHE = ROOT / ".benchmark-cache"
DEMO = ROOT / "src" / "tepai" / "demo" / "data"

sys.path.insert(0, str(ROOT / "src"))

from tepai.matching.engine import EngineConfig, MatchingEngine  # noqa: E402
from tepai.matching.evaluation import (  # noqa: E402
    Qrels,
    load_corpus,
    load_qrels,
    load_queries,
    matcher_metrics,
    run_matcher,
)
from tepai.matching.records import Demand, Expert, WorkItem  # noqa: E402

_SPLIT = re.compile(r"[、，,;；/]")


def _encoder(kind: str) -> object | None:
    from tepai.matching.dense import CachedEncoder, HashingEncoder, UseEncoder

    if kind == "none":
        return None
    inner = UseEncoder() if kind == "use" else HashingEncoder()
    return CachedEncoder(inner, CACHE / "embeddings")


def _config(overrides: Sequence[str]) -> EngineConfig:
    config = EngineConfig()
    known = {field.name: field.type for field in dataclass_fields(EngineConfig)}
    for override in overrides:
        name, _, value = override.partition("=")
        if name not in known:
            raise SystemExit(f"unknown EngineConfig field {name!r}")
        current = getattr(config, name)
        parsed = value.lower() in ("1", "true", "yes") if isinstance(current, bool) else value
        config = replace(config, **{name: type(current)(parsed)})
    return config


def _beir(name: str) -> tuple[list[Expert], list[Demand], Qrels, set[str]]:
    folder = DEVSETS / name
    if name == "real_demo":
        out = CACHE / "real_demo"
        subprocess.run(
            [sys.executable, str(folder / "build.py"), "--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        folder = out
    experts = load_corpus(folder / "corpus.jsonl")
    demands = load_queries(folder / "queries.jsonl")
    plain: set[str] = set()
    for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record.get("plain"):
                plain.add(record["_id"])
    return experts, demands, load_qrels(folder / "qrels.tsv"), plain


def demo_experts() -> list[Expert]:
    """Return the 48 demo commissioners as the engine sees them (from the demo CSVs)."""
    items: dict[str, list[WorkItem]] = {}
    with (DEMO / "work-items.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            items.setdefault(row["特派员"], []).append(
                WorkItem(row["标题"], row["内容"], row["类型"])
            )
    return [
        _person(row, tuple(items.get(row["编号"], ())))
        for row in csv.DictReader((DEMO / "commissioners.csv").open(encoding="utf-8"))
    ]


def _person(row: dict[str, str], items: tuple[WorkItem, ...] = ()) -> Expert:
    fields = tuple(part.strip() for part in _SPLIT.split(row["研究方向"]) if part.strip())
    return Expert(
        id=row["编号"],
        name=row["姓名"],
        title=row["职称"],
        institution=row["工作单位"],
        profile=row.get("个人简介", ""),
        fields=fields,
        items=items,
    )


def _demand(row: dict[str, str]) -> Demand:
    body = "\n".join(row[key] for key in ("问题描述", "现有方案及差距", "目标指标") if row.get(key))
    skills = tuple(part.strip() for part in _SPLIT.split(row.get("所需技能", "")) if part.strip())
    return Demand(
        id=row["编号"],
        title=row["需求名称"],
        text=body,
        skills=skills,
        cluster=row.get("产业集群", ""),
        enterprise=row.get("企业名称", ""),
    )


def roster_check(letter: str, config: EngineConfig, encoder: object | None) -> dict[str, Any]:
    """Return the top-1-within-the-batch check of roster ``letter`` among the demo's people."""
    folder = DEVSETS / "roster"
    with (folder / f"roster_{letter}.csv").open(encoding="utf-8") as handle:
        roster = [_person(row) for row in csv.DictReader(handle)]
    with (folder / f"demands_{letter}.csv").open(encoding="utf-8") as handle:
        demands = [_demand(row) for row in csv.DictReader(handle)]
    expected: dict[str, set[str]] = {}
    with (folder / f"expected_{letter}.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            expected[row["demand"]] = {row["best"]} | {
                part for part in row["acceptable"].split(",") if part
            }
    engine = MatchingEngine(config, encoder=encoder)
    engine.index(demo_experts() + roster)
    demo_demands = [_demand(row) for row in csv.DictReader((DEMO / "demands.csv").open())]
    engine.observe_demands(demo_demands + demands)
    members = {person.id for person in roster}
    hits = 0
    misses = []
    for demand in demands:
        found = engine.recommend(demand, 1, keep=lambda expert: expert.id in members)
        top = found[0].expert_id if found else ""
        if top in expected[demand.id]:
            hits += 1
        else:
            misses.append(f"{demand.id}:{top}≠{sorted(expected[demand.id])}")
    return {"top1_right": hits, "demands": len(demands), "misses": misses}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        choices=["zh_synth", "real_demo", "roster_a", "roster_b"],
        help="dev set(s) to run (default: all)",
    )
    parser.add_argument("--encoder", choices=["use", "hashing", "none"], default="use")
    parser.add_argument("--config", action="append", default=[], help="EngineConfig NAME=VALUE")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--per-query", action="store_true", help="print every query's result")
    args = parser.parse_args(argv)
    config = _config(args.config)
    encoder = _encoder(args.encoder)
    results: dict[str, Any] = {}
    for name in args.sets or ["zh_synth", "real_demo", "roster_a", "roster_b"]:
        started = time.perf_counter()
        if name.startswith("roster_"):
            results[name] = roster_check(name[-1], config, encoder)
        else:
            experts, demands, qrels, plain = _beir(name)
            engine = MatchingEngine(config, encoder=encoder)
            run = run_matcher(engine, experts, demands, k=50)
            results[name] = matcher_metrics(run, qrels, [d.id for d in demands])
            if plain:
                results[name + ":plain"] = matcher_metrics(
                    {qid: answer for qid, answer in run.items() if qid in plain}, qrels, plain
                )
            if args.per_query:
                for demand in demands:
                    answer = run[demand.id]
                    judged = qrels.get(demand.id, {})
                    top = [f"{e}{'*' * int(judged.get(e, 0))}" for e in answer.ranking[:5]]
                    flag = " NO-FIT" if answer.no_fit else ""
                    print(f"{name} {demand.id}{flag} {demand.title[:20]}: {' '.join(top)}")
        results[name]["seconds"] = round(time.perf_counter() - started, 1)
    for name, figures in results.items():
        shown = "  ".join(
            f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}"
            for key, value in figures.items()
            if key != "misses"
        )
        print(f"{name}: {shown}")
        if figures.get("misses"):
            print("   misses:", " ".join(figures["misses"]))
    if args.format == "json":
        print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
