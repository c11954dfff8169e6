"""The concentration figures from missions in the database."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cercle.core.errors import NotAllowed
from cercle.membership.models import CircleMembership
from cercle.missions.enums import MemberStatus
from cercle.missions.selectors import transparency
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import (
    MissionFactory,
    OfferFactory,
    QualifiedRequestFactory,
    TeamFactory,
    add_member,
    consultant,
)
from tests.factories.network import PersonFactory

pytestmark = pytest.mark.django_db


def award(lead: Any, amount: str, *, others: tuple[Any, ...] = (), days_ago: int = 10) -> Any:
    team = TeamFactory(lead=lead, request=QualifiedRequestFactory())
    for person in others:
        add_member(team, person)
    offer = OfferFactory(team=team, price_ht=Decimal(amount))
    return MissionFactory(
        offer=offer,
        amount_ht=Decimal(amount),
        awarded_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_value_is_split_equally_and_shares_and_index_follow() -> None:
    alice, bruno, chloe = consultant(), consultant(), consultant()
    award(alice, "10000.00", others=(bruno,))  # 5,000 each
    award(chloe, "10000.01")
    figures = transparency.concentration(actor=alice.user)
    rows = {r.person_id: r for r in figures.rows}
    assert figures.missions == 2
    assert figures.total_value == Decimal("20000.01")
    assert rows[chloe.pk].value == Decimal("10000.01")
    assert rows[alice.pk].value + rows[bruno.pk].value == Decimal("10000.00")
    assert figures.rows[0].person_id == chloe.pk
    assert rows[alice.pk].mission_share == Decimal("50.00")
    assert sum(r.value_share for r in figures.rows) == Decimal("100.00")
    # Shares 50 / 25 / 25 → 2,500 + 625 + 625.
    assert figures.hhi in (3749, 3750)
    assert figures.top3_share == Decimal("100.00")


def test_missions_before_the_period_and_unaccepted_members_do_not_count() -> None:
    alice, invited = consultant(), consultant()
    award(alice, "4000.00", days_ago=400)
    mission = award(alice, "6000.00")
    add_member(mission.team, invited, status=MemberStatus.INVITED)
    figures = transparency.concentration(actor=alice.user)
    assert [(r.person_id, r.value) for r in figures.rows] == [(alice.pk, Decimal("6000.00"))]
    assert figures.hhi == 10_000
    older = transparency.concentration(
        actor=alice.user, since=timezone.now() - datetime.timedelta(days=500)
    )
    assert older.total_value == Decimal("10000.00")


def test_newcomers_share() -> None:
    veteran, newcomer = consultant(), consultant()
    # The veteran joined long ago and had a mission before the period.
    CircleMembership.objects.filter(person=veteran).update(
        joined_at=timezone.now() - datetime.timedelta(days=900)
    )
    award(veteran, "1000.00", days_ago=500)
    award(veteran, "3000.00")
    award(newcomer, "1000.00")
    figures = transparency.concentration(actor=veteran.user)
    assert figures.newcomers_value_share == Decimal("25.00")
    assert figures.missions_with_newcomers == 1


def test_an_empty_period_has_no_index() -> None:
    figures = transparency.concentration(actor=MemberFactory().user)
    assert figures.missions == 0
    assert figures.hhi is None
    assert figures.rows == []


def test_only_members_see_the_concentration() -> None:
    with pytest.raises(NotAllowed):
        transparency.concentration(actor=PersonFactory().user)


def test_since_must_be_a_past_date() -> None:
    with pytest.raises(ValidationError):
        transparency.since_from_date(timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        transparency.since_from_date(datetime.date(1999, 12, 31))
    assert transparency.since_from_date(None) is None


def test_chart_bars_group_the_tail() -> None:
    rows = [
        transparency.MemberRow(
            person_id=i, slug=f"p{i}", name=f"P {i}", value=Decimal(1), value_share=Decimal(5)
        )
        for i in range(20)
    ]
    bars = transparency.chart_bars(rows, limit=15, width=400)
    assert len(bars) == 16
    assert bars[-1].share == Decimal(25)
    assert max(b.width for b in bars) == Decimal(400)
