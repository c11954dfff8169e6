"""Counting votes: pure functions, no database.

Pages, the API, the demo and the Loomio import's tests all count through here, so a
result reads the same everywhere. Two entry points give the same `Tally`:

- `tally(kind, options, votes, excluded_people)` from ballots (one per person: a later
  ballot of the same person replaces an earlier one, so the latest one counts);
- `tally_from_counts(kind, options, rows, counted_voters)` from rows already aggregated
  by the database (`option, value, how many`), which is what the proposal page uses so
  that 1,000 votes cost one query, not 1,000 objects.

Values, per kind (what `VoteChoice.value` holds):
- consent forms, single and multiple choice: 1 for a chosen option;
- score: the score given (0..max_score);
- ranked choice: the rank (1 = first choice); a partial ranking leaves options out;
- dot vote: the number of dots put on the option;
- meeting time: 2 = yes, 1 = if need be, 0 = no (`MEETING_YES`, `MEETING_IF_NEED_BE`,
  `MEETING_NO`).

Percentages (Decimal, one decimal place):
- exclusive kinds (consent, objection, single choice): each option's voters over the
  counted voters, rounded by largest remainder so that they sum to exactly 100.0
  whenever someone was counted;
- multiple choice and meeting time: each option's voters over the counted voters,
  rounded half up on its own (a voter picks several, so the sum exceeds 100);
- score, ranked choice and dot vote: each option's points over all points given (the
  score's sum, the Borda points, the dots), by largest remainder, summing to 100.0
  when any point was given.

Ranked choice is counted Borda-like: with n options, rank r earns n - r + 1 points
(first = n points, last = 1), an option left unranked earns nothing. Options are then
ordered by points, then by how many voters put them first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

# The three answers of a meeting-time poll, as stored values.
MEETING_NO = 0
MEETING_IF_NEED_BE = 1
MEETING_YES = 2

EXCLUSIVE_KINDS = frozenset({"proposal", "objection", "single_choice"})
VOTER_SHARE_KINDS = frozenset({"multiple_choice", "meeting"})
POINT_KINDS = frozenset({"score", "ranked_choice", "dot_vote"})

TENTH = Decimal("0.1")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class OptionSpec:
    """An option as the tally needs it: an identifier (the option's primary key), a
    key (fixed for consent forms) and a label."""

    id: int
    key: str = ""
    label: str = ""


@dataclass(frozen=True)
class Ballot:
    """One person's vote: the options chosen, each with its value."""

    voter_id: int
    choices: Mapping[int, int]


@dataclass
class OptionResult:
    id: int
    key: str
    label: str
    # Counted voters who chose the option (meeting time: yes or if need be; score: who
    # scored it, 0 included).
    count: int = 0
    # The sum of values: score total, dots, Borda points; for meeting time, yes = 2,
    # if need be = 1.
    points: int = 0
    # Score: the average score of those who scored it; ranked: the average rank.
    average: Decimal | None = None
    percent: Decimal = Decimal("0.0")
    # How many voters gave each value (meeting time: {2: yes, 1: if need be, 0: no};
    # ranked: {rank: voters}).
    breakdown: dict[int, int] = field(default_factory=dict)
    # Ranked choice: voters who ranked it first (the tie-break).
    firsts: int = 0

    # A meeting-time poll's answers, for display.
    @property
    def yes(self) -> int:
        return self.breakdown.get(MEETING_YES, 0)

    @property
    def if_need_be(self) -> int:
        return self.breakdown.get(MEETING_IF_NEED_BE, 0)

    @property
    def no(self) -> int:
        return self.breakdown.get(MEETING_NO, 0)


@dataclass
class Tally:
    kind: str
    counted_voters: int
    options: list[OptionResult]

    def by_key(self) -> dict[str, OptionResult]:
        return {o.key: o for o in self.options if o.key}

    def ranking(self) -> list[OptionResult]:
        """Options from most to least supported (ties keep the options' order)."""
        if self.kind == "ranked_choice":
            return sorted(self.options, key=lambda o: (-o.points, -o.firsts))
        if self.kind in POINT_KINDS or self.kind == "meeting":
            return sorted(self.options, key=lambda o: (-o.points, -o.count))
        return sorted(self.options, key=lambda o: -o.count)

    @property
    def percent_total(self) -> Decimal:
        return sum((o.percent for o in self.options), Decimal("0.0"))


def latest_ballots(
    votes: Iterable[Ballot], excluded_people: Iterable[int] = ()
) -> dict[int, Ballot]:
    """One ballot per person, the last one given; people standing aside are left out."""
    excluded = set(excluded_people)
    latest: dict[int, Ballot] = {}
    for ballot in votes:
        if ballot.voter_id in excluded:
            continue
        latest[ballot.voter_id] = ballot
    return latest


def tally(
    kind: str,
    options: Sequence[OptionSpec],
    votes: Iterable[Ballot],
    excluded_people: Iterable[int] = (),
) -> Tally:
    """Count ballots given in the order they were cast (the latest per person counts)."""
    latest = latest_ballots(votes, excluded_people)
    known = {o.id for o in options}
    rows: Counter[tuple[int, int]] = Counter()
    for ballot in latest.values():
        for option_id, value in ballot.choices.items():
            if option_id in known:
                rows[(option_id, int(value))] += 1
    return tally_from_counts(kind, options, [(o, v, n) for (o, v), n in rows.items()], len(latest))


def tally_from_counts(
    kind: str,
    options: Sequence[OptionSpec],
    rows: Iterable[tuple[int, int, int]],
    counted_voters: int,
) -> Tally:
    """Count from `(option id, value, number of voters)` rows of counted votes only."""
    breakdown: dict[int, Counter[int]] = defaultdict(Counter)
    for option_id, value, number in rows:
        breakdown[option_id][int(value)] += int(number)
    n_options = len(options)
    results: list[OptionResult] = []
    for spec in options:
        values = breakdown.get(spec.id, Counter())
        result = OptionResult(
            id=spec.id, key=spec.key, label=spec.label, breakdown=dict(sorted(values.items()))
        )
        voters = sum(values.values())
        if kind == "meeting":
            result.count = sum(n for v, n in values.items() if v > MEETING_NO)
            result.points = sum(v * n for v, n in values.items())
        elif kind == "ranked_choice":
            result.count = voters
            result.points = sum(max(n_options - v + 1, 0) * n for v, n in values.items() if v > 0)
            result.firsts = values.get(1, 0)
            if voters:
                result.average = _average(sum(v * n for v, n in values.items()), voters)
        elif kind == "score":
            result.count = voters
            result.points = sum(v * n for v, n in values.items())
            if voters:
                result.average = _average(result.points, voters)
        elif kind == "dot_vote":
            result.count = sum(n for v, n in values.items() if v > 0)
            result.points = sum(v * n for v, n in values.items())
        else:
            result.count = sum(n for v, n in values.items() if v > 0)
            result.points = result.count
        results.append(result)
    _set_percentages(kind, results, counted_voters)
    return Tally(kind=kind, counted_voters=counted_voters, options=results)


def _average(total: int, voters: int) -> Decimal:
    return (Decimal(total) / Decimal(voters)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _set_percentages(kind: str, results: list[OptionResult], counted_voters: int) -> None:
    if kind in POINT_KINDS:
        shares = largest_remainder([r.points for r in results])
    elif kind in VOTER_SHARE_KINDS:
        shares = [_share(r.count, counted_voters) for r in results]
    else:
        shares = largest_remainder([r.count for r in results])
    for result, share in zip(results, shares, strict=True):
        result.percent = share


def _share(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal("0.0")
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def largest_remainder(parts: Sequence[int]) -> list[Decimal]:
    """Percentages to one decimal place summing to exactly 100.0 (all zero when the
    parts sum to zero): each share is cut down to a tenth, then the tenths left over go
    to the largest remainders, ties to the earlier option."""
    whole = sum(parts)
    if whole <= 0:
        return [Decimal("0.0") for _ in parts]
    exact = [Decimal(p) * HUNDRED / Decimal(whole) for p in parts]
    floors = [e.quantize(TENTH, rounding=ROUND_DOWN) for e in exact]
    left = int(((HUNDRED - sum(floors, Decimal(0))) / TENTH).to_integral_value())
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += TENTH
    return floors
