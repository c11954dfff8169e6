"""The bench harness's parts that need no server: the ceiling view, the targets, the
report and the measuring client (against a tiny local HTTP server)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import Resolver404, resolve

from bench import urls as bench_urls
from bench.harness import load, report, targets
from bench.harness.pages import PAGES


def test_production_urls_have_no_ceiling_route() -> None:
    with pytest.raises(Resolver404):
        resolve("/_bench/ceiling/", urlconf="cercle.urls")
    assert resolve("/_bench/ceiling/", urlconf="bench.urls").url_name == "bench_ceiling"


def test_production_settings_do_not_enable_the_ceiling() -> None:
    import cercle.settings

    assert not hasattr(cercle.settings, "BENCH_CEILING")
    assert cercle.settings.ROOT_URLCONF == "cercle.urls"


@pytest.mark.parametrize("size", [0, 1, 50, 91, 92, 1000, 123_457])
def test_the_ceiling_page_has_exactly_the_asked_size(size: int) -> None:
    assert len(bench_urls.ceiling_body(size)) == size


@pytest.mark.django_db
def test_the_ceiling_touches_no_database(
    client: Any, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.ROOT_URLCONF = "bench.urls"
    settings.BENCH_CEILING = True
    client.get("/_bench/ceiling/?size=10")
    with django_assert_num_queries(0):
        response = client.get("/_bench/ceiling/?size=4096")
    assert response.status_code == 200
    assert len(response.content) == 4096


@pytest.mark.django_db
def test_the_ceiling_is_absent_when_the_setting_is_off(client: Any, settings: Any) -> None:
    settings.ROOT_URLCONF = "bench.urls"
    settings.BENCH_CEILING = False
    assert client.get("/_bench/ceiling/?size=10").status_code == 404


def test_every_page_has_an_address_for_the_landmarks() -> None:
    landmarks = {
        "busy_request_uuid": "b",
        "evaluation_request_uuid": "e",
        "proposal_uuid": "p",
        "year": 2025,
    }
    urls = {page.key: page.url(landmarks) for page in PAGES}
    assert len(urls) == len(PAGES)  # no two pages share a key
    assert urls["html:request detail, 50 offers"] == "/demandes/b/"
    assert {page.kind for page in PAGES} == {"html", "api"}


def _page(key: str = "html:journal", queries: int = 5, **extra: Any) -> dict[str, Any]:
    return {"key": key, "status": 200, "queries": queries, **extra}


def test_query_counts_must_be_equal_between_scales_and_at_most_15() -> None:
    results = {
        "scales": [
            {"scale": 0.01, "pages": [_page(queries=5), _page("api:journal", queries=16)]},
            {"scale": 1.0, "pages": [_page(queries=6), _page("api:journal", queries=16)]},
        ]
    }
    missed = targets.misses(results)
    assert any("html:journal: query counts differ" in m for m in missed)
    assert sum("api:journal makes 16 queries" in m for m in missed) == 2
    assert not any("api:journal: query counts differ" in m for m in missed)


def test_latency_and_ceiling_targets_hold_at_national_scale_only() -> None:
    slow = _page(p95_ms=250.0, ratio=0.1)
    assert targets.misses({"scales": [{"scale": 0.01, "pages": [slow]}]}) == []
    missed = targets.misses({"scales": [{"scale": 1.0, "pages": [slow]}]})
    assert len(missed) == 2
    fine = _page(p95_ms=90.0, ratio=0.6)
    assert targets.misses({"scales": [{"scale": 1.0, "pages": [fine]}]}) == []


def test_a_ledger_mismatch_misses_and_a_slow_selector_misses_at_national_scale() -> None:
    def ledger(mismatches: list[str], ratio: float) -> dict[str, Any]:
        return {
            "name": "statements",
            "mismatches": mismatches,
            "ratio": ratio,
            "app_seconds": 0.009,
            "sql_seconds": 0.001,
        }

    small = {"scale": 0.01, "pages": [], "ledger": [ledger(["person 1"], 1.0), ledger([], 9.0)]}
    assert len(targets.misses({"scales": [small]})) == 1  # the mismatch
    assert len(targets.notes({"scales": [small]})) == 1  # the ratio, said beside
    national = {**small, "scale": 1.0}
    assert len(targets.misses({"scales": [national]})) == 2


def test_a_kept_copy_of_another_size_misses_and_slow_renders_are_noted() -> None:
    page = _page(hit_same_size=False, render_ms=150.0, p95_ms=2.0, ratio=0.7)
    run = {"scale": 1.0, "pages": [page]}
    assert targets.misses({"scales": [run]}) == [
        "scale 1.0: html:journal: the kept copy differs from the page"
    ]
    assert "150 ms to render anew" in targets.notes({"scales": [run]})[0]


def test_the_report_lists_pages_and_misses(tmp_path: Any) -> None:
    results: dict[str, Any] = {
        "scales": [
            {
                "scale": 0.01,
                "pages": [
                    _page(
                        name="journal",
                        kind="html",
                        who="steward",
                        bytes=1000,
                        p50_ms=10.0,
                        p95_ms=20.0,
                        rps=50.0,
                        ceiling_rps=100.0,
                        ratio=0.5,
                        queries=17,
                        render_ms=30.0,
                        hit_queries=1,
                    )
                ],
            }
        ]
    }
    table = report.write(results, tmp_path)
    assert "| journal | html | 200 | 1,000 | 17 | 30 | 1 | 10 | 20 | 50.0 | 100.0 | 50% |" in table
    assert "MISSED: scale 0.01: html:journal makes 17 queries" in table
    assert (tmp_path / "latest.json").exists()


def test_nearest_rank_percentile() -> None:
    values = [float(v) for v in range(1, 101)]
    assert load.percentile(values, 0.95) == 95.0
    assert load.percentile(values, 0.5) == 50.0
    assert load.percentile([3.0], 0.95) == 3.0


class _Hello(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like gthread; gunicorn sync closes

    def do_GET(self) -> None:
        body = b"missing" if "missing" in self.path else b"hello"
        self.send_response(404 if "missing" in self.path else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hello_port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_client_stops_at_the_request_count(hello_port: int) -> None:
    measured = load.latency(hello_port, "/", {}, requests=7, seconds=30)
    assert measured.requests == 7
    assert measured.bytes == 5
    assert measured.p95_ms >= measured.p50_ms > 0
    put = load.throughput(hello_port, "/", {}, concurrency=3, requests=20, seconds=30)
    assert put.requests == 20
    assert put.per_second > 0


def test_the_client_counts_errors_and_stops_at_the_time_bound(hello_port: int) -> None:
    measured = load.latency(hello_port, "/missing", {}, requests=10**9, seconds=0.3)
    assert measured.requests == 0
    assert measured.errors > 0
