"""`make bench` cannot rot: the whole harness, at scale 0.001, on a SQLite file.

The national generator, its invariants, the in-process query counts, gunicorn with two
workers, the ceiling, the ledger comparison, a small Loomio import and the team
suggestion all run; results go to a temporary directory (never bench/results). Only
PostgreSQL is left out: the real bench starts its own cluster.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.harness.pages import PAGES
from bench.harness.run import INVARIANTS, MISSED, OK, RESULTS

PROJECT = Path(__file__).resolve().parents[3]
DATASET = "bench.dataset"


def run_bench(out: Path, dataset: str = DATASET) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (this interpreter, our arguments)
        [
            sys.executable,
            "-m",
            "bench",
            "--sqlite",
            "--dataset",
            dataset,
            "--scales",
            "0.001",
            "--requests",
            "3",
            "--seconds",
            "0.3",
            "--concurrency",
            "2",
            "--loomio-records",
            "200",
            "--suggestion-runs",
            "1",
            "--out",
            str(out),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_whole_harness_runs_at_scale_0_001_on_sqlite(tmp_path: Path) -> None:
    before = (RESULTS / "latest.json").read_bytes() if (RESULTS / "latest.json").exists() else b""
    done = run_bench(tmp_path)
    assert done.returncode in (OK, MISSED), done.stdout[-3000:] + done.stderr[-3000:]
    assert done.returncode != INVARIANTS
    results = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert "error" not in results
    (scale,) = results["scales"]
    assert scale["invariants"] == []
    assert scale["ceiling_queries"] == 0
    pages = {page["key"]: page for page in scale["pages"]}
    assert set(pages) == {page.key for page in PAGES}
    for key, page in pages.items():
        assert page["status"] == 200, key
        assert page["queries"] > 0, key
        assert page["latency_requests"] > 0, key
        assert page["rps"] > 0, key
        assert page["ceiling_rps"] > 0, key
    assert all(not figures["mismatches"] for figures in scale["ledger"])
    assert results["loomio"]["exit_code"] == 0
    assert results["suggestion"]["statuses"] == ["OPTIMAL"]
    assert "## Targets" in (tmp_path / "latest.md").read_text(encoding="utf-8")
    after = (RESULTS / "latest.json").read_bytes() if (RESULTS / "latest.json").exists() else b""
    assert after == before  # the smoke run never overwrites the published results
