"""Properties of the criteria grid and of the rotation's ranking."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from cercle.missions.selectors.rotation import Candidate, rank_panel
from cercle.missions.services.requests_qualification import criteria_clean

weights = st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=12)


@given(weights)
def test_a_grid_is_accepted_iff_its_weights_sum_to_exactly_100(values: list[int]) -> None:
    rows = [{"name": f"Critère {i}", "weight": w} for i, w in enumerate(values)]
    if sum(values) == 100:
        assert [c.weight for c in criteria_clean(rows)] == values
    else:
        with pytest.raises(ValidationError):
            criteria_clean(rows)


@given(st.lists(st.integers(min_value=1, max_value=100), min_size=2, max_size=6))
def test_two_price_criteria_are_always_refused(values: list[int]) -> None:
    rows = [{"name": f"C{i}", "weight": w, "is_price": i < 2} for i, w in enumerate(values)]
    with pytest.raises(ValidationError):
        criteria_clean(rows)


START = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)

candidates = st.lists(
    st.builds(
        Candidate,
        person_id=st.integers(min_value=1, max_value=10_000),
        first_name=st.sampled_from(["Lou", "Inès", "Yann", "Zoé"]),
        last_name=st.sampled_from(["Martin", "Lefort", "Nguyen", "Abadie"]),
        slug=st.just("x"),
        circle_joined_at=st.integers(min_value=0, max_value=2000).map(
            lambda d: START + datetime.timedelta(days=d)
        ),
        missions_12m=st.integers(min_value=0, max_value=8),
    ),
    max_size=30,
    unique_by=lambda c: c.person_id,
)


@given(candidates, st.integers(min_value=0, max_value=10))
def test_the_panel_never_holds_someone_busier_than_a_fitting_person_left_out(
    people: list[Candidate], size: int
) -> None:
    panel = rank_panel(people, size)
    assert len(panel) == min(size, len(people))
    left_out = [c for c in people if c not in panel]
    for chosen in panel:
        for other in left_out:
            assert chosen.missions_12m <= other.missions_12m
            if chosen.missions_12m == other.missions_12m:
                assert chosen.circle_joined_at >= other.circle_joined_at
