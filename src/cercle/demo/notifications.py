"""Demo notifications: the services of the other demo parts already told people what
concerns them; here a few people choose their e-mails, and some read what they got."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cercle.core.enums import NotificationFrequency as Frequency
from cercle.core.enums import NotificationKind as Kind
from cercle.core.selectors_notifications import notification_list
from cercle.core.services_notifications import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
)

if TYPE_CHECKING:
    from cercle.demo.loader import Demo


def load_notifications(demo: Demo) -> None:
    """Run last, after the parts that notify."""
    # A steward who wants everything at once, a consultant who reads a weekly digest,
    # another who follows no tenders by e-mail.
    notification_preferences_set(
        actor=demo.user("solene"),
        frequencies={Kind.NEW_REQUEST: Frequency.IMMEDIATELY, Kind.DISCUSSION: Frequency.DAILY},
    )
    notification_preferences_set(
        actor=demo.user("maelle"),
        frequencies={
            Kind.NEW_REQUEST: Frequency.WEEKLY,
            Kind.MISSION: Frequency.WEEKLY,
            Kind.EVENT: Frequency.WEEKLY,
        },
    )
    notification_preferences_set(
        actor=demo.user("theo"), frequencies={Kind.TENDER: Frequency.NEVER}
    )
    # Yanis has read everything; Inès read her oldest one.
    notification_mark_all_read(actor=demo.user("yanis"))
    oldest = notification_list(actor=demo.user("ines")).order_by("created_at").first()
    if oldest is not None:
        notification_mark_read(actor=demo.user("ines"), notification=oldest)
