"""API: the caller, their tokens, and the journal."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core import selectors, services
from cercle.core.errors import NotAllowed
from cercle.core.models import ApiToken, JournalEntry, User
from cercle.core.pagecache import cached_operation

router = Router(tags=["account"])


def authenticated_user(request: HttpRequest) -> User:
    """The caller, or a 401 when the call carries no token."""
    if not request.user.is_authenticated:
        raise NotAllowed()
    return request.user  # type: ignore[return-value]


class TokenOut(Schema):
    id: UUID = Field(alias="uuid")
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreateIn(Schema):
    name: str = Field(max_length=100)


class TokenCreatedOut(TokenOut):
    secret: str


@router.get("/tokens", response=list[TokenOut])
@paginate(Pagination)
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return selectors.api_token_list(actor=authenticated_user(request))  # type: ignore[return-value]


@router.post("/tokens", response={201: TokenCreatedOut})
def create_token(request: HttpRequest, payload: TokenCreateIn) -> Status[Any]:
    token, secret = services.api_token_create(actor=authenticated_user(request), name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "uuid": token.uuid, "secret": secret})


@router.post("/tokens/{token_id}/revoke", response=TokenOut)
def revoke_token(request: HttpRequest, token_id: UUID) -> ApiToken:
    user = authenticated_user(request)
    token = get_object_or_404(selectors.api_token_list(actor=user), uuid=token_id)
    return services.api_token_revoke(actor=user, token=token)


class JournalEntryOut(Schema):
    seq: int
    id: UUID = Field(alias="uuid")
    actor: str | None
    verb: str
    object_type: str
    object_id: str
    object_label: str
    payload: dict[str, object]
    visibility: str
    created_at: datetime
    prev_hash: str
    hash: str

    @staticmethod
    def resolve_actor(entry: JournalEntry) -> str | None:
        return str(entry.actor) if entry.actor_id else None


class _CountedEntries:
    """The journal's entries told their total, so the pagination does not count them."""

    def __init__(self, entries: QuerySet[JournalEntry], total: int) -> None:
        self.entries, self.total = entries, total

    def __getitem__(self, key: slice) -> QuerySet[JournalEntry]:
        return self.entries[key]


class JournalPagination(Pagination):
    """The API's pagination, with the total from `journal_count` (the head's seq for
    a steward's whole journal) instead of a COUNT over every entry."""

    def _items_count(self, queryset: Any) -> int:
        if isinstance(queryset, _CountedEntries):
            return queryset.total
        return super()._items_count(queryset)


@router.get("/journal", response=list[JournalEntryOut], tags=["journal"])
@paginate(JournalPagination)
@cached_operation
def list_journal(
    request: HttpRequest, verb: str = "", object_type: str = "", object_id: str = ""
) -> list[JournalEntry]:
    user = request.user if request.user.is_authenticated else None
    audience = selectors.journal_audience(user)  # type: ignore[arg-type]
    entries = selectors.journal_entry_list(
        audience=audience, verb=verb, object_type=object_type, object_id=object_id
    )
    total = selectors.journal_count(
        audience=audience, entries=entries, filtered=bool(verb or object_type or object_id)
    )
    return _CountedEntries(entries, total)  # type: ignore[return-value]


# Notifications have their own module; mounted here with the rest of the account.
from cercle.core.api_notifications import router as notifications_router  # noqa: E402

router.add_router("", notifications_router)

# My data (export, erasure): the privacy package's own router.
from cercle.core.privacy.api import router as privacy_router  # noqa: E402

router.add_router("", privacy_router)
