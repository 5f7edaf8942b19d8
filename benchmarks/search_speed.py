"""Time the site search (/search/) for short words, with and without the gram indexes.

Words of one or two characters (most Chinese words and names, pinyin initials) have no
trigram, so on PostgreSQL pg_trgm's indexes cannot answer them; ``tepai.search.grams`` asks
them through gram indexes (migration search 0002). This script times
``tepai.search.query.search`` for such words both ways in one run — the gram lookup, and plain
``icontains`` as before — alternating, so the ratio is not skewed by a noisy machine, and
checks that both find the same records.

Run from the repository root on a database filled by ``web_data.py``::

    TEPAI_DATABASE_URL=postgresql://user:pw@127.0.0.1:5432/bench \\
        TEPAI_HOME=/tmp/tepai-bench python benchmarks/search_speed.py --repeat 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def _words() -> dict[str, str]:
    """Return short words taken from the data: a surname + given name, initials, a demand's
    word, a research field's first two characters, one character."""
    from tepai.commissioners.models import Commissioner
    from tepai.demands.models import Demand

    person = Commissioner.objects.order_by("pk").first()
    title = Demand.objects.order_by("pk").values_list("title", flat=True).first() or "纺织"
    assert person is not None, "run web_data.py first"
    field = (person.research_fields or ["纺织"])[0]
    return {
        "name (2)": person.name[:2],
        "initials (2)": person.name_initials[:2],
        "demand word (2)": title[len(title) // 2 - 1 :][:2],
        "field (2)": field[:2],
        "one character": person.name[:1],
    }


def _time(user: Any, word: str, repeat: int, grams: bool) -> tuple[list[float], list[Any]]:
    from tepai.search import grams as module
    from tepai.search import query

    query.lookup_for = module.lookup_for if grams else (lambda _word: "icontains")
    times, found = [], []
    for _ in range(repeat + 1):  # the first is a warm-up
        started = time.perf_counter()
        found = [(g.registry.slug, g.count) for g in query.search(user, word)]
        times.append((time.perf_counter() - started) * 1000)
    return times[1:], found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tepai.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    user = get_user_model().objects.get(username="bench-admin")
    print(f"database: {connection.vendor}; admin's site search; p50/p95 ms over {options.repeat}")
    for label, word in _words().items():
        plain, plain_found = _time(user, word, options.repeat, grams=False)
        indexed, indexed_found = _time(user, word, options.repeat, grams=True)
        assert plain_found == indexed_found, (word, plain_found, indexed_found)

        def figures(times: list[float]) -> str:
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            return f"{statistics.median(times):7.1f} / {p95:7.1f}"

        ratio = statistics.median(indexed) / statistics.median(plain)
        print(
            f"{label:16} {word!r:8} icontains {figures(plain)}  grams {figures(indexed)}"
            f"  ratio {ratio:.2f}  found {sum(count for _slug, count in indexed_found)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
