"""The tender watch through the API: the same services as the pages."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.missions.enums import MemberStatus, RequestSource, TeamRole
from cercle.missions.models import SupportRequest, TeamMember, Tender, TenderInterest
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import TenderFactory, consultant
from tests.factories.network import PersonFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


def api(person: Any) -> tuple[Client, dict[str, str]]:
    return Client(), bearer(token_secret(person))


def post_json(person: Any, url: str, body: object) -> Any:
    client, auth = api(person)
    return client.post(API + url, json.dumps(body), content_type="application/json", **auth)


def get(person: Any, url: str) -> Any:
    client, auth = api(person)
    return client.get(API + url, **auth)


def tender_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "AMO tiers-lieux",
        "buyer": "Région",
        "link": "https://marches.example/avis/9",
        "deadline": (timezone.now() + datetime.timedelta(days=20)).isoformat(),
        "cpv_code": "79411000-8",
    }
    body.update(overrides)
    return body


def test_post_list_and_read_a_tender() -> None:
    member = MemberFactory()
    response = post_json(member, "/tenders", tender_body())
    assert response.status_code == 201
    uuid = response.json()["id"]
    assert response.json()["posted_by"] == member.slug
    listing = get(member, "/tenders")
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["items"][0]["id"] == uuid
    detail = get(member, f"/tenders/{uuid}")
    assert detail.status_code == 200
    assert detail.json()["interests"] == []
    assert detail.json()["can_answer_together"] is True


def test_a_naive_deadline_is_read_in_paris_time() -> None:
    naive = (timezone.localtime() + datetime.timedelta(days=3)).replace(tzinfo=None)
    response = post_json(
        MemberFactory(), "/tenders", tender_body(deadline=naive.strftime("%Y-%m-%dT%H:%M:%S"))
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"cpv_code": "7941"}, 422, "cpv_code"),
        ({"deadline": "2001-01-01T00:00:00Z"}, 422, "deadline"),
        ({"deadline": "bientôt"}, 422, "deadline"),
        ({"link": "ftp:/x"}, 422, "link"),
        ({"title": "x" * 201}, 422, "title"),
    ],
)
def test_bad_input_gets_field_errors_and_changes_nothing(
    overrides: dict[str, Any], status: int, field: str
) -> None:
    response = post_json(MemberFactory(), "/tenders", tender_body(**overrides))
    assert response.status_code == status
    assert field in response.json()["errors"]
    assert not Tender.objects.exists()


def test_outsiders_get_401_or_403_and_unknown_tenders_404() -> None:
    assert Client().get(API + "/tenders").status_code == 401
    assert get(PersonFactory(), "/tenders").status_code == 403
    assert post_json(PersonFactory(), "/tenders", tender_body()).status_code == 403
    assert get(MemberFactory(), "/tenders/00000000-0000-0000-0000-000000000000").status_code == 404


def test_interest_set_delete_and_post_remove() -> None:
    member = MemberFactory()
    tender = TenderFactory()
    url = f"/tenders/{tender.uuid}/interest"
    assert post_json(member, url, {"kind": "looking"}).json()["kind"] == "looking"
    assert post_json(member, url, {"kind": "together"}).json()["kind"] == "together"
    assert post_json(member, url, {"kind": "peut-être"}).status_code == 422
    client, auth = api(member)
    assert client.delete(API + url, **auth).status_code == 204
    assert not TenderInterest.objects.exists()
    post_json(member, url, {"kind": "looking"})
    assert post_json(member, url + "/remove", {}).status_code == 204
    assert not TenderInterest.objects.exists()
    closed = TenderFactory(deadline=timezone.now() - datetime.timedelta(days=1))
    refused = post_json(member, f"/tenders/{closed.uuid}/interest", {"kind": "looking"})
    assert refused.status_code == 409


def test_comments_post_and_list_in_order() -> None:
    member = MemberFactory()
    tender = TenderFactory()
    url = f"/tenders/{tender.uuid}/comments"
    assert post_json(member, url, {"text": "Premier"}).status_code == 201
    assert post_json(member, url, {"text": "Second"}).status_code == 201
    assert post_json(member, url, {"text": "  "}).status_code == 422
    items = get(member, url).json()["items"]
    assert [c["text"] for c in items] == ["Premier", "Second"]
    assert items[0]["author"] == member.slug


def test_to_request_creates_the_request_and_the_team() -> None:
    lead, partner = consultant(), consultant()
    tender = TenderFactory(posted_by=lead)
    body = {
        "team_name": "Ensemble",
        "members": [{"person": partner.slug, "role": "sub_contractor"}],
        "budget_min_ht": "10000.00",
        "budget_max_ht": "20000.00",
        "offers_deadline": (tender.deadline - datetime.timedelta(days=2)).isoformat(),
        "territory": "59",
    }
    unknown = post_json(
        lead,
        f"/tenders/{tender.uuid}/to-request",
        {**body, "members": [{"person": "personne", "role": "sub_contractor"}]},
    )
    assert unknown.status_code == 422
    assert "members" in unknown.json()["errors"]
    lead_role = post_json(
        lead,
        f"/tenders/{tender.uuid}/to-request",
        {**body, "members": [{"person": partner.slug, "role": "lead"}]},
    )
    assert lead_role.status_code == 422
    response = post_json(lead, f"/tenders/{tender.uuid}/to-request", body)
    assert response.status_code == 201
    request = SupportRequest.objects.get()
    assert str(request.uuid) == response.json()["request"]
    assert request.source == RequestSource.TENDER_WATCH
    invited = TeamMember.objects.get(person=partner)
    assert (invited.role, invited.status) == (TeamRole.SUB_CONTRACTOR, MemberStatus.INVITED)
    assert post_json(lead, f"/tenders/{tender.uuid}/to-request", body).status_code == 409
    assert post_json(consultant(), f"/tenders/{tender.uuid}/to-request", body).status_code == 403


def test_result_is_recorded_through_the_api() -> None:
    poster = MemberFactory()
    tender = TenderFactory(posted_by=poster, deadline=timezone.now() - datetime.timedelta(days=1))
    url = f"/tenders/{tender.uuid}/result"
    bad = post_json(poster, url, {"result": "Gagné", "amount_ht": "-3"})
    assert bad.status_code == 422
    response = post_json(
        poster, url, {"result": "Gagné", "outcome": "won", "winner": "Ensemble", "amount_ht": "9"}
    )
    assert response.status_code == 200
    assert "Gagné" in response.json()["result"]
    assert post_json(MemberFactory(), url, {"result": "Perdu"}).status_code == 403
    early = TenderFactory(posted_by=poster)
    assert post_json(poster, f"/tenders/{early.uuid}/result", {"result": "x"}).status_code == 409


def test_the_list_makes_the_same_number_of_queries_with_few_and_many_tenders(
    django_assert_max_num_queries: Any,
) -> None:
    member = MemberFactory()
    client, auth = api(member)
    TenderFactory.create_batch(2)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(API + "/tenders?limit=100", **auth).status_code == 200
        return len(context.captured_queries)

    count()  # the first call also records when the token was last used
    few = count()
    TenderFactory.create_batch(40)
    assert count() == few
    with django_assert_max_num_queries(10):
        client.get(API + "/tenders?limit=100", **auth)
