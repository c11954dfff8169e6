"""Checks every topic of the circle shares: who is in the circle, who stewards it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.membership.viewer import Viewer, viewer_for
from cercle.network.models import Person


def viewer(user: Any) -> Viewer:
    return viewer_for(user)


def refuse(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def can_view_requests(user: Any) -> bool:
    """Every confirmed request is visible to every circle member, and to stewards."""
    v = viewer_for(user)
    return v.is_steward or v.in_circle


def check_can_view_requests(user: Any) -> None:
    refuse(
        can_view_requests(user),
        _("Requests are visible to the members of the consultants' circle."),
    )


def can_steward_requests(user: Any) -> bool:
    return viewer_for(user).is_steward


def check_can_steward_requests(user: Any) -> None:
    refuse(can_steward_requests(user), _("Only stewards can do this."))


def in_circle(user: Any) -> bool:
    return viewer_for(user).in_circle


def check_in_circle(user: Any) -> None:
    refuse(in_circle(user), _("Only members of the consultants' circle can do this."))


def person_required(user: Any) -> Person:
    person = viewer_for(user).person
    if person is None:
        raise NotAllowed(_("Sign in first."))
    return person
