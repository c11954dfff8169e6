"""`latest.md` and `latest.json` from a run's results."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from bench.harness import targets


def _ms(value: Any) -> str:
    return (
        "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0f}"
    )


def _scale(value: float) -> str:
    return f"{value:g}"


def markdown(results: dict[str, Any]) -> str:
    out = ["# Cercle benchmark", ""]
    out.append(
        f"Run of {results.get('started_at', '?')}, {results.get('elapsed_seconds', 0):.0f} s; "
        f"database {results.get('database', '?')}; gunicorn {results.get('workers', 2)} workers; "
        f"{results.get('concurrency', 4)} client threads. Options: `{results.get('argv', '')}`."
    )
    out.append("")
    scales = results.get("scales", [])
    if scales:
        out += [
            "## SQL queries per page (in-process, second request, page cache off)",
            "",
            "A page kept by the page cache (decision 0016) costs one query whatever the page; "
            "the load figures below are of kept pages, the `rendered ms` column of pages "
            "rendered anew (after a write to what they read).",
            "",
        ]
        header = "| page | kind | who | " + " | ".join(f"@{_scale(r['scale'])}" for r in scales)
        out += [header + " |", "|---|---|---|" + "---|" * len(scales)]
        keys = [p["key"] for p in scales[0].get("pages", [])]
        for key in keys:
            cells = []
            first = None
            for run in scales:
                page = next((p for p in run.get("pages", []) if p["key"] == key), None)
                first = first or page
                cells.append("–" if page is None else f"{page['queries']}")
            assert first is not None
            out.append(
                f"| {first['name']} | {first['kind']} | {first['who']} | "
                + " | ".join(cells)
                + " |"
            )
        out.append("")
    for run in scales:
        out += [f"## Scale {_scale(run['scale'])}", ""]
        counts = run.get("landmarks", {}).get("counts") or {}
        if counts:
            out.append("Dataset: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + ".")
        timing = run.get("timings", {})
        if timing:
            out.append("Timings: " + ", ".join(f"{k} {v:.1f}" for k, v in timing.items()) + ".")
        out.append("")
        out += [
            "| page | kind | status | bytes | queries | rendered ms | kept: queries "
            "| p50 ms | p95 ms | req/s | ceiling req/s | ratio |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for page in run.get("pages", []):
            ratio = page.get("ratio")
            out.append(
                f"| {page['name']} | {page['kind']} | {page['status']} | {page['bytes']:,} | "
                f"{page['queries']} | {_ms(page.get('render_ms'))} | "
                f"{page.get('hit_queries', '–')} | {_ms(page.get('p50_ms'))} | {_ms(page.get('p95_ms'))} | "
                f"{page.get('rps', 0):.1f} | {page.get('ceiling_rps', 0):.1f} | "
                f"{'–' if ratio is None else f'{ratio:.0%}'} |"
            )
        out.append("")
        if run.get("ledger"):
            out += [
                "| ledger figures | rows | selectors (s) | raw SQL (s) | ratio | same numbers |",
                "|---|---|---|---|---|---|",
            ]
            for figures in run["ledger"]:
                out.append(
                    f"| {figures['name']} | {figures['rows']:,} | {figures['app_seconds']:.3f} | "
                    f"{figures['sql_seconds']:.3f} | {figures['ratio']:.1f}× | "
                    f"{'yes' if not figures['mismatches'] else 'NO: ' + '; '.join(figures['mismatches'][:3])} |"
                )
            out.append("")
    loomio = results.get("loomio")
    if loomio:
        out += [
            "## Loomio import",
            "",
            "| records | seconds | peak MB | exit | ≤ 60 s and ≤ 300 MB |",
            "|---|---|---|---|---|",
            f"| {loomio['records']:,} | {loomio['seconds']:.1f} | {loomio['peak_mb']:.0f} | "
            f"{loomio['exit_code']} | {'yes' if loomio['meets_target'] else 'no'} |",
            "",
        ]
    if results.get("suggestion_md"):
        out += ["## Team suggestion (CP-SAT)", "", results["suggestion_md"].rstrip(), ""]
    missed = results.get("misses", [])
    out += ["## Targets", ""]
    out += (
        [f"- MISSED: {m}" for m in missed]
        if missed
        else ["All targets met (latency and ceiling targets apply at scale 1)."]
    )
    remarks = results.get("notes", [])
    if remarks:
        out += ["", "## Notes (not targets)", ""]
        out += [f"- {note}" for note in remarks]
    out.append("")
    return "\n".join(out)


def write(results: dict[str, Any], out: Path) -> str:
    results["misses"] = targets.misses(results)
    results["notes"] = targets.notes(results)
    out.mkdir(parents=True, exist_ok=True)
    table = markdown(results)
    (out / "latest.md").write_text(table, encoding="utf-8")
    (out / "latest.json").write_text(
        json.dumps(results, indent=2, default=str, allow_nan=True), encoding="utf-8"
    )
    return table
