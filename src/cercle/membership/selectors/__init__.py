"""Reads on adhesion contracts, the charter and the circle."""

from __future__ import annotations

from typing import Any

from cercle.core.selectors import JournalAudience
from cercle.membership.viewer import viewer_for


def journal_audience_for(user: Any) -> JournalAudience:
    viewer = viewer_for(user)
    return JournalAudience(
        user=user if viewer.person is not None else None,
        is_member=viewer.is_member or viewer.is_steward,
        is_steward=viewer.is_steward,
    )
