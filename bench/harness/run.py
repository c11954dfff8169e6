"""The whole bench, start to end: cluster, per scale (prepare, gunicorn, measures),
Loomio import, team suggestion, report. Everything started is stopped on the way out,
also on Ctrl-C, SIGTERM or an exception."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.harness import load, report
from bench.harness.cluster import Cluster
from bench.harness.pages import CEILING_PATH
from bench.harness.server import PROJECT, Server, bench_env

RESULTS = PROJECT / "bench" / "results"
OK, MISSED, ERROR, INVARIANTS = 0, 1, 2, 3


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scales", default="0.01,1", help="comma-separated scale factors")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(RESULTS), help="where latest.md/json go")
    parser.add_argument("--requests", type=int, default=100, help="sequential requests per page")
    parser.add_argument("--seconds", type=float, default=5.0, help="time bound of each phase")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--skip-generate", action="store_true", help="reuse generated databases")
    parser.add_argument("--dataset", default="bench.dataset", help="module with generate()")
    parser.add_argument("--sqlite", action="store_true", help="SQLite files, no PostgreSQL")
    parser.add_argument("--database-url", default="", help="an existing PostgreSQL server")
    parser.add_argument("--pgdata", default="", help="keep the bench cluster in this directory")
    parser.add_argument("--loomio-records", type=int, default=100_000, help="0: skip")
    parser.add_argument("--suggestion-runs", type=int, default=10, help="0: skip")
    parser.add_argument("--prepare-timeout", type=float, default=3 * 3600)
    return parser.parse_args(argv)


def _database_name(scale: float) -> str:
    return "cercle_bench_" + f"{scale:g}".replace(".", "_").replace("-", "_")


def _on_server(url: str, name: str, *, replace: bool) -> str:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and replace:
            db.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or replace:
            db.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def prepare(
    url: str, scale: float, options: argparse.Namespace, workdir: Path, log: Path
) -> tuple[int, dict[str, Any]]:
    out = workdir / f"prepare-{scale:g}.json"
    command = [
        sys.executable,
        "-m",
        "bench.harness.prepare",
        "--scale",
        str(scale),
        "--seed",
        str(options.seed),
        "--out",
        str(out),
        "--dataset",
        options.dataset,
    ]
    if options.skip_generate:
        command.append("--skip-generate")
    with open(log, "ab") as handle:
        process = subprocess.Popen(  # noqa: S603 (this interpreter, our arguments)
            command, cwd=PROJECT, env=bench_env(url), stdout=handle, stderr=None
        )
        try:
            code = process.wait(timeout=options.prepare_timeout)
        except BaseException:
            process.kill()
            process.wait()
            raise
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return code, data


def measure(server: Server, pages: list[dict[str, Any]], options: argparse.Namespace) -> None:
    """Latency then throughput of each page, each followed by the ceiling at its size."""
    for page in pages:  # warm-up, concurrent like the measure, so every worker has served
        load.throughput(  # (and kept) every page before anything is timed
            server.port,
            page["url"],
            page["headers"],
            concurrency=options.concurrency,
            requests=min(4 * options.workers * options.concurrency, options.requests),
            seconds=options.seconds,
        )
    ceilings: dict[int, float] = {}
    for page in pages:
        if page["status"] != 200:
            continue
        lat = load.latency(
            server.port,
            page["url"],
            page["headers"],
            requests=options.requests,
            seconds=options.seconds,
        )
        put = load.throughput(
            server.port,
            page["url"],
            page["headers"],
            concurrency=options.concurrency,
            requests=options.requests * options.concurrency,
            seconds=options.seconds,
        )
        size = lat.bytes or page["bytes"]
        if size not in ceilings:
            ceiling = load.throughput(
                server.port,
                CEILING_PATH.format(size=size),
                {},
                concurrency=options.concurrency,
                requests=options.requests * options.concurrency,
                seconds=options.seconds,
            )
            ceilings[size] = ceiling.per_second
        page.update(
            p50_ms=lat.p50_ms,
            p95_ms=lat.p95_ms,
            http_bytes=lat.bytes,
            latency_requests=lat.requests,
            throughput_requests=put.requests,
            errors=lat.errors + put.errors,
            rps=put.per_second,
            ceiling_rps=ceilings[size],
            ratio=put.per_second / ceilings[size] if ceilings[size] else 0.0,
        )
        print(
            f"    {page['key']}: p50 {page['p50_ms']:.0f} ms, p95 {page['p95_ms']:.0f} ms, "
            f"{page['rps']:.1f} req/s = {page['ratio']:.0%} of the ceiling",
            flush=True,
        )


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str]) -> int:
    options = parse(argv)
    scales = [float(s) for s in options.scales.split(",") if s.strip()]
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    log = out / "latest.log"
    log.write_text("", encoding="utf-8")
    workdir = Path(tempfile.mkdtemp(prefix="cercle-bench-run-"))
    stack = contextlib.ExitStack()
    stack.callback(shutil.rmtree, workdir, True)
    atexit.register(stack.close)
    previous = signal.signal(signal.SIGTERM, _terminate)
    began = time.perf_counter()
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "argv": " ".join(argv),
        "workers": options.workers,
        "concurrency": options.concurrency,
        "scales": [],
    }
    code = OK
    try:
        cluster: Cluster | None = None
        if options.sqlite:
            results["database"] = "SQLite"
        elif options.database_url:
            results["database"] = "PostgreSQL (given server)"
        else:
            cluster = stack.enter_context(
                Cluster(Path(options.pgdata) if options.pgdata else None, log=print)
            )
            results["database"] = f"PostgreSQL {cluster.bin.parent.name} (own cluster)"
        url = ""
        for scale in scales:
            name = _database_name(scale)
            replace = not options.skip_generate
            if options.sqlite:
                url = f"sqlite:///{workdir / (name + '.sqlite3')}"
            elif options.database_url:
                url = _on_server(options.database_url, name, replace=replace)
            else:
                assert cluster is not None
                url = cluster.create_database(name, replace=replace)
            print(f"Scale {scale:g}: migrate, generate, check, count queries", flush=True)
            started = time.perf_counter()
            status, prepared = prepare(url, scale, options, workdir, log)
            prepared["prepare_seconds"] = time.perf_counter() - started
            prepared.setdefault("scale", scale)
            results["scales"].append(prepared)
            if status == INVARIANTS:
                print(f"Scale {scale:g}: INVARIANTS BROKEN: {prepared.get('invariants')}")
                code = INVARIANTS
                break
            if status != 0:
                raise RuntimeError(f"prepare failed at scale {scale:g} (exit {status}); see {log}")
            print(f"Scale {scale:g}: gunicorn, {options.workers} workers", flush=True)
            with Server(database_url=url, workers=options.workers, log_path=log) as server:
                measure(server, prepared.get("pages", []), options)
        if code == OK and options.loomio_records and url:
            from bench.harness import loomio

            print(f"Loomio import of {options.loomio_records:,} records", flush=True)
            figures = loomio.run(
                database_url=url,
                records=options.loomio_records,
                seed=options.seed,
                workdir=workdir,
                log=log,
            )
            results["loomio"] = figures.as_dict()
        if code == OK and options.suggestion_runs:
            from bench import suggestion

            print("Team suggestion", flush=True)
            found = suggestion.run(runs=options.suggestion_runs)
            results["suggestion"] = {
                **dataclasses.asdict(found),
                "meets_target": found.meets_target,
            }
            results["suggestion_md"] = suggestion.as_markdown(found)
    except KeyboardInterrupt as stop:
        results["error"] = f"interrupted ({stop})"
        code = ERROR
    except Exception as exc:  # reported in the results, then the exit code says so
        results["error"] = f"{type(exc).__name__}: {exc}"
        code = ERROR
    finally:
        stack.close()
        atexit.unregister(stack.close)
        signal.signal(signal.SIGTERM, previous)
    results["elapsed_seconds"] = time.perf_counter() - began
    table = report.write(results, out)
    print(table)
    if code == OK and results["misses"]:
        code = MISSED
    return code
