"""Which views the page cache may keep: chosen one by one, each read-only and built only
from the database, the request's address and its viewer (see `middleware.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "cercle_page_cache"
API_NAMESPACE = "api"
# Namespaced route names of API operations (ninja names a route after its function).
API_ROUTES: set[str] = set()


def cached_page(view: F) -> F:
    """Mark a page's view as cacheable. Apply it first (innermost): the decorators
    wrapped around it copy the mark."""
    setattr(view, ATTRIBUTE, True)
    return view


def cached_operation(func: F) -> F:
    """Mark an API operation (GET) as cacheable; apply it under the router's decorator."""
    API_ROUTES.add(f"{API_NAMESPACE}:{func.__name__}")
    return func


def is_cacheable(view: Callable[..., Any], view_name: str) -> bool:
    return bool(getattr(view, ATTRIBUTE, False)) or view_name in API_ROUTES
