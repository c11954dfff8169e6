"""A small fixed-window rate limit on Django's cache, for forms open to everyone."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cercle.core.errors import ApplicationError


class RateLimited(ApplicationError):
    status = 429


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind the reverse proxy of the deploy guide, REMOTE_ADDR is
    the proxy's: the client's is then the address the last of our `TRUSTED_PROXY_COUNT`
    proxies appended to X-Forwarded-For (what comes before it, the client could have
    written). The same rule as django-allauth's limits (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= trusted and hops[-trusted]:
            return hops[-trusted][:64]
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def check_rate(scope: str, key: str, *, limit: int, window_seconds: int) -> None:
    """Count one hit for (scope, key); raise `RateLimited` (429) past `limit` per window."""
    bucket = int(time.time() // window_seconds)
    # The key may come from a header: hashed, it is always a valid cache key.
    digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{bucket}"
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
