"""Pagination for every API list: `limit` (1–100) and `offset`, with `count`."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 100
# Far beyond any list here, yet small enough for every database's integers.
MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset pagination with bounds, so a huge offset is a 422, not a 500."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
