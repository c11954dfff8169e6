"""`python -m bench.harness.prepare`: one scale's database, in a Django process of its own.

Migrates, generates the dataset (or reads the landmarks of an earlier run with
`--skip-generate`), checks its invariants (exit 3 when one is broken), runs VACUUM ANALYZE,
opens a session and an API token for each landmark person, counts the SQL queries of
every page in-process, compares the ledger figures, and writes it all as JSON for the
harness, which then measures the same pages through gunicorn.

The database is the one of DATABASE_URL; DJANGO_SETTINGS_MODULE is `bench.settings`.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import sys
import time
from typing import Any

LANDMARKS_TABLE = "bench_landmarks"
RENDERS = 5  # uncached renders timed per page, in-process
INVARIANTS_BROKEN = 3


def _log(message: str) -> None:
    print(f"  [prepare] {message}", file=sys.stderr, flush=True)


def _save_landmarks(landmarks: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {LANDMARKS_TABLE} (data TEXT NOT NULL)")
        cursor.execute(f"DELETE FROM {LANDMARKS_TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {LANDMARKS_TABLE} (data) VALUES (%s)",  # noqa: S608
            [json.dumps(landmarks)],
        )


def _load_landmarks() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {LANDMARKS_TABLE}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        raise SystemExit("--skip-generate: this database holds no generated dataset")
    return dict(json.loads(row[0]))


def _analyze() -> None:
    """Statistics for the planner, and (PostgreSQL) the visibility map that lets the
    ledger's covering index answer sums without reading the table: a freshly bulk-loaded
    table has none until it is vacuumed, as autovacuum would do in production."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _people(landmarks: dict[str, Any]) -> dict[str, Any]:
    """Each landmark person's user, session cookie and API token."""
    from django.conf import settings
    from django.test import Client

    from cercle.core import services
    from cercle.core.models import User

    people: dict[str, Any] = {"anonymous": {"cookie": "", "token": "", "user": None}}
    for who in ("steward", "consultant", "member", "evaluator"):
        user = User.objects.get(email__iexact=landmarks[f"{who}_email"])
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        token = services.api_token_create(actor=user, name=f"bench {who}")[1]
        people[who] = {
            "cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
            "token": token,
            "user": user,
        }
    return people


def _headers(person: dict[str, Any], kind: str) -> dict[str, str]:
    from bench.harness.pages import API

    if kind == API:
        return {"Authorization": f"Bearer {person['token']}"} if person["token"] else {}
    return {"Cookie": person["cookie"]} if person["cookie"] else {}


def count_queries(landmarks: dict[str, Any], people: dict[str, Any]) -> list[dict[str, Any]]:
    """Each page fetched in-process with the page cache off: once to fill the per-process
    caches, then counted, then timed (median of `RENDERS`: what a page costs when it has
    to be rendered). Then with the page cache on: once to keep it, once counted (a hit)."""
    import statistics

    from django.core.cache import caches
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from bench.harness.pages import PAGES
    from cercle.core.pagecache.middleware import CACHE_ALIAS

    rows = []
    for page in PAGES:
        url = page.url(landmarks)
        headers = _headers(people[page.who], page.kind)
        client = Client(headers=headers)
        with override_settings(PAGE_CACHE_SECONDS=0):
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            counted = len(queries)  # now: the next request empties the log it reads
            times = []
            for _ in range(RENDERS):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
        caches[CACHE_ALIAS].clear()
        with override_settings(PAGE_CACHE_SECONDS=60):
            client.get(url)
            with CaptureQueriesContext(connection) as hit_queries:
                hit = client.get(url)
            hit_counted = len(hit_queries)
        rows.append(
            {
                "key": page.key,
                "name": page.name,
                "kind": page.kind,
                "who": page.who,
                "url": url,
                "headers": headers,
                "status": response.status_code,
                "bytes": len(response.content),
                "queries": counted,
                "render_ms": statistics.median(times) * 1000,
                "hit_queries": hit_counted,
                "hit_same_size": hit.status_code == response.status_code
                and len(hit.content) == len(response.content),
            }
        )
        _log(
            f"{page.key}: {response.status_code}, {counted} queries, "
            f"{rows[-1]['render_ms']:.0f} ms rendered; a kept copy: {hit_counted} queries"
        )
    return rows


def ceiling_queries() -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.get("/_bench/ceiling/?size=10000")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/_bench/ceiling/?size=10000")
    assert response.status_code == 200
    assert len(response.content) == 10000
    return len(queries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.harness.prepare")
    parser.add_argument("--scale", type=float, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--dataset", default="bench.dataset")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--skip-ledger", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)  # production's cache (rate limits)
    from cercle.network.models import Territory
    from cercle.network.territories import territories_load

    if not Territory.objects.exists():
        territories_load()
    timings["migrate_seconds"] = time.perf_counter() - started

    dataset = importlib.import_module(args.dataset)
    if args.skip_generate:
        landmarks = _load_landmarks()
    else:
        started = time.perf_counter()
        generated = dataset.generate(scale=args.scale, seed=args.seed, progress=_log)
        timings["generate_seconds"] = time.perf_counter() - started
        landmarks = dataclasses.asdict(generated)
        _save_landmarks(landmarks)

    started = time.perf_counter()
    problems = list(dataset.check_invariants())
    timings["invariants_seconds"] = time.perf_counter() - started
    result: dict[str, Any] = {"scale": args.scale, "landmarks": landmarks, "invariants": problems}
    if problems:
        for problem in problems:
            _log(f"INVARIANT BROKEN: {problem}")
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2, default=str)
        return INVARIANTS_BROKEN

    started = time.perf_counter()
    _analyze()
    timings["analyze_seconds"] = time.perf_counter() - started

    people = _people(landmarks)
    result["ceiling_queries"] = ceiling_queries()
    result["pages"] = count_queries(landmarks, people)
    if not args.skip_ledger:
        from bench.harness import ledger

        started = time.perf_counter()
        result["ledger"] = ledger.compare(int(landmarks["year"]))
        timings["ledger_seconds"] = time.perf_counter() - started
    result["timings"] = timings
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
