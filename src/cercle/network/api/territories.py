"""Départements and communes, by name or INSEE code."""

# No `from __future__ import annotations` here: ninja's pagination wrapper resolves the
# parameters' annotations in its own module, where these names do not exist.

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.network import selectors
from cercle.network.api.schemas import TerritoryOut

router = Router(tags=["territories"])


class TerritoryFilter(Schema):
    q: str = Field("", max_length=80, description="Part of a name, or the start of a code")


@router.get("/territories", response=list[TerritoryOut])
@paginate(Pagination)
def list_territories(request: HttpRequest, filters: Query[TerritoryFilter]) -> object:
    """Départements first, then communes; without `q`, every territory."""
    return selectors.territory_search(q=filters.q, limit=None, allow_all=True)
