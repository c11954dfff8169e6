"""Who may do what with events.

- anyone, signed in or not, reads public events; members of the network also read
  members-only events; stewards read every event;
- stewards create, edit and cancel events, see who registered and record attendance;
- anyone signed in with a profile registers for an event they can read (members-only
  events: members only) and cancels their own registration;
- each person manages their own calendar feed.

Each `can_*` returns a bool for templates; each `check_can_*` raises `NotAllowed`.
`visible_events_q` gives the reading rule as a filter for selectors.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.events.models import Event
from cercle.membership.viewer import viewer_for


def visible_events_q(user: Any) -> Q:
    viewer = viewer_for(user)
    if viewer.is_steward:
        return Q()
    if viewer.is_member:
        return Q()  # members read members-only events too
    return Q(is_public=True)


def can_view_event(user: Any, event: Event) -> bool:
    if event.is_public:
        return True
    viewer = viewer_for(user)
    return viewer.is_member or viewer.is_steward


def check_can_view_event(user: Any, event: Event) -> None:
    if not can_view_event(user, event):
        raise NotAllowed(_("This event is open to members of the network."))


def can_manage_events(user: Any) -> bool:
    return viewer_for(user).is_steward


def check_can_manage_events(user: Any) -> None:
    if not can_manage_events(user):
        raise NotAllowed(_("Only stewards can create, change or cancel events."))


def can_register(user: Any, event: Event) -> bool:
    viewer = viewer_for(user)
    if viewer.person is None:
        return False
    return can_view_event(user, event)


def check_can_register(user: Any, event: Event) -> None:
    if viewer_for(user).person is None:
        raise NotAllowed(_("Sign in to register for an event."))
    if not can_register(user, event):
        raise NotAllowed(_("This event is open to members of the network."))


def can_record_attendance(user: Any, event: Event) -> bool:
    return viewer_for(user).is_steward


def check_can_record_attendance(user: Any, event: Event) -> None:
    if not can_record_attendance(user, event):
        raise NotAllowed(_("Only stewards record who attended an event."))


def can_view_registrations(user: Any, event: Event) -> bool:
    return viewer_for(user).is_steward


def check_can_view_registrations(user: Any, event: Event) -> None:
    if not can_view_registrations(user, event):
        raise NotAllowed(_("Only stewards see who registered for an event."))


def check_can_have_calendar(user: Any) -> None:
    if viewer_for(user).person is None:
        raise NotAllowed(_("Sign in to get your calendar address."))
