"""Encoder throughput: texts per second for short texts and ~200-character profiles.

    python benchmarks/encoder_speed.py [--n 1000] [--encoders hashing,distilled,use]
        [--repeat 2] [--format text|json]

For each encoder and text kind it reports, in texts/s:

- ``cold``: the bare encoder on N distinct texts (nothing cached);
- ``cached_cold``: the same through a fresh ``CachedEncoder`` (encoding + SQLite writes);
- ``warm_disk``: a new ``CachedEncoder`` on that directory (SQLite reads, as after a restart);
- ``warm_memory``: the same object again (in-memory LRU hits).

Texts are synthetic but realistic (seeded combinations of Chinese research-profile phrases),
all distinct so within-call de-duplication does not flatter the numbers. ``cold`` is the
best of ``--repeat`` runs: other processes on a shared machine only ever slow a run down.
The last output line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence

from static_encoder import StaticEncoder

from tepai.matching.dense import (
    CachedEncoder,
    Encoder,
    HashingEncoder,
    UseEncoder,
    cpu_count,
)

FIELDS = (
    "直接空冷凝汽器",
    "翅片管清洗",
    "果树矮化密植",
    "棉花精量播种",
    "滴灌水肥一体化",
    "盐碱地改良",
    "设施农业环境控制",
    "畜禽粪污资源化",
    "农产品冷链物流",
    "葡萄酿酒工艺",
    "核桃深加工",
    "红枣烘干",
    "光伏组件运维",
    "风电机组故障诊断",
    "电力系统继电保护",
    "煤化工废水处理",
    "工业锅炉节能",
    "数控机床误差补偿",
    "焊接机器人路径规划",
    "PLC控制系统",
    "机器视觉检测",
    "锂电池热管理",
    "纺织印染废水",
    "棉纺织工艺优化",
    "服装智能制造",
    "高分子材料改性",
    "复合材料成型",
    "中药材规范化种植",
    "兽药残留检测",
    "食品安全快速检测",
    "遥感影像分类",
    "地下水资源评价",
    "土壤重金属修复",
    "微生物菌剂",
    "病虫害绿色防控",
    "智慧灌区信息化",
    "农业物联网",
    "深度学习图像识别",
    "大数据分析平台",
    "供应链金融",
    "企业管理咨询",
    "知识产权运营",
)
VERBS = ("主要从事", "长期致力于", "研究方向为", "擅长", "承担过", "主持完成了")
TITLES = ("教授", "研究员", "高级工程师", "副教授", "正高级农艺师", "博士")
TAILS = (
    "获省部级科技进步奖{n}项，发表论文{m}篇，授权发明专利{k}件。",
    "为{n}家企业解决了生产中的关键技术难题，推广面积{m}万亩。",
    "指导企业建立了{x}生产线，年节约成本{m}万元。",
    "牵头制定地方标准{n}项，培训技术人员{m}人次。",
)


def make_texts(n: int, kind: str, seed: int = 7) -> list[str]:
    """Return ``n`` distinct synthetic texts: "short" (~20 chars) or "profile" (~200 chars)."""
    rng = random.Random(f"{seed}:{kind}")
    texts: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < n:
        if kind == "short":
            text = "".join(rng.sample(FIELDS, 2)) + rng.choice(("技术", "研究", "应用", "优化"))
            text += f"{rng.randint(1, 99)}" if rng.random() < 0.3 else ""
            text = text[:20]
        else:
            parts = [rng.choice(TITLES) + "，" + rng.choice(VERBS)]
            while sum(map(len, parts)) < 200:
                picks = rng.sample(FIELDS, 3)
                parts.append(f"{picks[0]}、{picks[1]}和{picks[2]}等方面的研究与推广。")
                parts.append(
                    rng.choice(TAILS).format(
                        n=rng.randint(1, 9),
                        m=rng.randint(10, 300),
                        k=rng.randint(1, 30),
                        x=rng.choice(FIELDS),
                    )
                )
            text = "".join(parts)[:200]
        if text not in texts:
            texts.add(text)
            ordered.append(text)
    return ordered


def rate(encode: Callable[[Sequence[str]], object], texts: list[str], repeat: int = 1) -> float:
    """Return the best texts/s of ``repeat`` calls of ``encode(texts)``."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        encode(texts)
        best = min(best, time.perf_counter() - started)
    return round(len(texts) / best, 1)


def make_encoder(name: str) -> Encoder:
    """Return a bare encoder: hashing, distilled or use."""
    if name == "hashing":
        return HashingEncoder()
    if name == "distilled":
        return StaticEncoder()
    if name == "use":
        return UseEncoder()
    raise SystemExit(f"unknown encoder {name!r}")


def measure(name: str, n: int, repeat: int) -> dict[str, object]:
    """Return load time and per-kind throughput figures for one encoder."""
    encoder = make_encoder(name)
    started = time.perf_counter()
    load = getattr(encoder, "load", None)
    if load is not None:
        load()
    result: dict[str, object] = {"load_s": round(time.perf_counter() - started, 2)}
    for kind in ("short", "profile"):
        texts = make_texts(n, kind)
        figures = {"cold": rate(encoder.encode, texts, repeat)}
        with tempfile.TemporaryDirectory() as directory:
            with CachedEncoder(encoder, directory) as cached:
                figures["cached_cold"] = rate(cached.encode, texts)
            with CachedEncoder(encoder, directory) as cached:
                figures["warm_disk"] = rate(cached.encode, texts)
                figures["warm_memory"] = rate(cached.encode, texts)
                assert cached.stats().misses == 0
        result[kind] = figures
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark from the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="texts per measurement")
    parser.add_argument("--encoders", default="hashing,distilled,use")
    parser.add_argument("--repeat", type=int, default=2, help="cold runs; the best counts")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)

    report: dict[str, object] = {
        "n": args.n,
        "cpus": cpu_count(),
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    for name in args.encoders.split(","):
        figures = measure(name, args.n, args.repeat)
        report[name] = figures
        if args.format == "text":
            print(f"{name:10} load {figures['load_s']} s")
            for kind in ("short", "profile"):
                row = figures[kind]
                assert isinstance(row, dict)
                cells = "  ".join(f"{key} {value:>9,.0f}/s" for key, value in row.items())
                print(f"  {kind:8} {cells}")
    report["load_average_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
