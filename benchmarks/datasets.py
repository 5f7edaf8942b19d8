"""Build the Chinese expert-finding benchmarks as BEIR-format folders.

Each dataset is written to ``<cache>/<name>/<split>/`` as ``corpus.jsonl`` (experts),
``queries.jsonl`` (demands), ``qrels.tsv`` and ``meta.json`` (how it was built: source file
and its SHA-256, seed, split, rules, sizes). The files are the format
:mod:`tepai.matching.evaluation` reads (``load_corpus``, ``load_queries``,
``load_qrels``); see ``benchmarks/README.md`` for the designs.

* ``nsfc``: NSFC management-science projects. An expert is a principal investigator with at
  least three projects; the query is their latest project title, their other titles are the
  profile, and they are the one relevant expert.
* ``nsfc-full``: the same projects, but every PI is a candidate (about 12,500); each PI with
  at least two projects has their latest title as a query. Dev and test are disjoint seeded
  samples of 1,000 queries.
* ``csl``: CSL core-journal papers. Synthetic experts of up to four papers from one
  discipline; the query is another paper's title; same discipline is relevant (2), same
  category partly (1). Dev and test come from CSL's own dev and test files.

A build is reused while its meta.json matches (same builder version, seed and source bytes);
``--force`` rebuilds. The cache holds a ``.gitignore`` of ``*`` so nothing is committed.

Usage, from the repository root::

    python benchmarks/datasets.py                 # build all into ./.benchmark-cache/
    python benchmarks/datasets.py nsfc --force
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tepai.matching import Demand, Expert, InvalidInput, WorkItem
from tepai.matching.evaluation import QRELS_HEADER

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_CACHE = ROOT / ".benchmark-cache"
DEFAULT_SEED = 20240601
SPLITS = ("dev", "test")

# Bump when a builder changes what it writes, so cached folders are rebuilt.
BUILDER_VERSION = 1


@dataclass(frozen=True)
class BuiltSplit:
    """One split of a dataset, ready to write: experts, demands, qrels and a description."""

    experts: list[Expert]
    demands: list[Demand]
    qrels: dict[str, dict[str, float]]
    meta: dict[str, Any]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _clean(text: str) -> str:
    # NFKC folds full-width letters and brackets, so "（" and "(" name the same institution.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _clean_name(text: str) -> str:
    # The CSV pads some two-character names for alignment ("何    桢", "何   桢"): a space
    # inside a Chinese name is layout, not part of it. Latin names keep single spaces.
    text = _clean(text)
    return text.replace(" ", "") if _CJK.search(text) else text


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


# --- NSFC management-science projects -------------------------------------------------------

NSFC_FILE = Path("nsfc-management-projects") / "natural-2017-09-26.csv"
NSFC_MIN_PROJECTS = 3
# The same split as benchmarks/nsfc_bm25_check.py, so every NSFC experiment tunes on one dev
# half. Changing it would move tuned-on PIs into test: don't.
NSFC_SPLIT_SEED = "tepai-nsfc-dev-v1"


def nsfc_expert_id(key: tuple[str, str]) -> str:
    """Return the corpus id of PI (name, institution): a hash, so it says nothing readable."""
    return "nsfc-" + hashlib.sha256("\t".join(key).encode()).hexdigest()[:12]


def nsfc_split(name: str, institution: str) -> str:
    """Return "dev" or "test" for a PI: dev when SHA-256 of "<seed>\t<name>\t<institution>"
    has an even first byte.

    A hash (not a shuffle) keeps a PI's split stable when other PIs come and go.
    """
    digest = hashlib.sha256(f"{NSFC_SPLIT_SEED}\t{name}\t{institution}".encode()).digest()
    return "dev" if digest[0] % 2 == 0 else "test"


def read_nsfc_projects(source: Path) -> tuple[dict[tuple[str, str], list[dict[str, str]]], int]:
    """Return PI key → their projects, and the number of rows read, of the NSFC CSV.

    The key is (负责人, 依托单位), both NFKC-normalised with runs of spaces collapsed, and
    spaces inside a Chinese name dropped. Each project is a dict of ``grant`` (项目批准号),
    ``kind`` (项目类别), ``title`` (项目名称) and ``start`` (the start month, "YYYY.MM").
    Both ``nsfc`` and ``nsfc-full`` read the file this way, so their PIs are the same.
    """
    projects: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    columns = ("项目批准号", "项目类别", "项目名称", "依托单位", "负责人", "起止年月")
    with _open(source) as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in columns if name not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(f"{source}:1: missing column {missing[0]!r}")
        rows = 0
        for row in reader:
            rows += 1
            name, institution = _clean_name(row["负责人"]), _clean(row["依托单位"])
            title = _clean(row["项目名称"])
            if not (name and institution and title):
                raise InvalidInput(f"{source}:{reader.line_num}: empty PI, institution or title")
            projects[(name, institution)].append(
                {
                    "grant": row["项目批准号"].strip(),
                    "kind": _clean(row["项目类别"]),
                    "title": title,
                    "start": row["起止年月"].strip()[:7],  # "2018.01-2020.12" → "2018.01"
                }
            )
    return projects, rows


def build_nsfc(data_dir: Path, seed: int) -> dict[str, BuiltSplit]:
    """Return the NSFC expert-finding dataset's dev and test splits (one shared corpus).

    PI identity is (负责人, 依托单位) after NFKC and whitespace normalisation
    (spaces inside a Chinese name dropped), as the data's README advises (names alone
    are ambiguous). A PI with at least three projects is an expert. Their latest
    project (by start month of 起止年月, then grant number) is their query; every
    *other* title, minus any copy of the query title, is a work item. Queries are
    dropped when the ground truth would be ambiguous: the query title also appears among
    another expert's items (e.g. 杰青 titles such as "运筹与管理"), or another expert
    has the same name at another institution (likely the same person after a move).
    Queries are split about 50/50 by :func:`nsfc_split` of the PI key; the corpus holds
    every expert in both splits. ``seed`` is unused: the split is fixed (see
    ``NSFC_SPLIT_SEED``).
    """
    source = data_dir / NSFC_FILE
    projects, rows = read_nsfc_projects(source)

    experts: list[Expert] = []
    queries: dict[str, tuple[Demand, tuple[str, str]]] = {}
    for key in sorted(projects):
        mine = projects[key]
        if len(mine) < NSFC_MIN_PROJECTS:
            continue
        mine.sort(key=lambda project: (project["start"], project["grant"]))
        latest = mine[-1]
        expert_id = nsfc_expert_id(key)
        # A continuation grant can repeat a title; keep none of the query's copies.
        older = [project for project in mine[:-1] if project["title"] != latest["title"]]
        items = tuple(
            WorkItem(title=project["title"], kind=project["kind"])
            for project in reversed(older)  # newest first, as a CV lists them
        )
        experts.append(Expert(id=expert_id, name=key[0], institution=key[1], items=items))
        query = Demand(id=f"q-{latest['grant']}", text=latest["title"])
        queries[expert_id] = (query, key)

    titles_of: dict[str, set[str]] = defaultdict(set)
    for expert in experts:
        for item in expert.items:
            titles_of[item.title].add(expert.id)
    names = Counter(expert.name for expert in experts)
    dropped: Counter[str] = Counter()
    split_queries: dict[str, list[Demand]] = {split: [] for split in SPLITS}
    split_qrels: dict[str, dict[str, dict[str, float]]] = {split: {} for split in SPLITS}
    for expert_id, (query, key) in queries.items():
        if titles_of.get(query.text, set()) - {expert_id}:
            dropped["query title is another expert's item"] += 1
            continue
        if names[key[0]] > 1:
            dropped["PI name shared by another expert"] += 1
            continue
        split = nsfc_split(*key)
        split_queries[split].append(query)
        split_qrels[split][query.id] = {expert_id: 1.0}

    items = sum(len(expert.items) for expert in experts)
    result = {}
    for split in SPLITS:
        meta = {
            "dataset": "nsfc",
            "split": split,
            "tuning": split == "dev",
            "seed": seed,
            "split_seed": NSFC_SPLIT_SEED,
            "builder_version": BUILDER_VERSION,
            "source": {"file": str(NSFC_FILE), "sha256": _sha256(source), "rows": rows},
            "construction": (
                "PI key = (负责人, 依托单位), NFKC-normalised, no spaces in Chinese "
                f"names. Expert = PI with >= {NSFC_MIN_PROJECTS} projects; items = their "
                "other project titles (copies of the query title removed). Query = the PI's "
                "latest project title (start month, then grant number); the one relevant "
                "expert is that PI (score 1). Queries dropped when the title is also another "
                "expert's item or the PI's name belongs to another expert. Split: dev iff "
                "sha256('tepai-nsfc-dev-v1\\t<name>\\t<institution>') has an even first "
                "byte (as benchmarks/nsfc_bm25_check.py)."
            ),
            "sizes": {
                "experts": len(experts),
                "items": items,
                "queries": len(split_queries[split]),
                "qrels": sum(len(judged) for judged in split_qrels[split].values()),
                "queries_dropped_all_splits": dict(dropped),
            },
        }
        result[split] = BuiltSplit(experts, split_queries[split], split_qrels[split], meta)
    return result


# --- NSFC, full candidate pool ----------------------------------------------------------------

NSFC_FULL_MIN_PROJECTS = 2
NSFC_FULL_SAMPLE = 1000


def build_nsfc_full(data_dir: Path, seed: int) -> dict[str, BuiltSplit]:
    """Return NSFC expert finding over *every* PI, with 1,000-query dev and test samples.

    The same PIs as ``nsfc`` (:func:`read_nsfc_projects`), but every PI is an expert and a
    candidate, about 12,500 after normalisation. An expert's items are their project titles,
    newest first, each with its project type as ``kind``. A PI with at least two projects
    has a query: their latest title (start month, then grant number), and every copy of that
    title is removed from their items; the one relevant expert is that PI (score 1). The
    expert's name and profile text are empty and the id is a hash, so no name is indexed; the
    institution is kept in its own field only, which rankers do not read as text.

    Queries are dropped, in this order, when the query title is also another expert's item,
    when another expert (so, at another institution) has the PI's name, or when no title of
    the PI is left once the query title is removed (a continuation grant with the same
    title), since no ranker could then find them. Of the remaining queries, ``test`` is a
    sample of 1,000 drawn with ``random.Random("<seed>:nsfc-full:test")`` from the PIs that
    :func:`nsfc_split` puts in test, and ``dev`` a sample of 1,000 drawn with
    ``"<seed>:nsfc-full:dev"`` from its dev half: the samples are disjoint, and no PI whose
    query the engine was tuned on in ``nsfc`` dev is in this test. Both splits share the corpus.
    """
    source = data_dir / NSFC_FILE
    projects, rows = read_nsfc_projects(source)

    experts: list[Expert] = []
    key_of: dict[str, tuple[str, str]] = {}
    queries: dict[str, Demand] = {}
    for key in sorted(projects):
        mine = sorted(projects[key], key=lambda project: (project["start"], project["grant"]))
        expert_id = nsfc_expert_id(key)
        key_of[expert_id] = key
        kept = mine
        if len(mine) >= NSFC_FULL_MIN_PROJECTS:
            latest = mine[-1]
            queries[expert_id] = Demand(id=f"q-{latest['grant']}", text=latest["title"])
            # A continuation grant can repeat a title; keep none of the query's copies.
            kept = [project for project in mine if project["title"] != latest["title"]]
        items = tuple(
            WorkItem(title=project["title"], kind=project["kind"])
            for project in reversed(kept)  # newest first, as a CV lists them
        )
        # No name: the engine indexes an expert's title/name as profile text.
        experts.append(Expert(id=expert_id, institution=key[1], items=items))

    titles_of: dict[str, set[str]] = defaultdict(set)
    for expert in experts:
        for item in expert.items:
            titles_of[item.title].add(expert.id)
    names = Counter(key[0] for key in key_of.values())
    item_count = {expert.id: len(expert.items) for expert in experts}
    dropped: Counter[str] = Counter()
    pools: dict[str, list[str]] = {split: [] for split in SPLITS}
    for expert_id, query in queries.items():
        key = key_of[expert_id]
        if titles_of.get(query.text, set()) - {expert_id}:
            dropped["query title is another expert's item"] += 1
        elif names[key[0]] > 1:
            dropped["PI name shared by another expert"] += 1
        elif not item_count[expert_id]:
            dropped["no other title left"] += 1
        else:
            pools[nsfc_split(*key)].append(expert_id)

    items = sum(item_count.values())
    source_meta = {"file": str(NSFC_FILE), "sha256": _sha256(source), "rows": rows}
    result = {}
    for split in SPLITS:
        pool = sorted(pools[split])
        if len(pool) < NSFC_FULL_SAMPLE:
            raise InvalidInput(
                f"{source}: only {len(pool)} {split} queries, fewer than the "
                f"{NSFC_FULL_SAMPLE} to sample"
            )
        sample_seed = f"{seed}:nsfc-full:{split}"
        chosen = random.Random(sample_seed).sample(pool, NSFC_FULL_SAMPLE)
        demands = sorted((queries[expert_id] for expert_id in chosen), key=lambda d: d.id)
        qrels = {queries[expert_id].id: {expert_id: 1.0} for expert_id in chosen}
        meta = {
            "dataset": "nsfc-full",
            "split": split,
            "tuning": split == "dev",
            "seed": seed,
            "sample_seed": sample_seed,
            "split_seed": NSFC_SPLIT_SEED,
            "builder_version": BUILDER_VERSION,
            "source": source_meta,
            "construction": (
                "PI key = (负责人, 依托单位), NFKC-normalised, no spaces in Chinese names (as "
                "nsfc). Every PI is an expert; items = their project titles, newest first, "
                "kind = project type; name and profile text empty, institution in its own "
                f"field. Query = latest title (start month, then grant number) of each PI with "
                f">= {NSFC_FULL_MIN_PROJECTS} projects, every copy of it removed from that "
                "PI's items; the one relevant expert is that PI (score 1). Queries dropped when "
                "the title is also another expert's item, the PI's name belongs to another "
                "expert, or no other title is left. The split's queries are "
                f"random.Random('{sample_seed}').sample(sorted expert ids, "
                f"{NSFC_FULL_SAMPLE}) of the PIs that nsfc_split "
                "(sha256('tepai-nsfc-dev-v1\\t<name>\\t<institution>'), even first byte = dev) "
                f"puts in {split}."
            ),
            "sizes": {
                "experts": len(experts),
                "items": items,
                "queries": len(demands),
                "qrels": len(qrels),
                "query_pis": len(queries),
                "queries_kept_this_half": len(pool),
                "queries_dropped_all_splits": dict(dropped),
            },
        }
        result[split] = BuiltSplit(experts, demands, qrels, meta)
    return result


# --- CSL: Chinese scientific literature -----------------------------------------------------

CSL_FILES = {split: Path("csl") / f"csl_benchmark_{split}.jsonl" for split in SPLITS}
CSL_PAPERS_PER_EXPERT = 4
CSL_QUERY_SHARE = 0.2


def build_csl(data_dir: Path, seed: int) -> dict[str, BuiltSplit]:
    """Return the CSL discipline-level expert-finding dataset, dev and test from CSL's own splits.

    Within one split file, the papers of each discipline are shuffled (seeded per discipline);
    a fifth of them (at least one when the discipline has two or more papers) become queries
    (the paper's title), and the rest are dealt round-robin into synthetic experts of at most
    four papers (items: title + abstract; fields: the papers' keywords). Relevance: an expert
    of the query's discipline 2, of its category (another discipline) 1. Expert ids and names
    carry no label, so a ranker cannot read the answer from them.
    """
    return {split: _build_csl_split(data_dir, seed, split) for split in SPLITS}


def _build_csl_split(data_dir: Path, seed: int, split: str) -> BuiltSplit:
    source = data_dir / CSL_FILES[split]
    papers: list[dict[str, Any]] = []
    with _open(source) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                paper = json.loads(line)
                fields = [paper[name] for name in ("id", "title", "abstract", "discipline")]
                if not all(isinstance(value, str) and value for value in fields):
                    raise ValueError("empty id, title, abstract or discipline")
                if not isinstance(paper["category"], str) or not isinstance(
                    paper["keywords"], list
                ):
                    raise ValueError("category must be a string and keywords a list")
            except (ValueError, KeyError, TypeError) as error:
                raise InvalidInput(f"{source}:{number}: not a CSL paper: {error}") from error
            papers.append(paper)

    by_discipline: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for paper in papers:
        by_discipline[paper["discipline"]].append(paper)
    category_of = {paper["discipline"]: paper["category"] for paper in papers}

    experts: list[Expert] = []
    discipline_of: dict[str, str] = {}
    demands: list[Demand] = []
    query_discipline: dict[str, str] = {}
    for discipline in sorted(by_discipline):
        group = sorted(by_discipline[discipline], key=lambda paper: paper["id"])
        random.Random(f"{seed}:{split}:{discipline}").shuffle(group)
        queries = round(len(group) * CSL_QUERY_SHARE) if len(group) >= 2 else 0
        queries = max(queries, 1) if len(group) >= 2 else 0
        for paper in group[:queries]:
            demand = Demand(id=f"q-{paper['id']}", text=_clean(paper["title"]))
            demands.append(demand)
            query_discipline[demand.id] = discipline
        rest = group[queries:]
        count = -(-len(rest) // CSL_PAPERS_PER_EXPERT)  # ceil
        for n in range(count):
            members = rest[n::count]
            expert_id = f"e-{hashlib.sha256(members[0]['id'].encode()).hexdigest()[:10]}"
            keywords = dict.fromkeys(_clean(k) for p in members for k in p["keywords"] if k)
            experts.append(
                Expert(
                    id=expert_id,
                    fields=tuple(keywords),
                    items=tuple(
                        WorkItem(title=_clean(p["title"]), text=_clean(p["abstract"]), kind="paper")
                        for p in members
                    ),
                )
            )
            discipline_of[expert_id] = discipline
    # Sorting by the hashed id mixes disciplines, so corpus order says nothing about labels.
    experts.sort(key=lambda expert: expert.id)
    demands.sort(key=lambda demand: demand.id)

    qrels: dict[str, dict[str, float]] = {}
    for demand in demands:
        discipline = query_discipline[demand.id]
        judged = {}
        for expert_id, theirs in discipline_of.items():
            if theirs == discipline:
                judged[expert_id] = 2.0
            elif category_of[theirs] == category_of[discipline]:
                judged[expert_id] = 1.0
        qrels[demand.id] = judged
    meta = {
        "dataset": "csl",
        "split": split,
        "tuning": split == "dev",
        "seed": seed,
        "builder_version": BUILDER_VERSION,
        "source": {"file": str(CSL_FILES[split]), "sha256": _sha256(source), "rows": len(papers)},
        "construction": (
            f"Per discipline (seeded shuffle), {CSL_QUERY_SHARE:.0%} of papers (>= 1 if the "
            "discipline has >= 2) are queries (title only); the rest are dealt round-robin "
            f"into experts of <= {CSL_PAPERS_PER_EXPERT} papers (items: title + abstract, "
            "fields: keywords). Relevance: same discipline 2, same category 1. The split is "
            "CSL's own dev/test file."
        ),
        "sizes": {
            "experts": len(experts),
            "items": sum(len(expert.items) for expert in experts),
            "queries": len(demands),
            "qrels": sum(len(judged) for judged in qrels.values()),
            "qrels_discipline": sum(
                1 for judged in qrels.values() for value in judged.values() if value == 2
            ),
            "disciplines": len(by_discipline),
            "disciplines_with_queries": len(set(query_discipline.values())),
        },
    }
    return BuiltSplit(experts, demands, qrels, meta)


# --- BEIR-format files ----------------------------------------------------------------------
# The inverse of tepai.matching.evaluation's loaders (which `tepai match eval` uses); only the
# builders here write these files.


def write_corpus(path: str | Path, experts: Iterable[Expert]) -> int:
    """Write experts as ``corpus.jsonl`` (the format ``load_corpus`` reads); return the count.

    Items with only a title are written as strings, the others as objects; empty optional
    fields are left out.
    """
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        for expert in experts:
            record: dict[str, Any] = {
                "_id": expert.id,
                "title": expert.name,
                "text": expert.profile,
            }
            if expert.title:
                record["position"] = expert.title
            if expert.institution:
                record["institution"] = expert.institution
            if expert.region:
                record["region"] = expert.region
            if expert.fields:
                record["fields"] = list(expert.fields)
            if expert.clusters:
                record["clusters"] = list(expert.clusters)
            record["items"] = [_item_record(item) for item in expert.items]
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _item_record(item: WorkItem) -> str | dict[str, str]:
    if not item.text and not item.kind:
        return item.title
    record = {"title": item.title}
    if item.text:
        record["text"] = item.text
    if item.kind:
        record["kind"] = item.kind
    return record


def write_queries(path: str | Path, demands: Iterable[Demand]) -> int:
    """Write demands as ``queries.jsonl`` (the format ``load_queries`` reads); return the
    count. Empty optional fields are left out."""
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        for demand in demands:
            record: dict[str, Any] = {"_id": demand.id, "text": demand.text}
            if demand.title:
                record["title"] = demand.title
            if demand.skills:
                record["skills"] = list(demand.skills)
            for key in ("cluster", "region", "enterprise"):
                if getattr(demand, key):
                    record[key] = getattr(demand, key)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_qrels(path: str | Path, qrels: Mapping[str, Mapping[str, float]]) -> int:
    """Write qrels as a BEIR ``qrels.tsv`` with header, sorted by ids; return the line count.

    Integral scores are written without a decimal point (``1``, not ``1.0``), as BEIR does.
    """
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("\t".join(QRELS_HEADER) + "\n")
        for query_id in sorted(qrels):
            for doc_id in sorted(qrels[query_id]):
                for value in (query_id, doc_id):
                    if "\t" in value or "\n" in value:
                        raise InvalidInput(f"id {value!r} contains a tab or newline")
                score = float(qrels[query_id][doc_id])
                text = str(int(score)) if score.is_integer() else repr(score)
                handle.write(f"{query_id}\t{doc_id}\t{text}\n")
                count += 1
    return count


# --- building and caching -------------------------------------------------------------------

BUILDERS: dict[str, Callable[[Path, int], dict[str, BuiltSplit]]] = {
    "nsfc": build_nsfc,
    "nsfc-full": build_nsfc_full,
    "csl": build_csl,
}


def _open(path: Path) -> Any:
    try:
        return path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read: {error.strerror}") from error


def split_dir(cache_dir: Path, name: str, split: str) -> Path:
    """Return the folder a built split lives in."""
    return cache_dir / name / split


def _is_current(folder: Path, seed: int) -> bool:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return (
        meta.get("builder_version") == BUILDER_VERSION
        and meta.get("seed") == seed
        and all(
            (folder / name).is_file() for name in ("corpus.jsonl", "queries.jsonl", "qrels.tsv")
        )
    )


def ensure_built(
    name: str,
    data_dir: Path = DEFAULT_DATA,
    cache_dir: Path = DEFAULT_CACHE,
    seed: int = DEFAULT_SEED,
    force: bool = False,
) -> dict[str, Path]:
    """Return split → folder of dataset ``name``, building it first if missing or stale.

    A cached build is stale when its builder version or seed differ, or its source file's
    SHA-256 no longer matches (checked by hashing the source again, which is cheap).
    """
    if name not in BUILDERS:
        raise InvalidInput(f"unknown dataset {name!r}; known: {', '.join(sorted(BUILDERS))}")
    folders = {split: split_dir(cache_dir, name, split) for split in SPLITS}
    current = not force and all(_is_current(folder, seed) for folder in folders.values())
    if current and all(_source_unchanged(folder, data_dir) for folder in folders.values()):
        return folders
    built = BUILDERS[name](data_dir, seed)
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / ".gitignore").write_text("# Built benchmark data: never commit.\n*\n")
    for split, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        part = built[split]
        write_corpus(folder / "corpus.jsonl", part.experts)
        write_queries(folder / "queries.jsonl", part.demands)
        write_qrels(folder / "qrels.tsv", part.qrels)
        # meta.json last: its presence marks a complete build.
        text = json.dumps(part.meta, ensure_ascii=False, indent=2) + "\n"
        (folder / "meta.json").write_text(text, encoding="utf-8")
    return folders


def _source_unchanged(folder: Path, data_dir: Path) -> bool:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    source = data_dir / meta["source"]["file"]
    return source.is_file() and _sha256(source) == meta["source"]["sha256"]


def main(argv: Sequence[str] | None = None) -> int:
    """Build the named datasets (all by default) and print their sizes; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"datasets to build: {', '.join(BUILDERS)}")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared/data folder")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    args = parser.parse_args(argv)
    try:
        for name in args.names or sorted(BUILDERS):
            folders = ensure_built(name, args.data, args.cache, args.seed, args.force)
            for split, folder in folders.items():
                meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
                print(f"{name}/{split}: {folder}  {json.dumps(meta['sizes'], ensure_ascii=False)}")
    except InvalidInput as error:
        print(f"datasets: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
