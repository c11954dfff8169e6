"""Properties of when the network's vote on a support letter closes."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from cercle.decisions.services.letters_decision import (
    CLOSING_MARGIN,
    MIN_VOTING_TIME,
    proposal_closing_time,
)

NOW = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


@given(
    st.timedeltas(min_value=datetime.timedelta(seconds=2), max_value=datetime.timedelta(days=400))
)
def test_closing_is_after_now_and_never_after_the_deadline(ahead: datetime.timedelta) -> None:
    deadline = NOW + ahead
    closes_at = proposal_closing_time(NOW, deadline)
    assert NOW < closes_at <= deadline


@given(
    st.timedeltas(min_value=datetime.timedelta(seconds=2), max_value=datetime.timedelta(days=400))
)
def test_48_hours_before_when_there_is_time_else_halfway(ahead: datetime.timedelta) -> None:
    deadline = NOW + ahead
    closes_at = proposal_closing_time(NOW, deadline)
    if ahead - CLOSING_MARGIN >= MIN_VOTING_TIME:
        assert closes_at == deadline - CLOSING_MARGIN
    else:
        assert closes_at == NOW + ahead / 2
        assert closes_at < deadline


def test_a_passed_deadline_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="passed"):
        proposal_closing_time(NOW, NOW)
