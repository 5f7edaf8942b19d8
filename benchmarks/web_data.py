"""Fill a tepai database with a programme the size of a large province, for web speed tests.

Default size: 10,000 commissioners (each with 2–4 work items), 5,000 enterprises, 50,000
technology demands across them, and in proportion 12,000 projects, 20,000 service
activities, 2,000 research outcomes with 3,000 cooperation intents, 300 institutions, two
batches with their teams and innovation centres, 60 events, 20 demand lists and 100 cases,
plus one sign-in account per role (user names ``bench-admin``, ``bench-commissioner``,
``bench-enterprise``, ``bench-auditor``; password ``Bench-Pass-2024``).

The Chinese text comes from ``profile_generator.py`` (bios, research fields and work items of
experts; demands in an enterprise's plain words), so search and filters see realistic words.
Everything is drawn from ``random.Random`` seeded per record kind, so the same arguments give
the same database. Rows go in with ``bulk_create`` in batches (no model signals, hence no
audit entries): the default size loads in a few minutes on SQLite.

Run from the repository root, on a fresh data directory (the script migrates it first)::

    TEPAI_HOME=/tmp/tepai-bench python benchmarks/web_data.py
    TEPAI_HOME=/tmp/tepai-bench python benchmarks/web_data.py --commissioners 1000 \\
        --enterprises 500 --demands 5000            # a tenth of the size
    TEPAI_DATABASE_URL=postgresql://user:pw@127.0.0.1:5432/bench \\
        TEPAI_HOME=/tmp/tepai-bench python benchmarks/web_data.py

It refuses a database that already has commissioners (``--force`` adds to it anyway). On
SQLite it leaves the planner without statistics, as a deployment has it unless somebody runs
ANALYZE (``--analyze`` gathers them); PostgreSQL is vacuumed and analysed, as its autovacuum
would soon do.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
if not (HERE.parent / "src" / "tepai").is_dir():  # pragma: no cover - run from elsewhere
    raise SystemExit("run from a tepai checkout")
sys.path.insert(1, str(HERE.parent / "src"))

BATCH_SIZE = 2000
PASSWORD = "Bench-Pass-2024"
# Cluster names of profile_generator → the model's IndustryCluster codes.
CLUSTER_CODES = {
    "油气生产加工": "oil_gas",
    "煤炭煤电煤化工": "coal",
    "绿色矿业": "green_mining",
    "粮油": "grain_oil",
    "棉花和纺织服装": "cotton_textile",
    "绿色有机果蔬": "fruit_veg",
    "优质畜产品": "livestock",
    "新能源新材料": "new_energy",
}
# How the demands of a mature programme are spread over the workflow.
DEMAND_STATUSES = (
    ("draft", 4),
    ("pending", 4),
    ("published", 38),
    ("matching", 22),
    ("signed", 20),
    ("completed", 8),
    ("closed", 4),
)
WORK_ITEM_KINDS = {"项目": "project", "论文": "paper", "专利": "patent", "技术服务": "other"}
D = datetime.date


@dataclass(frozen=True)
class Size:
    """How many records of each kind to make (the defaults are the benchmark's size)."""

    commissioners: int = 10_000
    enterprises: int = 5_000
    demands: int = 50_000
    seed: int = 7

    @property
    def outcomes(self) -> int:
        return min(self.commissioners, max(1, self.commissioners // 5))

    def scaled(self, per_demand: float) -> int:
        return max(1, round(self.demands * per_demand))


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tepai.settings")
    import django

    django.setup()


def _bulk(model: Any, rows: Iterable[Any]) -> list[Any]:
    """Insert ``rows`` in batches and return them (with primary keys on both databases)."""
    objects = list(rows)
    for obj in objects:
        # bulk_create skips save(), which derives the pinyin keys and the research-field
        # text that search matches; without them every pinyin search found nothing.
        if hasattr(obj, "refresh_search_keys"):
            obj.refresh_search_keys()
    created = []
    for start in range(0, len(objects), BATCH_SIZE):
        created += model.objects.bulk_create(objects[start : start + BATCH_SIZE])
    return created


def _links(relation: Any, pairs: Iterable[tuple[int, int]]) -> int:
    """Insert many-to-many rows (source pk, target pk) through ``relation`` (e.g. Case.projects)."""
    through, field = relation.through, relation.field
    source = field.m2m_field_name() + "_id"
    target = field.m2m_reverse_field_name() + "_id"
    unique = sorted(set(pairs))
    _bulk(through, (through(**{source: a, target: b}) for a, b in unique))
    return len(unique)


def _distinct(seen: set[Any], key: tuple[Any, ...], text: str) -> str:
    """Return ``text``, numbered (“（2）”) if ``key`` with it was taken: natural keys are unique."""
    candidate, n = text, 1
    while (*key, candidate) in seen:
        n += 1
        candidate = f"{text}（{n}）"
    seen.add((*key, candidate))
    return candidate


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _date(rng: random.Random, start: datetime.date, days: int) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(days))


def populate(size: Size, say: Callable[[str], None] = print) -> dict[str, int]:
    """Fill the configured database; return the number of rows made per kind."""
    from profile_generator import (
        CLUSTERS,
        INSTITUTIONS,
        UNIVERSITIES,
        enterprise_pool,
        generate_demands,
        generate_experts,
    )

    from tepai.activities.models import Activity
    from tepai.cases.models import Case
    from tepai.commissioners.models import Commissioner, WorkItem
    from tepai.demands.models import Demand, DemandList
    from tepai.enterprises.models import Enterprise
    from tepai.events.models import Event
    from tepai.institutions.models import Institution
    from tepai.outcomes.models import CooperationIntent, Outcome
    from tepai.programs.models import Batch, InnovationCentre, Team
    from tepai.projects.models import Project

    rng = random.Random(f"tepai-web-data:{size.seed}")
    counts: dict[str, int] = {}
    clusters = list(CLUSTER_CODES.values())

    # --- programme ---------------------------------------------------------------------------
    names = list(dict.fromkeys([*UNIVERSITIES, *INSTITUTIONS]))
    while len(names) < 300:
        names.append(f"{rng.choice(UNIVERSITIES)}{rng.choice('东南西北')}{len(names)}分院")
    institutions = _bulk(
        Institution,
        (
            Institution(name=name, type="university" if "大学" in name else "institute")
            for name in names[:300]
        ),
    )
    batches = _bulk(
        Batch,
        [
            Batch(name="第一批", dispatch_date=D(2023, 3, 1), host_region="新疆阿克苏地区"),
            Batch(name="第二批", dispatch_date=D(2024, 4, 24), host_region="新疆阿克苏地区"),
        ],
    )
    teams = _bulk(
        Team,
        (
            Team(name=f"{cluster.name}团", batch=batch, cluster=CLUSTER_CODES[cluster.name])
            for batch in batches
            for cluster in CLUSTERS
        ),
    )
    centres = _bulk(
        InnovationCentre,
        (
            InnovationCentre(
                name=f"浙阿{cluster.name}科技创新中心",
                cluster=CLUSTER_CODES[cluster.name],
                batch=batches[1],
                lead_institution=institutions[i],
            )
            for i, cluster in enumerate(CLUSTERS)
        ),
    )
    counts |= {"institutions": len(institutions), "teams": len(teams), "centres": len(centres)}
    say(f"programme: {len(institutions)} institutions, {len(teams)} teams, {len(centres)} centres")

    # --- commissioners -----------------------------------------------------------------------
    started = time.perf_counter()
    experts = generate_experts(size.commissioners, size.seed)
    by_name = {i.name: i for i in institutions}
    homes = [by_name.get(e.institution) or rng.choice(institutions) for e in experts]
    # (name, birth date, institution) is a commissioner's natural key: the code is the name.
    names_seen: set[Any] = set()
    people = _bulk(
        Commissioner,
        (
            Commissioner(
                code=f"BJ-{n:05d}",
                name=_distinct(names_seen, (home.pk,), expert.name),
                gender=rng.choice("MF"),
                birth_date=_date(rng, D(1965, 1, 1), 25 * 365),
                institution=home,
                title=expert.title,
                title_level=rng.choice(("senior", "vice_senior", "vice_senior", "intermediate")),
                degree=rng.choice(("doctorate", "doctorate", "master", "bachelor")),
                research_fields=list(expert.fields),
                bio=expert.profile,
                phone=_phone(rng),
                email=f"expert{n}@example.edu.cn",
                max_load=expert.max_load,
            )
            for n, (expert, home) in enumerate(zip(experts, homes, strict=True))
        ),
    )
    titles_seen: set[Any] = set()
    items = _bulk(
        WorkItem,
        (
            WorkItem(
                commissioner=person,
                kind=WORK_ITEM_KINDS.get(item.kind, "other"),
                title=_distinct(titles_seen, (person.pk,), item.title[:190]),
                text=item.text,
                year=rng.randint(2012, 2024),
            )
            for person, expert in zip(people, experts, strict=True)
            for item in expert.items
        ),
    )
    team_of = {(t.batch_id, t.cluster): t.pk for t in teams}
    centre_of = {c.cluster: c.pk for c in centres}
    in_batches, in_teams, in_centres = [], [], []
    for person, expert in zip(people, experts, strict=True):
        cluster = CLUSTER_CODES[expert.clusters[0]]
        chosen = [batches[1]] if rng.random() < 0.6 else [batches[0]]
        if rng.random() < 0.1:
            chosen = list(batches)
        for batch in chosen:
            in_batches.append((person.pk, batch.pk))
            in_teams.append((person.pk, team_of[(batch.pk, cluster)]))
        if rng.random() < 0.4:
            in_centres.append((person.pk, centre_of[cluster]))
    _links(Commissioner.batches, in_batches)
    _links(Commissioner.teams, in_teams)
    _links(Commissioner.centres, in_centres)
    counts |= {"commissioners": len(people), "work_items": len(items)}
    say(
        f"{len(people)} commissioners, {len(items)} work items"
        f" ({time.perf_counter() - started:.0f} s)"
    )

    # --- enterprises and demands -------------------------------------------------------------
    started = time.perf_counter()
    per_cluster = -(-size.enterprises // len(CLUSTERS)) + 50
    pool = enterprise_pool(size.seed, per_cluster=per_cluster)
    firms: list[tuple[str, str, str]] = []  # (name, county, cluster code)
    seen: set[str] = set()
    for cluster in CLUSTERS:
        for name, region in pool[cluster.name]:
            if name not in seen:
                seen.add(name)
                firms.append((name, region, CLUSTER_CODES[cluster.name]))
    rng.shuffle(firms)
    while len(firms) < size.enterprises:  # a small pool: number the rest
        name, region, code = firms[len(firms) % max(1, len(seen))]
        firms.append((f"{name[:-4]}{len(firms)}有限公司", region, code))
    enterprises = _bulk(
        Enterprise,
        (
            Enterprise(
                code=f"QY-{n:05d}",
                name=name,
                county=county,
                cluster=code,
                size=rng.choice(("large", "medium", "small", "small", "micro")),
                contact_name=f"{name[2:3]}经理",
                contact_phone=_phone(rng),
                contact_email=f"contact{n}@example.com.cn",
            )
            for n, (name, county, code) in enumerate(firms[: size.enterprises])
        ),
    )
    firm_index = {e.name: e for e in enterprises}
    by_cluster: dict[str, list[Any]] = {}
    for enterprise in enterprises:
        by_cluster.setdefault(enterprise.cluster, []).append(enterprise)
    statuses = [s for s, weight in DEMAND_STATUSES for _ in range(weight)]
    generated = generate_demands(size.demands, size.seed)
    owners = [
        firm_index.get(item.enterprise)
        or rng.choice(by_cluster.get(CLUSTER_CODES[item.cluster], enterprises))
        for item in generated
    ]
    demand_titles: set[Any] = set()
    demands = _bulk(
        Demand,
        (
            Demand(
                code=f"XQ-{n:06d}",
                enterprise=owner,
                title=_distinct(demand_titles, (owner.pk,), item.title[:190]),
                problem=item.text,
                required_skills=list(item.skills),
                cluster=CLUSTER_CODES[item.cluster],
                budget=Decimal(rng.choice((5, 10, 20, 30, 50, 80, 100, 200))),
                deadline=_date(rng, D(2024, 6, 1), 900) if rng.random() < 0.5 else None,
                collaboration_mode=rng.choice(("tackling", "service", "transfer", "joint_rd", "")),
                status=rng.choice(statuses),
            )
            for n, (item, owner) in enumerate(zip(generated, owners, strict=True))
        ),
    )
    counts |= {"enterprises": len(enterprises), "demands": len(demands)}
    say(
        f"{len(enterprises)} enterprises, {len(demands)} demands"
        f" ({time.perf_counter() - started:.0f} s)"
    )

    # --- events, demand lists, outcomes, intents ---------------------------------------------
    kinds = {"launch": "出征", "unveiling": "揭牌", "signing": "签约", "roadshow": "路演"}
    kinds |= {"training": "培训", "other": "座谈"}
    events = _bulk(
        Event,
        (
            Event(
                name=f"{rng.choice(('阿克苏', '库车', '温宿', '沙雅'))}{label}第{n + 1}场",
                kind=kind,
                date=_date(rng, D(2023, 3, 1), 700),
                batch=batches[n % 2],
                location="新疆阿克苏地区",
            )
            for n, (kind, label) in enumerate(list(kinds.items()) * 10)
        ),
    )
    roadshows = [e for e in events if e.kind == "roadshow"]
    signings = [e for e in events if e.kind == "signing"]
    published = [d for d in demands if d.status != "draft" and d.status != "pending"]
    lists = _bulk(
        DemandList,
        (
            DemandList(
                code=f"QD-{n:02d}",
                name=f"{2023 + n % 2}年第{n + 1}期产业需求清单",
                published_on=_date(rng, D(2023, 4, 1), 600),
                event=rng.choice(signings),
            )
            for n in range(20)
        ),
    )
    _links(
        DemandList.demands,
        (
            (rng.choice(lists).pk, demand.pk)
            for demand in rng.sample(published, len(published) // 5)
        ),
    )
    outcomes = _bulk(
        Outcome,
        (
            Outcome(
                code=f"CG-{n:05d}",
                title=f"{item.title[:150]}（成果{n + 1}）",
                description=item.text,
                institution=person.institution,
                trl=rng.randint(3, 9),
                roadshow_event=rng.choice(roadshows) if rng.random() < 0.5 else None,
                cluster=rng.choice(clusters),
            )
            for n, (person, item) in enumerate(
                (people[i], experts[i].items[0])
                for i in rng.sample(range(len(people)), size.outcomes)
            )
        ),
    )
    _links(
        Outcome.owners,
        ((outcome.pk, rng.choice(people).pk) for outcome in outcomes for _ in range(2)),
    )
    pairs = {(rng.choice(outcomes), rng.choice(enterprises)) for _ in range(size.scaled(0.06))}
    intents = _bulk(
        CooperationIntent,
        (
            CooperationIntent(
                outcome=outcome,
                enterprise=enterprise,
                date=_date(rng, D(2023, 6, 1), 600),
                status=rng.choice(("intent", "intent", "signed", "transferred")),
            )
            for outcome, enterprise in sorted(pairs, key=lambda p: (p[0].pk, p[1].pk))
        ),
    )
    counts |= {"events": len(events), "outcomes": len(outcomes), "intents": len(intents)}

    # --- projects, activities, cases ---------------------------------------------------------
    started = time.perf_counter()
    signed = [d for d in demands if d.status in ("signed", "completed")]
    project_titles: set[Any] = set()
    contracts = [
        Project(
            code=f"HT-{n:06d}",
            title=_distinct(project_titles, (), f"{demand.title[:180]}合同"),
            kind=rng.choice(("service", "development", "transfer")),
            enterprise_id=demand.enterprise_id,
            demand=demand,
            amount=Decimal(rng.randint(5, 300)),
            signed_on=_date(rng, D(2023, 5, 1), 600),
            signing_event=rng.choice(signings) if rng.random() < 0.3 else None,
            status="accepted" if demand.status == "completed" else "in_progress",
            batch=batches[n % 2],
        )
        for n, demand in enumerate(signed[: size.scaled(0.22)])
    ]
    research = [
        Project(
            code=f"KY-{n:05d}",
            title=_distinct(project_titles, (), f"{experts[i].items[-1].title[:180]}研究"),
            kind="research",
            level=rng.choice(("national", "provincial", "prefectural")),
            led_by_commissioner=True,
            signed_on=_date(rng, D(2023, 5, 1), 600),
            batch=batches[n % 2],
        )
        for n, i in enumerate(rng.sample(range(len(people)), min(len(people), size.scaled(0.02))))
    ]
    projects = _bulk(Project, [*contracts, *research])
    _links(
        Project.commissioners,
        (
            (project.pk, rng.choice(people).pk)
            for project in projects
            for _ in range(rng.randint(1, 3))
        ),
    )
    activity_kinds = ("training", "visit", "variety", "service", "service", "landing", "other")
    activities = _bulk(
        Activity,
        (
            Activity(
                code=f"HD-{n:06d}",
                date=_date(rng, D(2023, 3, 1), 700),
                kind=(kind := rng.choice(activity_kinds)),
                quantity=rng.randint(1, 60) if kind == "training" else 1,
                is_trial=kind == "variety" and rng.random() < 0.3,
                batch=batches[n % 2],
                notes=f"{rng.choice(CLUSTERS).name}现场服务记录",
            )
            for n in range(size.scaled(0.4))
        ),
    )
    _links(
        Activity.commissioners,
        ((a.pk, rng.choice(people).pk) for a in activities for _ in range(rng.randint(1, 2))),
    )
    _links(
        Activity.enterprises,
        ((a.pk, rng.choice(enterprises).pk) for a in activities if a.kind == "service"),
    )
    cases = _bulk(
        Case,
        (
            Case(
                code=f"AL-{n:03d}",
                title=f"典型案例{n + 1}：{project.title[:80]}",
                body="该项目通过科技特派员驻企服务，解决了企业的关键技术难题。",
                batch_id=project.batch_id,
            )
            for n, project in enumerate(rng.sample(projects, min(100, len(projects))))
        ),
    )
    _links(Case.projects, ((case.pk, rng.choice(projects).pk) for case in cases))
    counts |= {"projects": len(projects), "activities": len(activities), "cases": len(cases)}
    say(
        f"{len(projects)} projects, {len(activities)} activities, {len(cases)} cases "
        f"({time.perf_counter() - started:.0f} s)"
    )
    _accounts(people, enterprises, demands)
    return counts


def _accounts(people: Sequence[Any], enterprises: Sequence[Any], demands: Sequence[Any]) -> None:
    """Create the four benchmark sign-ins; the enterprise is the one with most demands."""
    from collections import Counter

    from django.contrib.auth import get_user_model

    from tepai.accounts.models import Account

    busiest = Counter(d.enterprise_id for d in demands).most_common(1)[0][0]
    links = {
        "admin": {},
        "auditor": {},
        "commissioner": {"commissioner": people[0]},
        "enterprise": {"enterprise_id": busiest},
    }
    for role, record in links.items():
        user = get_user_model().objects.create_user(f"bench-{role}", password=PASSWORD)
        Account.objects.create(user=user, role=role, **record)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commissioners", type=int, default=Size.commissioners)
    parser.add_argument("--enterprises", type=int, default=Size.enterprises)
    parser.add_argument("--demands", type=int, default=Size.demands)
    parser.add_argument("--seed", type=int, default=Size.seed)
    parser.add_argument("--force", action="store_true", help="add to a non-empty database")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="also gather SQLite's planner statistics (PostgreSQL always gets them)",
    )
    args = parser.parse_args(argv)
    _setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction

    from tepai.commissioners.models import Commissioner

    call_command("migrate", verbosity=0)
    if Commissioner.objects.exists() and not args.force:
        print("the database already has commissioners (use --force to add more)", file=sys.stderr)
        return 1
    started = time.perf_counter()
    size = Size(args.commissioners, args.enterprises, args.demands, args.seed)
    with transaction.atomic():
        counts = populate(size)
    # Planner statistics as a database in use has them: PostgreSQL's autovacuum gathers them
    # (and marks the pages all-visible for index-only scans) soon after a bulk load; SQLite
    # has none unless someone runs ANALYZE, so by default the benchmark sees the plans a
    # fresh SQLite deployment gets (--analyze: with statistics).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # autocommit here: VACUUM refuses a transaction
    elif args.analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"done in {time.perf_counter() - started:.0f} s on {connection.vendor}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
