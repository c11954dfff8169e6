"""API: my notifications, read marks and my e-mail preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core import selectors_notifications as selectors
from cercle.core import services_notifications as services
from cercle.core.api import authenticated_user
from cercle.core.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: UUID = Field(alias="uuid")
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    emailed_at: datetime | None


class ReadAllOut(Schema):
    marked: int


class PreferenceOut(Schema):
    kind: str
    label: str
    frequency: str
    default: str


class PreferencesIn(Schema):
    """Kinds to change, each with `immediately`, `daily`, `weekly` or `never`; kinds left
    out keep their frequency."""

    frequencies: dict[str, str]


@router.get("/notifications", response=list[NotificationOut])
@paginate(Pagination)
def list_notifications(request: HttpRequest, unread: bool = False) -> QuerySet[Notification]:
    """My notifications, unread first, then newest first."""
    return selectors.notification_list(actor=authenticated_user(request), unread_only=unread)


@router.post("/notifications/read-all", response=ReadAllOut)
def read_all_notifications(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.notification_mark_all_read(actor=authenticated_user(request))}


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def read_notification(request: HttpRequest, notification_id: UUID) -> Notification:
    user = authenticated_user(request)
    notification = selectors.notification_get(actor=user, notification_id=notification_id)
    return services.notification_mark_read(actor=user, notification=notification)


@router.get("/notification-preferences", response=list[PreferenceOut])
def get_preferences(request: HttpRequest) -> list[Any]:
    """Every kind with my frequency and its default."""
    return selectors.notification_preferences(actor=authenticated_user(request))


@router.put("/notification-preferences", response=list[PreferenceOut])
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> list[Any]:
    user = authenticated_user(request)
    services.notification_preferences_set(actor=user, frequencies=payload.frequencies)
    return selectors.notification_preferences(actor=user)
