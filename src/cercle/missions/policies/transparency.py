"""Who reads the circle's transparency pages and exports.

- the concentration page: every member of the network (`network.policies.is_member`);
- a request's OCDS export: circle members and stewards, who see the request itself
  (budgets and offers are not public).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.missions.policies.common import can_view_requests, refuse
from cercle.network.policies import is_member


def can_view_concentration(user: Any) -> bool:
    return bool(is_member(user))


def check_can_view_concentration(user: Any) -> None:
    refuse(
        can_view_concentration(user),
        _("The concentration of missions is visible to members of the network."),
    )


def can_export_ocds(user: Any) -> bool:
    return can_view_requests(user)


def check_can_export_ocds(user: Any) -> None:
    refuse(
        can_export_ocds(user),
        _("The export of a request is for the members of the consultants' circle and stewards."),
    )
