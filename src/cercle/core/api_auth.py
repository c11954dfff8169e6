"""Bearer-token authentication for the API; anonymous callers pass as AnonymousUser."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from cercle.core.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <personal token>`; a missing header means anonymous.

    A header with a wrong or revoked token is refused (401) rather than treated as
    anonymous, so a client with an expired token finds out at once.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            request.user = AnonymousUser()
            return request.user
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        if user.language:
            translation.activate(user.language)
        return user
