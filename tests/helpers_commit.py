"""On-commit callbacks as a test sees them, without the table versions' own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cercle.core.pagecache.versions import _Bump


def without_table_versions(callbacks: list[Callable[[], Any]]) -> list[Callable[[], Any]]:
    """Every write transaction also bumps its tables' counters after commit (decision
    0016); tests that count what a service schedules leave that callback out."""
    return [callback for callback in callbacks if not isinstance(callback, _Bump)]
