"""State machines as literal tables: `TRANSITIONS = {from: {to, …}}` in each app's enums."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django.utils.translation import gettext as _

from cercle.core.errors import InvalidTransition

S = TypeVar("S", bound=str)


def check_transition(table: Mapping[S, set[S] | frozenset[S]], current: S, target: S) -> None:
    """Raise `InvalidTransition` unless the table allows `current → target`."""
    if target not in table.get(current, set()):
        raise InvalidTransition(
            _("Cannot go from “%(current)s” to “%(target)s”.")
            % {
                "current": getattr(current, "label", current),
                "target": getattr(target, "label", target),
            }
        )
