"""The targets of issue 6, applied to a run's results: a list of what missed."""

from __future__ import annotations

from typing import Any

from bench.harness.pages import MAX_QUERIES

P95_MS = 100.0
MIN_RATIO = 0.5
LATENCY_SCALE = 1.0  # latency and ceiling targets hold at scale 1 (national)


def misses(results: dict[str, Any]) -> list[str]:
    found: list[str] = []
    scales = results.get("scales", [])
    counts: dict[str, dict[float, int]] = {}
    for run in scales:
        scale = run["scale"]
        for problem in run.get("invariants", []):
            found.append(f"scale {scale}: invariant broken: {problem}")
        if run.get("ceiling_queries"):
            found.append(f"scale {scale}: the ceiling made {run['ceiling_queries']} queries")
        for page in run.get("pages", []):
            key = page["key"]
            counts.setdefault(key, {})[scale] = page["queries"]
            if page["status"] != 200:
                found.append(f"scale {scale}: {key} answered {page['status']}")
            if page["queries"] > MAX_QUERIES:
                found.append(f"scale {scale}: {key} makes {page['queries']} queries (> 15)")
            if page.get("hit_same_size") is False:
                found.append(f"scale {scale}: {key}: the kept copy differs from the page")
            if scale >= LATENCY_SCALE and "p95_ms" in page:
                if not page["p95_ms"] <= P95_MS:
                    found.append(f"scale {scale}: {key} p95 {page['p95_ms']:.0f} ms (> 100)")
                if not page.get("ratio", 0) >= MIN_RATIO:
                    found.append(
                        f"scale {scale}: {key} at {page.get('ratio', 0):.0%} of the ceiling"
                    )
        for figures in run.get("ledger", []):
            if figures["mismatches"]:
                found.append(f"scale {scale}: ledger {figures['name']}: figures differ")
            if figures["ratio"] > 1.5 and scale >= LATENCY_SCALE:
                found.append(
                    f"scale {scale}: ledger {figures['name']} {figures['ratio']:.1f}× the raw SQL"
                )
    for key, per_scale in counts.items():
        if len(set(per_scale.values())) > 1:
            found.append(f"{key}: query counts differ between scales {per_scale}")
    loomio = results.get("loomio")
    if loomio and not loomio["meets_target"]:
        found.append(
            f"Loomio import of {loomio['records']:,} records: {loomio['seconds']:.0f} s, "
            f"{loomio['peak_mb']:.0f} MB, exit {loomio['exit_code']}"
        )
    suggestion = results.get("suggestion")
    if suggestion and not suggestion["meets_target"]:
        found.append("team suggestion: not OPTIMAL within 1 s")
    if results.get("error"):
        found.append(f"harness error: {results['error']}")
    return found


def notes(results: dict[str, Any]) -> list[str]:
    """Not targets, but said beside them: pages whose rendering anew (after a write to
    what they read, when no kept copy can be sent) takes more than 100 ms at scale 1."""
    found: list[str] = []
    for run in results.get("scales", []):
        if run["scale"] < LATENCY_SCALE:
            continue
        for page in run.get("pages", []):
            if page.get("render_ms", 0) > P95_MS:
                found.append(
                    f"scale {run['scale']}: {page['key']} takes {page['render_ms']:.0f} ms "
                    "to render anew (in-process median; a kept copy takes about 1 ms)"
                )
    for run in results.get("scales", []):
        if run["scale"] >= LATENCY_SCALE:
            continue
        for figures in run.get("ledger", []):
            if figures["ratio"] > 1.5:
                found.append(
                    f"scale {run['scale']}: ledger {figures['name']} {figures['ratio']:.1f}× "
                    f"the raw SQL ({figures['app_seconds'] * 1000:.0f} ms against "
                    f"{figures['sql_seconds'] * 1000:.0f} ms: the selector's fixed cost on a "
                    "few rows; the target applies at national scale)"
                )
    return found
