"""The page cache: a rendered page (or API answer) is kept, per viewer, for as long as
nothing it was built from has changed.

On a miss, the view runs while an execute wrapper records every table it reads; the
answer is kept with those tables' counters (`versions.py`) as they were *before* the
view ran, and, for a signed-in person, their session row as it was. On the next
request with the same key, one SELECT reads those counters and that session row: when
all are unchanged, the kept answer is sent, with a fresh CSRF token. Any committed write
to any of those tables, a change of session (sign-out, a message, another login), a
migration or a restore make it miss. The key is the address, the session cookie or the
API token, the language headers and the htmx headers, so no one is ever sent what was
rendered for someone else.

Not kept: anything but a 200 from a GET; an answer whose rendering wrote to the
database, changed the session or set a cookie; a view not marked with
`registry.cached_page` / `cached_operation`. Time is the one input the tables do not
cover (a deadline passing, "2 minutes ago"): an answer lives at most
PAGE_CACHE_SECONDS (60 by default; 0 turns the cache off).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware import csrf
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from cercle.core.pagecache import registry, versions

CACHE_ALIAS = "pages"
CSRF_MARK = b"\x00cercle-csrf\x00"
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)
# Request headers that change what a view renders, beside the address.
KEY_HEADERS = (
    "HTTP_AUTHORIZATION",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_HOST",
    "HTTP_HX_REQUEST",
    "HTTP_HX_BOOSTED",
    "HTTP_HX_TARGET",
    "HTTP_HX_TRIGGER",
    "HTTP_HX_TRIGGER_NAME",
    "HTTP_HX_CURRENT_URL",
)
DB_SESSIONS = "django.contrib.sessions.backends.db"


@dataclass
class Entry:
    body: bytes
    status: int
    headers: list[tuple[str, str]]
    language: str
    counters: dict[str, int]
    session_data: str | None
    vary: tuple[str, ...]


class Recorder:
    """Execute wrapper of a miss: the tables read, and whether anything was written."""

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.wrote = False

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        if versions.written_table(sql) is not None:
            self.wrote = True
        else:
            self.tables |= versions.read_tables(sql)
        return execute(sql, params, many, context)


@lru_cache(maxsize=4096)
def _cacheable(path: str, urlconf: str) -> bool:
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    return registry.is_cacheable(match.func, match.view_name)


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


class PageCacheMiddleware:
    """Placed after the authentication middleware (which only sets a lazy user) and
    before anything that reads the user, so that a hit touches neither the user nor the
    person: one query in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._applies(request):
            return self.get_response(request)
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        key = self._key(request, session_key)
        store = caches[CACHE_ALIAS]
        entry = store.get(key)
        if entry is not None and self._fresh(entry, session_key):
            return self._replay(request, entry)
        return self._render(request, key, session_key)

    # --- which requests -----------------------------------------------------------

    def _applies(self, request: HttpRequest) -> bool:
        if request.method != "GET" or not enabled():
            return False
        if request.COOKIES.get(settings.SESSION_COOKIE_NAME) and (
            settings.SESSION_ENGINE != DB_SESSIONS or settings.SESSION_SAVE_EVERY_REQUEST
        ):
            return False
        return _cacheable(request.path_info, settings.ROOT_URLCONF)

    def _key(self, request: HttpRequest, session_key: str | None) -> str:
        cookies = sorted(
            (name, value)
            for name, value in request.COOKIES.items()
            if name != settings.CSRF_COOKIE_NAME
        )
        parts = [
            request.scheme,
            request.get_full_path(),
            repr(cookies),
            *(request.META.get(name, "") for name in KEY_HEADERS),
        ]
        digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))
        return "page:" + digest.hexdigest()

    # --- a hit ------------------------------------------------------------------------

    def _fresh(self, entry: Entry, session_key: str | None) -> bool:
        """One query: the counters the entry depends on, and the session row."""
        counters, session_data = _read_state(list(entry.counters), session_key)
        return session_data == entry.session_data and all(
            counters.get(name, 0) == seen for name, seen in entry.counters.items()
        )

    def _replay(self, request: HttpRequest, entry: Entry) -> HttpResponse:
        body = entry.body
        if CSRF_MARK in body:
            body = body.replace(CSRF_MARK, get_token(request).encode("ascii"))
        response = HttpResponse(body, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        translation.activate(entry.language)
        request.LANGUAGE_CODE = entry.language
        patch_vary_headers(response, entry.vary)
        return response

    # --- a miss -----------------------------------------------------------------------

    def _render(self, request: HttpRequest, key: str, session_key: str | None) -> HttpResponse:
        before, session_data = _read_state(None, session_key)
        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            response = self.get_response(request)
        if self._storable(request, response, recorder):
            counters = {name: before.get(name, 0) for name in recorder.tables | {versions.EPOCH}}
            vary = ("Cookie",) if session_key else ()
            if request.META.get("HTTP_AUTHORIZATION"):
                vary = (*vary, "Authorization")
            entry = Entry(
                body=_mark_csrf(request, response.content),
                status=response.status_code,
                headers=[(k, v) for k, v in response.items() if k.lower() != "vary"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
                counters=counters,
                session_data=session_data,
                vary=vary,
            )
            caches[CACHE_ALIAS].set(key, entry, settings.PAGE_CACHE_SECONDS)
        return response

    def _storable(self, request: HttpRequest, response: HttpResponse, recorder: Recorder) -> bool:
        session = getattr(request, "session", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not recorder.wrote
            and not (session is not None and session.modified)
            and "no-store" not in response.get("Cache-Control", "")
        )


def _read_state(
    tables: list[str] | None, session_key: str | None
) -> tuple[dict[str, int], str | None]:
    """Counters (of `tables`, or all) and the session's data, in one query."""
    sql = f"SELECT name, version, NULL FROM {versions.TABLE}"  # noqa: S608 (constant)
    params: list[Any] = []
    if tables is not None:
        sql += " WHERE name IN ({})".format(", ".join(["%s"] * len(tables)))
        params.extend(tables)
    if session_key:
        sql += (
            " UNION ALL SELECT '', NULL, session_data FROM django_session"
            " WHERE session_key = %s AND expire_date > %s"
        )
        params.extend([session_key, timezone.now()])
    counters: dict[str, int] = {}
    session_data: str | None = None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, version, data in cursor.fetchall():
            if data is not None:
                session_data = data
            else:
                counters[name] = version
    return counters, session_data


# Django's own unmasking (private, so not in its type stubs): a page's tokens are masked
# copies of the secret, and only those may become the mark.
_unmask = csrf._unmask_cipher_token  # type: ignore[attr-defined]


def _mark_csrf(request: HttpRequest, body: bytes) -> bytes:
    """The page's CSRF tokens (masked copies of this browser's secret) become a mark,
    replaced by a fresh token at each replay."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return body

    def swap(found: re.Match[bytes]) -> bytes:
        token = found.group(0)
        return CSRF_MARK if _unmask(token.decode("ascii")) == secret else token

    return _TOKEN.sub(swap, body)
