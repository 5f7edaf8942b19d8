"""Build the ``real_demo`` dev set as a BEIR-format folder.

Queries are the 57 real, public demands in ``../shared/data/real-demand-texts`` (read at run
time, never copied into the repository); the corpus is the 48 demo commissioners in
``src/tepai/demo/data``; the qrels are the hand judgments in this folder's ``qrels.tsv``.
Demands nobody fits have no qrels line but are kept in ``queries.jsonl``.

Usage, from the repository root::

    python benchmarks/devsets/real_demo/build.py                # into .benchmark-cache/real_demo/
    python benchmarks/devsets/real_demo/build.py --out /tmp/rd --shared /path/to/real-demand-texts
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DEMO_DATA = ROOT / "src" / "tepai" / "demo" / "data"
DEFAULT_SHARED = ROOT.parent / "shared" / "data" / "real-demand-texts"
DEFAULT_OUT = ROOT / ".benchmark-cache" / "real_demo"
QRELS = HERE / "qrels.tsv"
QRELS_HEADER = "query-id\tcorpus-id\tscore"

_FIELD_SEPARATORS = re.compile(r"[、，,;；]")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def split_fields(text: str) -> list[str]:
    """Split a 研究方向 cell on 、，,;； and drop empty parts."""
    return [part.strip() for part in _FIELD_SEPARATORS.split(text) if part.strip()]


def build_corpus(data_dir: Path) -> list[dict[str, Any]]:
    """One record per commissioner, with their work items in file order."""
    items: dict[str, list[dict[str, str]]] = {}
    for row in _read_csv(data_dir / "work-items.csv"):
        items.setdefault(row["特派员"].strip(), []).append(
            {"title": row["标题"].strip(), "text": row["内容"].strip(), "kind": row["类型"].strip()}
        )
    corpus: list[dict[str, Any]] = []
    for row in _read_csv(data_dir / "commissioners.csv"):
        expert_id = row["编号"].strip()
        corpus.append(
            {
                "_id": expert_id,
                "title": row["姓名"].strip(),
                "text": row["个人简介"].strip(),
                "institution": row["工作单位"].strip(),
                "fields": split_fields(row["研究方向"]),
                "items": items.get(expert_id, []),
            }
        )
    return corpus


def build_queries(shared_dir: Path) -> list[dict[str, str]]:
    """All demands, including those nobody fits."""
    queries: list[dict[str, str]] = []
    with (shared_dir / "demands.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                demand = json.loads(line)
                queries.append(
                    {"_id": demand["id"], "title": demand["title"], "text": demand["text"]}
                )
    return queries


def check_qrels(path: Path, query_ids: set[str], corpus_ids: set[str]) -> int:
    """Check the judged file against the built queries and corpus; return its line count."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != QRELS_HEADER:
        raise ValueError(f"{path}: first line must be {QRELS_HEADER!r}")
    for number, line in enumerate(lines[1:], start=2):
        query_id, corpus_id, score = line.split("\t")
        if query_id not in query_ids or corpus_id not in corpus_ids or score not in {"1", "2"}:
            raise ValueError(f"{path}:{number}: unknown id or bad score in {line!r}")
    return len(lines) - 1


def _write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="folder holding demands.jsonl"
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    try:
        corpus = build_corpus(DEMO_DATA)
        queries = build_queries(args.shared)
        judged = check_qrels(QRELS, {q["_id"] for q in queries}, {c["_id"] for c in corpus})
    except (OSError, KeyError, ValueError) as error:
        print(f"real_demo: {error}", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    if not (out / ".gitignore").exists():
        (out / ".gitignore").write_text("# Built benchmark data: never commit.\n*\n")
    _write_jsonl(out / "corpus.jsonl", corpus)
    _write_jsonl(out / "queries.jsonl", queries)
    shutil.copyfile(QRELS, out / "qrels.tsv")
    qrels_lines = QRELS.read_text(encoding="utf-8").splitlines()[1:]
    with_qrels = {line.split("\t")[0] for line in qrels_lines}
    print(
        f"real_demo: {out}  corpus={len(corpus)} queries={len(queries)} "
        f"fit={len(with_qrels)} nofit={len(queries) - len(with_qrels)} qrels={judged}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
