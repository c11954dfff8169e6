"""Reads on notifications: my list (unread first), one of mine, my unread count, my
preferences with their defaults."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from cercle.core.enums import NotificationFrequency as Frequency
from cercle.core.enums import NotificationKind as Kind
from cercle.core.errors import NotFound
from cercle.core.models import Notification, User
from cercle.core.notifications import default_frequency, frequencies_of


def notification_list(*, actor: User, unread_only: bool = False) -> QuerySet[Notification]:
    """My notifications, unread first, then newest first. One query a page."""
    items = Notification.objects.filter(user=actor)
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return items.annotate(
        unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    ).order_by("-unread", "-created_at", "-pk")


def notification_get(*, actor: User, notification_id: UUID | str) -> Notification:
    """One of my notifications; `NotFound` for anyone else's (no hint it exists)."""
    try:
        return Notification.objects.get(user=actor, uuid=notification_id)
    except (Notification.DoesNotExist, ValueError) as error:
        raise NotFound() from error


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    frequency: str
    default: str

    @property
    def frequency_label(self) -> str:
        return str(Frequency(self.frequency).label)

    @property
    def default_label(self) -> str:
        return str(Frequency(self.default).label)


def notification_preferences(*, actor: User) -> list[PreferenceRow]:
    """Every kind with my frequency and the default, in the kinds' order. One query."""
    current = frequencies_of([actor.pk], Kind.values)
    return [
        PreferenceRow(
            kind=kind,
            label=str(Kind(kind).label),
            frequency=current[(actor.pk, kind)],
            default=default_frequency(kind),
        )
        for kind in Kind.values
    ]
