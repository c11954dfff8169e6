""" "The circle" means people with an open period in the circle, nobody else.

`circle_memberships__ended_at__isnull=True` across the reverse relation is a LEFT JOIN:
it is also true for a person who was never in the circle. Three reads used it: the
announcement of a new request (told every user of the site), the announcement of a
started mission, and the people a tender's consortium form offers (the whole network).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from cercle.core.models import Notification
from cercle.membership.models import CircleMembership
from cercle.missions.selectors.tenders import tender_people_choices
from cercle.missions.services import follow_up
from cercle.missions.services.requests import request_announce
from cercle.network.models import Person
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import (
    MissionFactory,
    OfferFactory,
    QualifiedRequestFactory,
    TeamFactory,
    consultant,
)
from tests.factories.network import PersonFactory

pytestmark = pytest.mark.django_db


def _people() -> dict[str, Person]:
    excluded = consultant(last_name="Sortie-Cercle")
    CircleMembership.objects.filter(person=excluded).update(
        ended_at=timezone.now(), end_reason="excluded"
    )
    return {
        "in_circle": consultant(last_name="Dans-Cercle"),
        "outsider": PersonFactory(last_name="Juste-Inscrit"),
        "sympathisant": MemberFactory(last_name="Simple-Adherent"),
        "excluded": excluded,
    }


def test_a_new_request_is_announced_to_the_circle_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    people = _people()
    support_request = QualifiedRequestFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request_announce(support_request, actor=None)
    told = set(
        Notification.objects.filter(url=support_request.get_absolute_url()).values_list(
            "user_id", flat=True
        )
    )
    assert people["in_circle"].user_id in told
    for key in ("outsider", "sympathisant", "excluded"):
        assert people[key].user_id not in told, key


def test_a_started_mission_is_announced_to_the_rest_of_the_circle_only() -> None:
    people = _people()
    team = TeamFactory(lead=consultant())
    mission = MissionFactory(offer=OfferFactory(team=team, request=team.request))
    users = {user.pk for user in follow_up._circle_users_except(mission)}
    assert people["in_circle"].user_id in users
    assert team.lead.user_id not in users
    for key in ("outsider", "sympathisant", "excluded"):
        assert people[key].user_id not in users, key


def test_a_consortium_form_offers_circle_members_only() -> None:
    people = _people()
    slugs = {slug for slug, _ in tender_people_choices()}
    assert people["in_circle"].slug in slugs
    for key in ("outsider", "sympathisant", "excluded"):
        assert people[key].slug not in slugs, key
