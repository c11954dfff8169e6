"""Teams and offers under concurrency.

- A consultant invited to two teams of one request accepts both at the same moment:
  one acceptance holds (one team per consultant and request).
- Each team's lead submits twice at once (a double click), or withdraws the live offer
  while submitting a new one: a team never has two live offers, labels stay unique on
  the request, and every successful submission and withdrawal is journaled once."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cercle.core.errors import Conflict
from cercle.missions.enums import MemberStatus, OfferStatus, TeamRole
from cercle.missions.models import Offer, TeamMember
from cercle.missions.services.offers import offer_submit, offer_withdraw
from cercle.missions.services.teams import team_member_accept
from tests.concurrency.race import (
    assert_books_and_journal_hold,
    journal_count,
    kinds,
    together,
    unexpected,
    workers,
)
from tests.factories.missions import QualifiedRequestFactory, TeamFactory, add_member, consultant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("concurrency")]


def submit(team: Any) -> Any:
    return lambda: offer_submit(
        actor=team.lead.user,
        team=team,
        price_ht="9800",
        days="14",
        method="Ateliers avec la communauté du lieu.",
    )


def test_simultaneous_acceptances_submissions_and_withdrawals_never_duplicate() -> None:
    n = workers()
    request = QualifiedRequestFactory()
    teams = [TeamFactory(request=request) for _ in range(n // 2)]

    # One team per consultant: each invited to two teams, accepting both at once.
    invited = [consultant() for _ in range(n // 2)]
    invitations = []
    for i, person in enumerate(invited):
        for team in (teams[i], teams[(i + 1) % len(teams)]):
            invitations.append(
                add_member(team, person, role=TeamRole.CO_CONTRACTOR, status=MemberStatus.INVITED)
            )
    accepted_before = journal_count("team.member_accepted")
    # Each attempt loads the invitation afresh, as a request does (SQLite retries).
    outcomes = together(
        [
            lambda m=m: team_member_accept(
                actor=m.person.user, member=TeamMember.objects.get(pk=m.pk)
            )
            for m in invitations
        ]
    )
    assert unexpected(outcomes, ValidationError) == []
    assert kinds(outcomes) == {"ok": len(invited), "ValidationError": len(invited)}
    accepted = TeamMember.objects.filter(
        request=request, person__in=invited, status=MemberStatus.ACCEPTED
    )
    assert Counter(accepted.values_list("person_id", flat=True)) == {p.pk: 1 for p in invited}
    assert journal_count("team.member_accepted") - accepted_before == len(invited)

    # Offers: half the teams have a live offer, which one worker withdraws while another
    # submits a new one; the other half submit twice at once.
    with_offer, without = teams[: len(teams) // 2], teams[len(teams) // 2 :]
    live = {team.pk: submit(team)() for team in with_offer}
    submitted_before = journal_count("offer.submitted")
    withdrawn_before = journal_count("offer.withdrawn")
    calls = []
    for team in with_offer:
        calls += [lambda o=live[team.pk], t=team: offer_withdraw(actor=t.lead.user, offer=o)]
        calls += [submit(team)]
    for team in without:
        calls += [submit(team), submit(team)]
    outcomes = together(calls)

    assert unexpected(outcomes, Conflict) == []
    ok_submissions = sum(
        1 for o in outcomes if o.ok and isinstance(o.value, Offer) and o.value.withdrawn_at is None
    )
    ok_withdrawals = sum(1 for o in outcomes if o.ok and o.value.withdrawn_at is not None)
    assert ok_withdrawals == len(with_offer)  # nothing else withdraws those offers
    # A team without an offer gets exactly one of its two submissions.
    assert ok_submissions >= len(without)
    offers = Offer.objects.filter(request=request)
    live_now = Counter(offers.filter(status=OfferStatus.SUBMITTED).values_list("team", flat=True))
    assert all(count == 1 for count in live_now.values()), live_now
    assert set(live_now) >= {t.pk for t in without}
    labels = list(offers.values_list("label", flat=True))
    assert len(labels) == len(set(labels)) == len(with_offer) + ok_submissions
    assert journal_count("offer.submitted") - submitted_before == ok_submissions
    assert journal_count("offer.withdrawn") - withdrawn_before == ok_withdrawals
    assert all(o.price_ht == Decimal("9800.00") for o in offers)
    assert_books_and_journal_hold()
