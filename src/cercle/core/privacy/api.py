"""API: my data (a ZIP) and erasure of my account."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from cercle.core.errors import NotAllowed
from cercle.core.models import User
from cercle.core.privacy.erasure import person_erase
from cercle.core.privacy.export import personal_data_export
from cercle.core.privacy.views import zip_response

router = Router(tags=["my data"])


def authenticated_user(request: HttpRequest) -> User:
    """The caller, or a 401 when the call carries no token (as core.api does)."""
    if not request.user.is_authenticated:
        raise NotAllowed()
    return request.user  # type: ignore[return-value]


@router.get(
    "/me/export",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "A ZIP of JSON files (one a table) and PDFs.",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_my_data(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    return zip_response(personal_data_export(actor=user, user=user))


class ErasureIn(Schema):
    password: str = Field(max_length=200)


class ErasureOut(Schema):
    pseudonym: str
    journal_seq: int


@router.post("/me/erasure", response=ErasureOut)
def erase_me(request: HttpRequest, payload: ErasureIn) -> ErasureOut:
    """Erase my account now (my password confirms it); my tokens stop working."""
    user = authenticated_user(request)
    entry = person_erase(actor=user, user=user, password=payload.password)
    return ErasureOut(pseudonym=entry.payload["pseudonym"], journal_seq=entry.seq)
