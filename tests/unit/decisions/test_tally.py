"""The pure tally: counts, shares, Borda points, meeting answers, exclusions."""

from __future__ import annotations

from decimal import Decimal

from cercle.decisions.tally import Ballot, OptionSpec, largest_remainder, tally

CONSENT = [
    OptionSpec(1, "agree", "Agree"),
    OptionSpec(2, "abstain", "Abstain"),
    OptionSpec(3, "disagree", "Disagree"),
    OptionSpec(4, "block", "Block"),
]
POLL = [OptionSpec(1, "o1", "A"), OptionSpec(2, "o2", "B"), OptionSpec(3, "o3", "C")]


def test_consent_counts_and_shares_sum_to_100() -> None:
    votes = [Ballot(v, {1: 1}) for v in (1, 2)] + [Ballot(3, {3: 1})]
    result = tally("proposal", CONSENT, votes)
    assert [o.count for o in result.options] == [2, 0, 1, 0]
    assert [o.percent for o in result.options] == [
        Decimal("66.7"),
        Decimal("0.0"),
        Decimal("33.3"),
        Decimal("0.0"),
    ]
    assert result.percent_total == Decimal("100.0")


def test_the_latest_ballot_counts_and_excluded_people_do_not() -> None:
    votes = [Ballot(1, {1: 1}), Ballot(2, {4: 1}), Ballot(1, {3: 1})]
    result = tally("proposal", CONSENT, votes, excluded_people=[2])
    assert result.counted_voters == 1
    assert result.by_key()["disagree"].count == 1
    assert result.by_key()["block"].count == 0


def test_ranked_choice_borda_points_and_tie_break() -> None:
    votes = [Ballot(1, {1: 1, 2: 2}), Ballot(2, {2: 1, 1: 2})]
    result = tally("ranked_choice", POLL, votes)
    assert [o.points for o in result.options] == [5, 5, 0]
    assert [o.firsts for o in result.options] == [1, 1, 0]
    assert result.ranking()[0].key == "o1"  # ties keep the options' order


def test_meeting_answers_and_score_averages() -> None:
    meeting = tally("meeting", POLL[:2], [Ballot(1, {1: 2, 2: 0}), Ballot(2, {1: 1, 2: 2})])
    first = meeting.options[0]
    assert (first.yes, first.if_need_be, first.no, first.count) == (1, 1, 0, 2)
    assert first.percent == Decimal("100.0")
    score = tally("score", POLL, [Ballot(1, {1: 5, 2: 2}), Ballot(2, {1: 4})])
    assert score.options[0].average == Decimal("4.50")
    assert score.options[1].average == Decimal("2.00")
    assert score.options[2].average is None


def test_no_votes_give_zeros() -> None:
    result = tally("dot_vote", POLL, [])
    assert result.counted_voters == 0
    assert result.percent_total == Decimal("0.0")
    assert largest_remainder([1, 1, 1]) == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]
