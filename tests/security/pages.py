"""Walk the site's HTML pages with the test client: every address without parameters, then
the same-site links found on those pages, each page once, up to a bound."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

SKIPPED_PREFIXES = ("/api/", "/admin/", "/static/", "/media/")


def addresses_without_parameters() -> list[str]:
    """The site's GET addresses that need no parameter (the API and the admin aside)."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    found = []
    for route in walk(get_resolver().url_patterns, "/"):
        if "<" in route or "(" in route or "^" in route:
            continue
        if not route.startswith(SKIPPED_PREFIXES):
            found.append(route)
    return sorted(set(found))


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href)


def same_site_links(html: str) -> list[str]:
    parser = LinkParser()
    parser.feed(html)
    links = []
    for href in parser.links:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.endswith("/logout/"):
            continue
        links.append(href)
    return links


def crawl(client: Client, *, limit: int) -> Iterator[tuple[str, object]]:
    """(address, response) for the addresses without parameters, then the links found on
    their pages (breadth first), at most `limit` pages."""
    queue = addresses_without_parameters()
    seen: set[str] = set(queue)
    fetched = 0
    while queue and fetched < limit:
        address = queue.pop(0)
        response = client.get(address)
        fetched += 1
        yield address, response
        if response["Content-Type"].startswith("text/html") and response.status_code == 200:
            for link in same_site_links(response.content.decode()):
                # One example of each list's pages is enough.
                key = link.split("?")[0]
                if key not in seen:
                    seen.add(key)
                    queue.append(link)
