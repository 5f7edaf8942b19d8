"""Time the server-side rendering of the dashboard and every registry list, per role.

For each role's sign-in from ``web_data.py`` (管理员, 审计员, 特派员, 企业用户) it requests, with
Django's test Client (the whole stack: middleware, session, permissions, queries,
templates; no network), the dashboard and every registry list the role may read, three or four
ways: the first page, a search (``?q=``, a word taken from the list's first row), a filter (the
list's first filter with its first option) and, where the list has one, its batch filter with
the latest batch; the dashboard for all time and, with ``--period``
(default ``2024-Q2``), for that period. Each page is requested ``--repeat`` times after
one warm-up request; the script prints p50 and p95 per page and, last, one JSON line with
every figure. The target is p95 ≤ 200 ms; the exit status is 0 either way (a benchmark, not
a test). The dashboard's figures are reused until a record changes (``tepai.web.dashboard_cache``),
so its timed requests after the warm-up measure that reuse; ``--cold`` builds them for every
request, as the first request after a change does.

Run from the repository root on a database filled by ``web_data.py`` (same environment)::

    TEPAI_HOME=/tmp/tepai-bench python benchmarks/web_speed.py
    TEPAI_HOME=/tmp/tepai-bench python benchmarks/web_speed.py --repeat 20 --roles admin
    TEPAI_DATABASE_URL=postgresql://user:pw@127.0.0.1:5432/bench \\
        TEPAI_HOME=/tmp/tepai-bench python benchmarks/web_speed.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

TARGET_MS = 200.0
ROLES = ("admin", "auditor", "commissioner", "enterprise")


@dataclass(frozen=True)
class Timing:
    """The timings of one page for one role (milliseconds)."""

    role: str
    page: str
    url: str
    p50_ms: float
    p95_ms: float
    max_ms: float
    rows: int  # records the list holds (all pages); 0 for the dashboard


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` (0–1) percentile of ``values``, interpolated between ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _search_word(registry: Any, user: Any) -> str:
    """Return two characters from the middle of the first row's first text search field."""
    from tepai.accounts.permissions import visible

    # 编号 (code) is searchable too, but its digits would match nearly every row.
    field = next((name for name in registry.search if name != "code"), registry.search[0])
    first = visible(user, registry.base_queryset()).values_list(field, flat=True).first()
    text = str(first or "")
    middle = max(0, len(text) // 2 - 1)
    return text[middle : middle + 2] or "阿克苏"


def _filter_param(registry: Any, user: Any) -> dict[str, str]:
    """Return the list's first shown filter with its first option (as the drop-down has it)."""
    from tepai.accounts.permissions import visible

    for spec in registry.filters:
        if not spec.shown:
            continue
        if spec.kind == "flag":
            return {spec.param: "1"}
        if spec.kind == "relation":
            first = visible(user, spec.model._default_manager.order_by("pk")).first()
            if first is not None:
                return {spec.param: str(first.pk)}
            continue
        if spec.choices:
            return {spec.param: str(spec.choices[0][0])}
    return {}


def _site_searches(user: Any) -> Iterator[tuple[str, str, int]]:
    """Yield the site search (/search/, issue 11) for a commissioner's name, its pinyin
    initials and full pinyin, a research field and a word of a demand's title."""
    from django.urls import reverse

    from tepai.accounts.permissions import visible
    from tepai.commissioners.models import Commissioner
    from tepai.demands.models import Demand

    person = visible(user, Commissioner.objects.order_by("pk")).first()
    demand = visible(user, Demand.objects.order_by("pk")).values_list("title", flat=True).first()
    words = {}
    if person is not None:
        words = {"name": person.name, "initials": person.name_initials}
        words["pinyin"] = person.name_pinyin
        words["field"] = (person.research_fields or ["纺织"])[0]
    if demand:
        words["demand"] = demand[len(demand) // 2 - 1 :][:2]
    for label, word in words.items():
        yield f"search {label}", f"{reverse('search:search')}?{urlencode({'q': word})}", 0


def pages(user: Any, period: str = "") -> Iterator[tuple[str, str, int]]:
    """Yield (page name, URL, rows in the list) of every page ``user`` is timed on.

    ``period`` (a token such as ``2024-Q2``) adds the dashboard for that period.
    """
    from django.http import QueryDict
    from django.urls import reverse

    from tepai.core.registries import registries_by_slug
    from tepai.programs.models import Batch
    from tepai.web.nav import may_read
    from tepai.web.registries.query import list_query

    latest = Batch.objects.order_by("-dispatch_date", "-pk").first()
    yield "dashboard", reverse("web:dashboard"), 0
    if period:
        yield f"dashboard {period}", f"{reverse('web:dashboard')}?period={period}", 0
    yield from _site_searches(user)
    for slug, registry in registries_by_slug().items():
        if not may_read(user, slug):
            continue
        base = reverse(f"web:{slug}-list")
        variants = [("", {}), ("search", {"q": _search_word(registry, user)})]
        chosen = _filter_param(registry, user)
        if chosen:
            variants.append(("filter", chosen))
        if latest is not None and registry.filter("batch") is not None:
            # The latest batch's records: for work records and projects, those its members
            # did within its service period (tepai.reports.attribution).
            variants.append(("batch", {"batch": str(latest.pk)}))
        for label, params in variants:
            query = QueryDict(mutable=True)
            query.update(params)
            rows = list_query(registry, user, query).queryset.count()
            name = f"{slug}" + (f" {label}" if label else "")
            yield name, base + (f"?{urlencode(params)}" if params else ""), rows


def time_page(client: Any, url: str, repeat: int) -> list[float]:
    """Return ``repeat`` wall-clock times (ms) of GET ``url`` after one warm-up request."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return times


def signed_in(client: Any, user: Any) -> Any:
    """Return ``client`` signed in as ``user``, second factor included where the role needs it.

    As the code step would: the session names the user's authenticator app (one is made for
    the benchmark account if it has none). Requests go to ``localhost``, a host every
    configuration allows.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tepai.accounts import two_factor

    client.force_login(user)
    if two_factor.needs_second_step(user):
        device = two_factor.authenticator(user) or TOTPDevice.objects.create(
            user=user, name=two_factor.TOTP_NAME, confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def run(roles: list[str], repeat: int, only: str = "", period: str = "") -> list[Timing]:
    """Time every page of every role in ``roles``; print one line per page as it goes."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    results = []
    for role in roles:
        user = get_user_model().objects.get(username=f"bench-{role}")
        client = signed_in(Client(HTTP_HOST="localhost"), user)
        for name, url, rows in pages(user, period):
            if only and only not in name:
                continue
            times = time_page(client, url, repeat)
            timing = Timing(
                role=role,
                page=name,
                url=url,
                p50_ms=round(statistics.median(times), 1),
                p95_ms=round(percentile(times, 0.95), 1),
                max_ms=round(max(times), 1),
                rows=rows,
            )
            results.append(timing)
            flag = "" if timing.p95_ms <= TARGET_MS else "  > target"
            print(
                f"{role:<12} {name:<24} p50 {timing.p50_ms:7.1f} ms  p95 {timing.p95_ms:7.1f} ms"
                f"  rows {rows:>6}{flag}",
                flush=True,
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page")
    parser.add_argument("--roles", nargs="+", choices=ROLES, default=list(ROLES))
    parser.add_argument("--page", default="", help="only pages whose name contains this")
    parser.add_argument(
        "--period",
        default="2024-Q2",
        help="also time the dashboard for this period (?period=…; '' to leave it out)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="build the dashboard for every request (no reuse until the records change)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tepai.settings")
    import django

    django.setup()
    # Start as a server process does (tepai serve, gunicorn): tepai.wsgi collects and freezes
    # what the process has loaded once its first request has finished (tepai.core.settling).
    import tepai.wsgi  # noqa: F401

    if args.cold:
        from django.conf import settings

        settings.TEPAI_DASHBOARD_CACHE_SECONDS = 0
    from django.db import connection

    from tepai.commissioners.models import Commissioner
    from tepai.demands.models import Demand

    sizes = {"commissioners": Commissioner.objects.count(), "demands": Demand.objects.count()}
    print(f"database: {connection.vendor}, {sizes}; {args.repeat} requests per page")
    results = run(args.roles, args.repeat, args.page, args.period)
    worst = max(results, key=lambda t: t.p95_ms)
    slow = [f"{t.role} {t.page}" for t in results if t.p95_ms > TARGET_MS]
    print(f"worst p95: {worst.p95_ms} ms ({worst.role}, {worst.page}); over target: {len(slow)}")
    summary = {
        "benchmark": "web_speed",
        "database": connection.vendor,
        "sizes": sizes,
        "repeat": args.repeat,
        "period": args.period,
        "target_ms": TARGET_MS,
        "max_p95_ms": worst.p95_ms,
        "over_target": slow,
        "pages": [asdict(t) for t in results],
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
