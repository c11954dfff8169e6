"""The bad-input tests post a lot from one address: the rate limits (kept in the cache)
must not carry over from one test, or one example, to the next."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
