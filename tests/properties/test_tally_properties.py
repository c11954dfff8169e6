"""Properties of `decisions.tally`: counts and percentages agree with the ballots.

No database: ballots are random, for every kind of poll.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cercle.decisions.tally import (
    EXCLUSIVE_KINDS,
    POINT_KINDS,
    Ballot,
    OptionSpec,
    largest_remainder,
    latest_ballots,
    tally,
)

OPTIONS = [OptionSpec(id=i, key=f"o{i}", label=f"Option {i}") for i in range(1, 6)]
IDS = [o.id for o in OPTIONS]


def _ballot(kind: str, voter: int, draw: st.DrawFn) -> Ballot:
    if kind in EXCLUSIVE_KINDS:
        return Ballot(voter, {draw(st.sampled_from(IDS)): 1})
    if kind == "multiple_choice":
        picked = draw(st.sets(st.sampled_from(IDS), min_size=1))
        return Ballot(voter, dict.fromkeys(picked, 1))
    if kind == "ranked_choice":
        order = draw(st.permutations(IDS))
        size = draw(st.integers(1, len(IDS)))
        return Ballot(voter, {o: r for r, o in enumerate(order[:size], start=1)})
    if kind == "meeting":
        return Ballot(voter, {o: draw(st.integers(0, 2)) for o in IDS})
    if kind == "dot_vote":
        return Ballot(voter, {o: draw(st.integers(0, 4)) for o in IDS})
    return Ballot(voter, {o: draw(st.integers(0, 5)) for o in IDS})


KINDS = [
    "proposal",
    "objection",
    "single_choice",
    "multiple_choice",
    "score",
    "ranked_choice",
    "dot_vote",
    "meeting",
]


@st.composite
def ballots(draw: st.DrawFn) -> tuple[str, list[Ballot], set[int]]:
    kind = draw(st.sampled_from(KINDS))
    voters = draw(st.lists(st.integers(1, 12), max_size=40))  # repeats are vote changes
    excluded = draw(st.sets(st.integers(1, 12), max_size=4))
    return kind, [_ballot(kind, v, draw) for v in voters], excluded


@given(ballots())
def test_counts_agree_with_the_latest_ballots_of_people_counted(
    case: tuple[str, list[Ballot], set[int]],
) -> None:
    kind, votes, excluded = case
    result = tally(kind, OPTIONS, votes, excluded)
    latest = {b.voter_id: b for b in votes if b.voter_id not in excluded}
    assert result.counted_voters == len(latest)
    for option in result.options:
        chosen = [b.choices[option.id] for b in latest.values() if option.id in b.choices]
        assert sum(option.breakdown.values()) == len(chosen)
        assert option.count <= result.counted_voters
    if kind in EXCLUSIVE_KINDS:
        assert sum(o.count for o in result.options) == result.counted_voters


@given(ballots())
def test_percentages_sum_to_100_where_they_share_a_whole(
    case: tuple[str, list[Ballot], set[int]],
) -> None:
    kind, votes, excluded = case
    result = tally(kind, OPTIONS, votes, excluded)
    total = result.percent_total
    if kind in EXCLUSIVE_KINDS:
        assert total == (Decimal("100.0") if result.counted_voters else Decimal("0.0"))
    elif kind in POINT_KINDS:
        assert total in (Decimal("0.0"), Decimal("100.0"))
    for option in result.options:
        assert Decimal("0.0") <= option.percent <= Decimal("100.0")


@given(ballots())
def test_people_standing_aside_are_never_counted(
    case: tuple[str, list[Ballot], set[int]],
) -> None:
    kind, votes, excluded = case
    with_them = tally(kind, OPTIONS, votes, excluded)
    without_their_ballots = tally(kind, OPTIONS, [b for b in votes if b.voter_id not in excluded])
    assert with_them == without_their_ballots


@given(ballots())
def test_only_the_latest_ballot_of_each_person_counts(
    case: tuple[str, list[Ballot], set[int]],
) -> None:
    kind, votes, excluded = case
    latest = list(latest_ballots(votes, excluded).values())
    assert tally(kind, OPTIONS, votes, excluded) == tally(kind, OPTIONS, latest)


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=12))
def test_largest_remainder_sums_to_100_and_stays_within_a_tenth(parts: list[int]) -> None:
    shares = largest_remainder(parts)
    whole = sum(parts)
    if whole == 0:
        assert set(shares) == {Decimal("0.0")}
        return
    assert sum(shares) == Decimal("100.0")
    for part, share in zip(parts, shares, strict=True):
        exact = Decimal(part) * 100 / Decimal(whole)
        assert abs(share - exact) < Decimal("0.1")


@given(ballots())
def test_ranked_points_are_borda_like(case: tuple[str, list[Ballot], set[int]]) -> None:
    _kind, votes, excluded = case
    ranked = [
        Ballot(b.voter_id, {o: r for r, o in enumerate(sorted(b.choices), start=1)}) for b in votes
    ]
    result = tally("ranked_choice", OPTIONS, ranked, excluded)
    expected: Counter[int] = Counter()
    for ballot in latest_ballots(ranked, excluded).values():
        for option_id, rank in ballot.choices.items():
            expected[option_id] += len(OPTIONS) - rank + 1
    assert {o.id: o.points for o in result.options} == {i: expected[i] for i in IDS}
