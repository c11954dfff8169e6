"""The measuring client: http.client connections on loopback (kept alive when the server
allows it; gunicorn's sync workers close after each answer, and the client reconnects).

`latency` sends requests one after the other; `throughput` keeps `concurrency` threads
busy. Both stop at a request count or a number of seconds, whichever comes first.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass
class Latency:
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    bytes: int


@dataclass
class Throughput:
    requests: int
    errors: int
    seconds: float
    concurrency: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Fetcher:
    def __init__(self, port: int, headers: dict[str, str], timeout: float = 60.0) -> None:
        self.port = port
        self.headers = {"Connection": "keep-alive", **headers}
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, int]:
        """(status, body length); one reconnection when the kept connection was closed."""
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            try:
                self.connection.request("GET", path, headers=self.headers)
                response = self.connection.getresponse()
                body = response.read()
                if response.will_close:
                    self.close()
                return response.status, len(body)
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0–1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]


def latency(
    port: int, path: str, headers: dict[str, str], *, requests: int, seconds: float
) -> Latency:
    fetcher = Fetcher(port, headers)
    times: list[float] = []
    errors = 0
    size = 0
    deadline = time.perf_counter() + seconds
    try:
        while len(times) + errors < requests and time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status, size = fetcher.get(path)
            except OSError:
                errors += 1
                continue
            elapsed = time.perf_counter() - started
            if status == 200:
                times.append(elapsed)
            else:
                errors += 1
    finally:
        fetcher.close()
    if not times:
        return Latency(0, errors, float("nan"), float("nan"), size)
    return Latency(
        requests=len(times),
        errors=errors,
        p50_ms=statistics.median(times) * 1000,
        p95_ms=percentile(times, 0.95) * 1000,
        bytes=size,
    )


def throughput(
    port: int,
    path: str,
    headers: dict[str, str],
    *,
    concurrency: int,
    requests: int,
    seconds: float,
) -> Throughput:
    lock = threading.Lock()
    counts = {"sent": 0, "ok": 0, "errors": 0}
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        fetcher = Fetcher(port, headers)
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if counts["sent"] >= requests:
                        return
                    counts["sent"] += 1
                try:
                    status, _size = fetcher.get(path)
                    ok = status == 200
                except OSError:
                    ok = False
                with lock:
                    counts["ok" if ok else "errors"] += 1
        finally:
            fetcher.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - started
    return Throughput(counts["ok"], counts["errors"], elapsed, concurrency)
