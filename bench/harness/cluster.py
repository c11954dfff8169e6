"""A PostgreSQL cluster of the bench's own: Debian's binaries, a temporary data directory,
loopback only, a free port. Durability is switched off (fsync, synchronous_commit,
full_page_writes): the bench measures reading pages, and its data is thrown away.

PostgreSQL refuses to run as root; when the bench runs as root the server runs as the
`postgres` system user, in a directory that user owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

SERVER_OPTIONS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "256MB",
    "work_mem": "16MB",
    "maintenance_work_mem": "256MB",
    "max_connections": "60",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "30min",
}
ROLE = "cercle"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def binaries() -> Path:
    """The newest PostgreSQL installed by Debian's packages."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        raise RuntimeError("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin/")
    return Path(found[-1]).parent


class Cluster:
    """`with Cluster() as cluster:` starts the server; leaving the block stops it and
    removes its data directory (kept when `data_dir` was given)."""

    def __init__(self, data_dir: Path | None = None, log: Callable[[str], object] = print) -> None:
        self.bin = binaries()
        self.keep = data_dir is not None
        self.root = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="cercle-bench-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.started = False
        self.log = log
        self.as_postgres = os.geteuid() == 0

    # ----------------------------------------------------------------- running commands
    def _run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        command = [str(a) for a in args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(  # noqa: S603 (our own binaries and paths)
            command, check=True, capture_output=True, text=True, timeout=120
        )

    def start(self) -> Cluster:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            for path in [self.root, *(p for p in self.root.rglob("*") if not p.is_symlink())]:
                os.chown(path, entry.pw_uid, entry.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            self._run(
                self.bin / "initdb",
                "-D",
                str(self.data),
                "-U",
                ROLE,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
        options = " ".join(f"-c {k}={v}" for k, v in SERVER_OPTIONS.items())
        options += f" -p {self.port} -c unix_socket_directories={self.root}"
        self._run(
            self.bin / "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self.started = True
        self.log(f"PostgreSQL {self.bin.parent.name} on 127.0.0.1:{self.port} ({self.root})")
        return self

    def stop(self) -> None:
        if self.started:
            try:
                self._run(self.bin / "pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            except subprocess.SubprocessError as exc:  # still remove what we created
                self.log(f"pg_ctl stop failed: {exc}")
            self.started = False
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------------- databases
    def url(self, database: str) -> str:
        return f"postgres://{ROLE}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, *, replace: bool = True) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists and replace:
                connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            if not exists or replace:
                connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
