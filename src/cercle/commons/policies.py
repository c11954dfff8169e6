"""Who may do what in the commons registry.

- anyone, signed in or not: read the registry (active commons);
- members: see which offers and missions use a common;
- contributors and stewards of the network: add a common;
- the stewards of a common and the network's stewards: edit it;
- the network's stewards: deactivate or reactivate it, and see inactive commons.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.commons.models import Common
from cercle.core.errors import NotAllowed
from cercle.network.policies import is_contributor, is_member, is_steward, person_or_none


def _refuse(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def can_see_usage(user: Any) -> bool:
    """Which offers and missions use a common: for members of the network."""
    return bool(is_member(user))


def can_see_inactive(user: Any) -> bool:
    return bool(is_steward(user))


def can_create_common(user: Any) -> bool:
    return bool(is_contributor(user))


def check_can_create_common(user: Any) -> None:
    _refuse(
        can_create_common(user),
        _("Members at contributor level or above can add a common to the registry."),
    )


def is_common_steward(user: Any, common: Common) -> bool:
    person = person_or_none(user)
    if person is None or common.pk is None:
        return False
    cache = getattr(common, "_prefetched_objects_cache", {})
    if "stewards" in cache:
        return any(p.pk == person.pk for p in cache["stewards"])
    return common.stewards.filter(pk=person.pk).exists()


def can_edit_common(user: Any, common: Common) -> bool:
    return bool(is_steward(user)) or is_common_steward(user, common)


def check_can_edit_common(user: Any, common: Common) -> None:
    _refuse(
        can_edit_common(user, common),
        _("Only the stewards of this common and the network's stewards can edit it."),
    )


def can_deactivate_common(user: Any) -> bool:
    return bool(is_steward(user))


def check_can_deactivate_common(user: Any) -> None:
    _refuse(
        can_deactivate_common(user),
        _("Only the network's stewards can deactivate or reactivate a common."),
    )
