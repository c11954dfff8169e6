"""The suggestion's candidates come from the database with conflicts and rotation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cercle.missions.enums import MemberStatus
from cercle.missions.selectors.suggestion import (
    conflicted_people,
    load_candidates,
    suggestion_for_request,
)
from cercle.network.enums import Availability
from tests.factories.missions import (
    EvaluatorFactory,
    MissionFactory,
    OfferFactory,
    QualifiedRequestFactory,
    TeamFactory,
    add_member,
    consultant,
)
from tests.factories.network import (
    OrganizationFactory,
    OrganizationMembershipFactory,
    SkillFactory,
    StewardFactory,
)

pytestmark = pytest.mark.django_db


def test_conflicts_exclude_client_people_evaluators_and_people_in_a_team() -> None:
    skill = SkillFactory()
    org = OrganizationFactory()
    request = QualifiedRequestFactory(client_organization=org, skills=[skill])
    insider, judge, teamed, free = (consultant(skills=[skill]) for _ in range(4))
    OrganizationMembershipFactory(organization=org, person=insider)
    EvaluatorFactory(request=request, person=judge)
    team = TeamFactory(request=request, lead=consultant(skills=[skill]))
    add_member(team, teamed)
    invited_only = consultant(skills=[skill])
    add_member(team, invited_only, status=MemberStatus.INVITED)
    excluded = conflicted_people(request)
    assert {insider.pk, judge.pk, teamed.pk, team.lead_id} <= excluded
    assert free.pk not in excluded
    assert invited_only.pk not in excluded


def test_candidates_carry_skills_missions_rate_and_availability() -> None:
    wanted, other = SkillFactory(), SkillFactory()
    busy = consultant(skills=[wanted], day_rate=Decimal("750"))
    MissionFactory(offer=OfferFactory(team=TeamFactory(lead=busy)))
    away = consultant(skills=[wanted], availability=Availability.UNAVAILABLE)
    consultant(skills=[other])  # brings no required skill: not loaded
    request = QualifiedRequestFactory(skills=[wanted])
    loaded = load_candidates(support_request=request, required=[wanted.pk])
    by_key = {c.key: c for c in loaded.candidates}
    assert set(by_key) == {busy.pk, away.pk}
    assert by_key[busy.pk].missions_12m == 1
    assert by_key[busy.pk].day_rate == Decimal("750")
    assert by_key[busy.pk].skills == frozenset({wanted.pk})
    assert by_key[away.pk].availability == Availability.UNAVAILABLE


def test_rotation_prefers_the_newcomer(django_assert_max_num_queries: Any) -> None:
    skill = SkillFactory()
    veteran = consultant(skills=[skill])
    MissionFactory(offer=OfferFactory(team=TeamFactory(lead=veteran)))
    newcomer = consultant(skills=[skill])
    request = QualifiedRequestFactory(skills=[skill])
    steward = StewardFactory()
    with django_assert_max_num_queries(12):
        report = suggestion_for_request(actor=steward.user, support_request=request)
    assert [m.person for m in report.teams[0].members] == [newcomer]
    assert [m.person for m in report.teams[1].members] == [veteran]
    assert report.teams[1].members[0].missions_12m == 1
    assert report.final_status == "INFEASIBLE"


def test_candidate_loading_query_count_does_not_grow() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    skill = SkillFactory()
    request = QualifiedRequestFactory(skills=[skill])
    counts = []
    for n in (2, 30):
        for _ in range(n):
            consultant(skills=[skill])
        with CaptureQueriesContext(connection) as captured:
            load_candidates(support_request=request, required=[skill.pk])
        counts.append(len(captured))
    assert counts[0] == counts[1]
