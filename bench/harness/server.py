"""gunicorn on loopback, started and stopped by the harness."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.harness.cluster import free_port

PROJECT = Path(__file__).resolve().parents[2]
# The bench's processes run with production settings (DEBUG off, a DATABASE_URL), which
# want a secret key of their own: one per run, never stored.
RUN_SECRET_KEY = secrets.token_urlsafe(50)


def bench_env(database_url: str) -> dict[str, str]:
    """The environment of every process the bench starts against a database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "PYTHONPATH": os.pathsep.join([str(PROJECT), str(PROJECT / "src")]),
    }
    env.setdefault("SECRET_KEY", RUN_SECRET_KEY)
    env.pop("CERCLE_TESTING", None)
    return env


class Server:
    def __init__(self, *, database_url: str, workers: int = 2, log_path: Path) -> None:
        self.database_url = database_url
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> Server:
        env = bench_env(self.database_url)
        log = open(self.log_path, "ab")  # noqa: SIM115 (closed with the process)
        self.process = subprocess.Popen(  # noqa: S603 (this interpreter, our arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cercle.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/_bench/ceiling/?size=10")
                status = connection.getresponse().status
                connection.close()
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop, workers included
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
