"""Time a large import (preview and write) and check that web writers are not locked out.

Issue 9 finding 3: an import held SQLite's write lock for the whole file (the preview too);
8 writers during a 10,000-row import saw 24 of 436 writes fail with "database is locked", and
a 50,000-row import took 371 s. Targets: the 50,000-row import in ≤ 25 s, and 0 failures.

1. Builds a seeded roster of ``--rows`` commissioners (.xlsx, 200 institutions, one batch,
   phones, research fields, keywords, a team and a centre per row) and times reading it, the
   preview (validation only) and the real import (validation + write phase), into an empty
   database; then re-imports the same file (every row an update that changes nothing).
2. Runs ``--writers`` processes that each create an enterprise (with its audit entries, as
   the web form does) every ``--pause`` seconds, while this process imports a fresh
   ``--concurrent-rows`` roster; prints their failures and latency.

Run from the repository root (a throwaway home; the database is created there)::

    TEPAI_HOME=$(mktemp -d) python benchmarks/import_speed.py
    TEPAI_HOME=$(mktemp -d) python benchmarks/import_speed.py --registry demands

The last line is one JSON object with every figure. The exit status is 0 either way.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
    "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力永宁春海波鹏飞宇浩"
FIELDS = [
    "纺织材料",
    "印染工艺",
    "果树栽培",
    "畜牧养殖",
    "煤化工",
    "光伏发电",
    "植物保护",
    "农业机械",
]
TITLES = ["教授", "副教授", "研究员", "高级工程师", "高级农艺师", "讲师"]
DEGREES = ["博士", "硕士", "本科"]


def person_name(index: int) -> str:
    """Return a distinct Chinese name for each index below 50 × 50 × 50."""
    s, g = SURNAMES, GIVEN
    return (
        s[index % len(s)] + g[(index // len(s)) % len(g)] + g[(index // (len(s) * len(g))) % len(g)]
    )


def commissioner_rows(count: int, seed: int, offset: int = 0) -> list[list[object]]:
    rng = random.Random(seed)
    header = [
        "姓名", "性别", "出生日期", "工作单位", "职称", "学位", "研究方向", "关键词",
        "批次", "所属团队", "所属中心", "手机号码",
    ]  # fmt: skip
    rows: list[list[object]] = [header]
    for i in range(offset, offset + count):
        fields = rng.sample(FIELDS, 2)
        rows.append(
            [
                person_name(i),
                rng.choice("男女"),
                datetime.date(1965 + i % 30, 1 + i % 12, 1 + i % 28),
                f"浙江第{i % 200}大学",
                rng.choice(TITLES),
                rng.choice(DEGREES),
                "、".join(fields),
                f"{fields[0]}优化 关键技术",
                "第二批",
                f"团队{i % 20}",
                f"创新中心{i % 10}",
                f"139{i:08d}",
            ]
        )
    return rows


def demand_rows(count: int, seed: int, offset: int = 0) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = [
        ["企业名称", "需求名称", "问题描述", "所需技能", "产业集群", "状态"]
    ]
    for i in range(offset, offset + count):
        rows.append(
            [
                f"阿克苏第{i % 2000}纺织有限公司",
                f"第{i}号技术需求：{rng.choice(FIELDS)}改进",
                f"生产中遇到{rng.choice(FIELDS)}方面的问题，需要专家指导（{i}）。",
                "、".join(rng.sample(FIELDS, 2)),
                "棉花和纺织服装",
                "已发布",
            ]
        )
    return rows


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def timed_import(registry: str, path: Path) -> dict[str, float]:
    """Return the seconds spent reading, previewing and importing ``path``."""
    from tepai.audit import context as audit_context
    from tepai.core.importing import read_table
    from tepai.core.importing.registry import get_importer

    importer = get_importer(registry)
    cpu = time.process_time()
    start = time.perf_counter()
    table = read_table(path)
    read = time.perf_counter() - start
    start = time.perf_counter()
    importer().run(table, dry_run=True)
    preview = time.perf_counter() - start
    instance = importer()
    write_phase = _time_write_phase(instance)
    start = time.perf_counter()
    with audit_context.command(f"benchmark import {registry}"):
        result = instance.run(table)
    total = time.perf_counter() - start
    # CPU seconds of this process (reading, both runs): wall time on a shared, loaded machine
    # includes waiting for a core.
    cpu = time.process_time() - cpu
    return {
        "read_s": round(read, 2),
        "preview_s": round(preview, 2),
        "import_s": round(total, 2),
        "write_phase_s": round(write_phase[0], 2),
        "end_to_end_s": round(read + total, 2),
        "rows_per_s": round(result.rows / (read + total)),
        "cpu_s": round(cpu, 2),
        "created": result.created,
        "updated": result.updated,
    }


def _time_write_phase(importer: Any) -> list[float]:
    """Return a list that receives the seconds ``importer`` spends in its write transaction."""
    seconds = [0.0]
    write = importer._write

    def timed() -> None:
        start = time.perf_counter()
        try:
            write()
        finally:
            seconds[0] = time.perf_counter() - start

    importer._write = timed
    return seconds


def _writer(number: int, stop: Any, results: Any, pause: float) -> None:
    import django
    from django.db import OperationalError, connections, transaction

    django.setup()
    from tepai.enterprises.models import Enterprise

    connections.close_all()
    latencies: list[float] = []
    failures: list[str] = []
    count = 0
    while not stop.is_set():
        start = time.perf_counter()
        try:
            with transaction.atomic():
                Enterprise.objects.create(name=f"并发写入企业{number}-{count}", cluster="other")
        except OperationalError as exc:
            failures.append(str(exc))
        latencies.append(time.perf_counter() - start)
        count += 1
        time.sleep(pause)
    results.put({"writes": count, "failures": failures, "latencies": latencies})


def concurrency_check(registry: str, path: Path, writers: int, pause: float) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    results = context.Queue()
    processes = [
        context.Process(target=_writer, args=(n, stop, results, pause)) for n in range(writers)
    ]
    for process in processes:
        process.start()
    time.sleep(1.0)  # writers are running before the import starts
    timing = timed_import(registry, path)
    time.sleep(0.5)
    stop.set()
    collected = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join()
    latencies = sorted(x for item in collected for x in item["latencies"])
    failures = [f for item in collected for f in item["failures"]]
    return {
        "import": timing,
        "writers": writers,
        "writes": sum(item["writes"] for item in collected),
        "failures": len(failures),
        "failure_messages": sorted(set(failures))[:3],
        "write_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "write_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
        "write_max_ms": round(latencies[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", choices=["commissioners", "demands"], default="commissioners")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--concurrent-rows", type=int, default=10_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument(
        "--pause", type=float, default=0.05, help="seconds between one writer's writes"
    )
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tepai.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from tepai.programs.models import Batch

    call_command("migrate", verbosity=0)
    Batch.objects.get_or_create(
        name="第二批", defaults={"dispatch_date": datetime.date(2024, 4, 24)}
    )
    build = commissioner_rows if args.registry == "commissioners" else demand_rows
    figures: dict[str, Any] = {"registry": args.registry, "rows": args.rows}
    with tempfile.TemporaryDirectory() as folder:
        big = write_xlsx(Path(folder) / "big.xlsx", build(args.rows, args.seed))
        figures["file_mb"] = round(big.stat().st_size / 1024 / 1024, 1)
        figures["first_import"] = timed_import(args.registry, big)
        print(f"{args.rows} rows, first import: {figures['first_import']}", flush=True)
        figures["re_import"] = timed_import(args.registry, big)
        print(f"{args.rows} rows, re-import:    {figures['re_import']}", flush=True)
        # Fresh records, so that the concurrent import writes as much as a first import.
        other = write_xlsx(
            Path(folder) / "other.xlsx",
            build(args.concurrent_rows, args.seed + 1, offset=args.rows),
        )
        figures["concurrent"] = concurrency_check(args.registry, other, args.writers, args.pause)
        print(f"{args.writers} writers during a {args.concurrent_rows}-row import: "
              f"{figures['concurrent']}", flush=True)  # fmt: skip
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
