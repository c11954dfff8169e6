"""The Loomio import at scale: an export of N records in the real format, then
`manage.py import_loomio FILE` in a process of its own; its wall time and its peak
resident memory (from `wait4`, this one child's rusage). Targets: ≤ 60 s, ≤ 300 MB."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.harness.server import PROJECT, bench_env

TARGET_SECONDS = 60.0
TARGET_MB = 300.0


@dataclass
class ImportFigures:
    records: int
    seconds: float
    peak_mb: float
    exit_code: int

    @property
    def meets_target(self) -> bool:
        return self.exit_code == 0 and self.seconds <= TARGET_SECONDS and self.peak_mb <= TARGET_MB

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "meets_target": self.meets_target}


def run(*, database_url: str, records: int, seed: int, workdir: Path, log: Path) -> ImportFigures:
    export = workdir / f"loomio-{records}.jsonl"
    subprocess.run(  # noqa: S603 (this interpreter, our arguments)
        [
            sys.executable,
            "-c",
            "import sys; from cercle.decisions.loomio.generate import write_export;"
            " write_export(sys.argv[1], records=int(sys.argv[2]), seed=int(sys.argv[3]))",
            str(export),
            str(records),
            str(seed),
        ],
        check=True,
        cwd=PROJECT,
        env=bench_env(database_url),
        timeout=600,
    )
    with open(log, "ab") as out:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "import_loomio", str(export)],
            cwd=PROJECT,
            env=bench_env(database_url),
            stdout=out,
            stderr=out,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    export.unlink(missing_ok=True)
    return ImportFigures(
        records=records,
        seconds=seconds,
        peak_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        exit_code=process.returncode,
    )
