"""The network's pages, one module a topic; `urls.py` lists them."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from cercle.core.models import User


def actor(request: HttpRequest) -> User:
    """The signed-in user of a `login_required` view, typed for services."""
    return cast(User, request.user)
