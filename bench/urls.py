"""Cercle's addresses plus `/_bench/ceiling/?size=N`: an HTML page of exactly N bytes that
touches neither the database nor the session. Measured on the same server as the pages,
it is the most a page of that size could do; each page's throughput is reported as a
share of it."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from cercle.urls import handler403, handler404, handler500
from cercle.urls import urlpatterns as cercle_urlpatterns

MAX_SIZE = 8 * 1024 * 1024
HEAD = b"<!doctype html><html lang=en><head><title>ceiling</title></head><body><p>"
TAIL = b"</p></body></html>\n"


@lru_cache(maxsize=64)
def ceiling_body(size: int) -> bytes:
    """Exactly `size` bytes of HTML (a shorter page than its tags is cut short)."""
    fill = max(0, size - len(HEAD) - len(TAIL))
    return (HEAD + b"x" * fill + TAIL)[:size] if fill else (HEAD + TAIL)[:size]


def ceiling(request: HttpRequest) -> HttpResponse:
    if not getattr(settings, "BENCH_CEILING", False):
        raise Http404
    try:
        size = int(request.GET.get("size", "1024"))
    except ValueError:
        size = 1024
    size = min(max(size, 0), MAX_SIZE)
    return HttpResponse(ceiling_body(size), content_type="text/html; charset=utf-8")


urlpatterns = [path("_bench/ceiling/", ceiling, name="bench_ceiling"), *cercle_urlpatterns]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
