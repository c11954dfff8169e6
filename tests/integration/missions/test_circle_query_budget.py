"""The circle's busiest pages stay within the query budget of issue 6 (at most 15 SQL
queries, the same with few and many rows): the evaluation (page and API) and the request
detail with its offers (page and API). And the reads that save queries say the same as
the ones they replace."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from cercle.missions.conflicts import conflict_reasons
from cercle.missions.enums import MemberStatus, OfferStatus
from cercle.missions.models import Award, Offer, Positioning, Team, TeamMember
from cercle.missions.selectors import offers as offer_selectors
from cercle.missions.selectors import selection as selection_selectors
from cercle.missions.selectors import teams as team_selectors
from cercle.missions.services import selection as services
from cercle.network.models import OrganizationMembership
from tests.factories.missions import (
    OfferFactory,
    QualifiedRequestFactory,
    SupportRequestFactory,
    TeamFactory,
    add_member,
    consultant,
)
from tests.factories.network import (
    OrganizationFactory,
    OrganizationMembershipFactory,
    StewardFactory,
)
from tests.integration.core.conftest import bearer, logged_in, token_secret
from tests.unit.missions.test_selection_builders import all_marks, no_ties, selection

pytestmark = pytest.mark.django_db

BUDGET = 15
API = "/api/v1"


def count(client: Client, url: str, **extra: Any) -> int:
    client.get(url, **extra)  # the first request fills the per-process caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:300]
    return len(context.captured_queries)


def scored_selection(offers: int) -> Any:
    """A delegated selection past its deadline; each team has a second member in an
    organization; the evaluator declared no tie and marked every offer but the last."""
    s = selection(offers=offers, evaluators=1)
    for team in s.teams:
        partner = consultant()
        add_member(team, partner)
        OrganizationMembershipFactory(person=partner, organization=OrganizationFactory())
    e = s.evaluators[0]
    services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
    marks = {key: "7" for key in all_marks(s) if key[0] != s.offers[-1].label}
    services.score_set(actor=e.person.user, evaluator=e, marks=marks)
    return s


def evaluation_counts(offers: int, *, client_organization: bool = False) -> tuple[int, int]:
    s = scored_selection(offers)
    if client_organization:
        # The conflict check asks about the client's organization only when there is one:
        # it must cost no extra query (the bench's scale-1 request had one: 16 queries).
        s.request.client_organization = OrganizationFactory()
        s.request.save(update_fields=["client_organization"])
    person = s.evaluators[0].person
    html = count(logged_in(person), f"/demandes/{s.request.uuid}/evaluation/")
    headers = bearer(token_secret(person))
    api = count(Client(), f"{API}/requests/{s.request.uuid}/evaluation", **headers)
    return html, api


def test_evaluation_page_and_api_make_at_most_15_queries_with_3_or_40_offers() -> None:
    few, many = evaluation_counts(3), evaluation_counts(40, client_organization=True)
    assert few == many
    assert max(many) <= BUDGET


def test_the_organization_conflicts_are_one_query_with_or_without_a_client() -> None:
    """Both organization reasons come from one query; each person gets exactly theirs."""
    s = selection(offers=2, evaluators=0)
    shared, client, elsewhere = (OrganizationFactory() for _ in range(3))
    OrganizationMembershipFactory(organization=shared, person=s.teams[0].lead)
    colleague, client_side, both, neutral = (consultant() for _ in range(4))
    OrganizationMembershipFactory(organization=shared, person=colleague)
    OrganizationMembershipFactory(organization=client, person=client_side)
    OrganizationMembershipFactory(organization=shared, person=both)
    OrganizationMembershipFactory(organization=client, person=both)
    OrganizationMembershipFactory(organization=elsewhere, person=neutral)
    same = "belongs to the same organization as a member of a bidding team"
    of_client = "belongs to the client organization"

    def reasons(person: Any) -> tuple[list[str], int]:
        with CaptureQueriesContext(connection) as context, override("en"):
            found = conflict_reasons(person, s.request)
        return found, len(context.captured_queries)

    without = {p.pk: reasons(p) for p in (colleague, client_side, both, neutral)}
    s.request.client_organization = client
    s.request.save(update_fields=["client_organization"])
    with_client = {p.pk: reasons(p) for p in (colleague, client_side, both, neutral)}
    assert {n for _r, n in without.values()} == {n for _r, n in with_client.values()} == {4}
    assert without[colleague.pk][0] == with_client[colleague.pk][0] == [same]
    assert without[client_side.pk][0] == without[neutral.pk][0] == []
    assert with_client[client_side.pk][0] == [of_client]
    assert without[both.pk][0] == [same]
    assert with_client[both.pk][0] == [same, of_client]
    assert with_client[neutral.pk][0] == []


def test_evaluation_sheet_lists_the_missing_marks_like_the_submission_check() -> None:
    s = scored_selection(4)
    e = s.evaluators[0]
    sheet = selection_selectors.evaluation_sheet(request=s.request, evaluator=e)
    assert sheet.missing() == services.missing_marks(e)
    assert len(sheet.missing()) == 2  # the last offer, on the two non-price criteria
    assert {label for label, _position, _score in sheet.marks_by_position()} == {
        o.label for o in s.offers[:-1]
    }


def test_identity_terms_are_the_same_with_teams_loaded_or_not() -> None:
    s = scored_selection(3)
    loaded = list(selection_selectors.submitted_offers(request=s.request))
    bare = list(Offer.objects.filter(pk__in=[o.pk for o in loaded]))
    assert offer_selectors.identity_terms(loaded) == offer_selectors.identity_terms(bare)
    terms = offer_selectors.identity_terms(loaded)
    for offer in loaded:
        team = offer.team
        people = [m.person for m in team.members.select_related("person")]
        names = [p.full_name for p in people]
        organizations = list(
            OrganizationMembership.objects.filter(person__in=people).values_list(
                "organization__name", flat=True
            )
        )
        assert organizations
        assert team.name in terms[offer.pk]
        assert set(names) <= set(terms[offer.pk])
        assert set(organizations) <= set(terms[offer.pk])
        others = [t.name for t in s.teams if t.pk != team.pk]
        assert not set(others) & set(terms[offer.pk])


# ---------------------------------------------------------------- request detail


def busy_request(offers: int) -> Any:
    """A qualified request with `offers` submitted offers, a dissolved team, positionings."""
    request = QualifiedRequestFactory()
    made = [OfferFactory(team=TeamFactory(request=request)) for _ in range(offers)]
    gone = TeamFactory(request=request)
    Team.objects.filter(pk=gone.pk).update(dissolved_at=timezone.now())
    for person in (consultant(), consultant()):
        Positioning.objects.create(request=request, person=person)
    return request, made


def detail_counts(offers: int) -> tuple[int, int, int]:
    request, made = busy_request(offers)
    lead = made[0].team.lead
    url = f"/demandes/{request.uuid}/"
    steward = StewardFactory()
    headers = bearer(token_secret(steward))
    return (
        count(logged_in(steward), url),
        count(logged_in(lead), url),
        count(Client(), f"{API}/requests/{request.uuid}/offers", **headers),
    )


def test_request_detail_page_and_offers_api_make_at_most_15_queries_with_3_or_50_offers() -> None:
    few, many = detail_counts(3), detail_counts(50)
    assert few == many
    assert max(many) <= BUDGET


def test_offers_seen_from_the_teams_read_once_match_the_policy() -> None:
    """What each person sees of the offers is the same whether the request page derives
    it from the teams it read or the policy reads it itself."""
    request, made = busy_request(3)
    first, second = made[0].team, made[1].team
    member = consultant()
    add_member(second, member)
    invited = consultant()
    add_member(second, invited, status=MemberStatus.INVITED)
    dissolved = TeamFactory(request=request)
    withdrawn = OfferFactory(team=dissolved, status=OfferStatus.WITHDRAWN)
    Team.objects.filter(pk=dissolved.pk).update(dissolved_at=timezone.now())
    TeamMember.objects.filter(team=dissolved).update(status=MemberStatus.LEFT)
    Award.objects.create(
        request=request,
        offer=made[2],
        mode=request.selection_mode,
        decided_by=StewardFactory(),
        reasons="Le mieux noté.",
        awarded_at=timezone.now(),
    )
    people = [first.lead, member, invited, dissolved.lead, consultant(), StewardFactory()]
    assert withdrawn.pk
    for person in people:
        user = person.user
        rows = team_selectors.request_teams(actor=user, support_request=request, person=person)
        derived = offer_selectors.offers_view(actor=user, support_request=request, teams=rows)
        direct = offer_selectors.offers_view(actor=user, support_request=request)
        assert derived.audience == direct.audience, person
        assert derived.own_team == direct.own_team
        assert [(v.offer.pk, v.access) for v in derived.visible] == [
            (v.offer.pk, v.access) for v in direct.visible
        ]
        assert derived.can_submit == direct.can_submit
        mine = team_selectors.my_team(person=person, support_request=request)
        assert team_selectors.accepted_team(rows) == mine
        standing = list(team_selectors.team_list(actor=user, support_request=request))
        assert team_selectors.standing(rows) == standing


# ---------------------------------------------------------------- request list


def test_request_list_reads_its_page_through_the_newest_first_index() -> None:
    """The list is ordered newest first: the database walks `missions_request_newest` and
    stops after a page instead of sorting every request (72 ms -> 0.3 ms at scale 1)."""
    from cercle.missions.selectors import requests as request_selectors

    for _ in range(30):
        SupportRequestFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    steward = StewardFactory()
    page = request_selectors.request_list(actor=steward.user)[:25]
    sql, params = page.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # few rows: plan as at scale
        cursor.execute(prefix + sql, params)
        plan = " ".join(str(part) for row in cursor.fetchall() for part in row)
    assert "missions_request_newest" in plan, plan
