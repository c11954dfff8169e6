"""The rotation: who is asked to look at a request."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from cercle.membership.models import CircleMembership
from cercle.missions.models import PanelInvitation
from cercle.missions.selectors.rotation import Candidate, rank_panel, rotation_panel
from cercle.missions.services.rotation import panel_invite
from tests.factories.missions import (
    MissionFactory,
    OfferFactory,
    SupportRequestFactory,
    TeamFactory,
    consultant,
)
from tests.factories.network import (
    OrganizationFactory,
    OrganizationMembershipFactory,
    SkillFactory,
)

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def cand(pid: int, missions: int, days_ago: int, last: str = "Martin") -> Candidate:
    return Candidate(
        person_id=pid,
        first_name="Lou",
        last_name=last,
        slug=f"p{pid}",
        circle_joined_at=NOW - datetime.timedelta(days=days_ago),
        missions_12m=missions,
    )


def test_rank_fewest_missions_then_newcomers_then_name() -> None:
    ranked = rank_panel(
        [
            cand(1, 2, 1),
            cand(2, 0, 300),
            cand(3, 0, 10, "Bernard"),
            cand(4, 0, 10, "André"),
            cand(5, 1, 1),
        ],
        size=4,
    )
    assert [c.person_id for c in ranked] == [4, 3, 2, 5]


def test_rank_of_nobody_or_size_zero() -> None:
    assert rank_panel([], 5) == []
    assert rank_panel([cand(1, 0, 1)], 0) == []


@pytest.mark.django_db
def test_panel_fits_skills_excludes_client_people_and_former_members() -> None:
    skill, other = SkillFactory(), SkillFactory()
    busy = consultant(skills=[skill])
    fresh = consultant(skills=[skill])
    unrelated = consultant(skills=[other])
    former = consultant(skills=[skill])
    CircleMembership.objects.filter(person=former).update(
        ended_at=timezone.now(), end_reason="left"
    )
    client = OrganizationFactory()
    insider = consultant(skills=[skill])
    OrganizationMembershipFactory(organization=client, person=insider)
    MissionFactory(offer=OfferFactory(team=TeamFactory(lead=busy)))
    support_request = SupportRequestFactory(skills=[skill], client_organization=client)
    panel = rotation_panel(support_request)
    assert [c.person_id for c in panel] == [fresh.pk, busy.pk]
    assert [c.missions_12m for c in panel] == [0, 1]
    assert unrelated.pk not in {c.person_id for c in panel}


@pytest.mark.django_db
def test_request_without_skills_asks_every_circle_member() -> None:
    people = [consultant(skills=[SkillFactory()]) for _ in range(3)]
    panel = rotation_panel(SupportRequestFactory(), size=10)
    assert {c.person_id for c in panel} == {p.pk for p in people}


@pytest.mark.django_db
def test_panel_invite_stores_each_person_once(django_capture_on_commit_callbacks: Any) -> None:
    consultant()
    consultant()
    support_request = SupportRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = panel_invite(support_request=support_request)
    again = panel_invite(support_request=support_request)
    assert len(first) == 2
    assert again == []
    assert PanelInvitation.objects.filter(request=support_request).count() == 2


@pytest.mark.django_db
def test_rotation_query_count_is_bounded(django_assert_max_num_queries: Any) -> None:
    skill = SkillFactory()
    for _ in range(8):
        consultant(skills=[skill])
    support_request = SupportRequestFactory(skills=[skill])
    support_request.refresh_from_db()
    with django_assert_max_num_queries(3):
        assert len(rotation_panel(support_request)) == 5
