"""A small fixed-window rate limit on Django's cache, for forms open to everyone."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cercle.core.errors import ApplicationError


class RateLimited(ApplicationError):
    status = 429


def client_ip(request: HttpRequest) -> str:
    # Behind the reverse proxy of the deploy guide, REMOTE_ADDR is set by it.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def check_rate(scope: str, key: str, *, limit: int, window_seconds: int) -> None:
    """Count one hit for (scope, key); raise `RateLimited` (429) past `limit` per window."""
    bucket = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window_seconds + 1):
        hits = 1
    else:
        try:
            hits = cache.incr(cache_key)
        except ValueError:
            cache.set(cache_key, 1, timeout=window_seconds + 1)
            hits = 1
    if hits > limit:
        raise RateLimited(_("Too many attempts. Please wait a few minutes and try again."))
