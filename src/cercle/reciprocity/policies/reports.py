"""Who reads the reciprocity reports, exports and dashboards, and who records payouts.

- exports of the ledger (FEC, CSV, XLSX), the stewards' dashboard and payouts to a
  common: stewards of the network (they keep the books);
- who plays the commons game, and who paid into a common (per mission or lead):
  members of the network;
- a common's funding totals and the public yearly report: everyone (aggregates only).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.membership.viewer import viewer_for


def _refuse(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def can_export_ledger(user: Any) -> bool:
    return viewer_for(user).is_steward


def check_can_export_ledger(user: Any) -> None:
    _refuse(can_export_ledger(user), _("Only stewards can export the accounts."))


def can_view_steward_dashboard(user: Any) -> bool:
    return viewer_for(user).is_steward


def check_can_view_steward_dashboard(user: Any) -> None:
    _refuse(can_view_steward_dashboard(user), _("The stewards' dashboard is for stewards."))


def can_view_commons_game(user: Any) -> bool:
    v = viewer_for(user)
    return v.is_member or v.is_steward


def check_can_view_commons_game(user: Any) -> None:
    _refuse(
        can_view_commons_game(user),
        _("Who plays the commons game is visible to members of the network."),
    )


def can_view_commons_funding_details(user: Any) -> bool:
    """Who paid what into a common (per mission and lead): members only."""
    return can_view_commons_game(user)


def can_record_common_payout(user: Any) -> bool:
    return viewer_for(user).is_steward


def check_can_record_common_payout(user: Any) -> None:
    _refuse(can_record_common_payout(user), _("Only stewards can record a payout to a common."))
