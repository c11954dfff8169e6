"""The tender watch's pages: list, post, detail, interests, discussion, request, result."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.missions.enums import RequestSource, TenderInterestKind
from cercle.missions.models import SupportRequest, Tender, TenderComment, TenderInterest
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import TenderFactory, consultant
from tests.factories.network import PersonFactory
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db

LIST = "/appels-d-offres/"


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def tender_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "AMO tiers-lieux du Hainaut",
        "buyer": "Agglomération du Hainaut",
        "link": "https://marches.example/avis/7",
        "deadline": local(timezone.now() + datetime.timedelta(days=20)),
        "cpv_code": "79411000-8",
        "lots": "",
        "description": "Six lieux.",
    }
    data.update(overrides)
    return data


def test_a_member_posts_a_tender_and_finds_it_in_the_list() -> None:
    client = logged_in(MemberFactory())
    assert client.get("/appels-d-offres/nouveau/").status_code == 200
    response = client.post("/appels-d-offres/nouveau/", tender_form())
    tender = Tender.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/appels-d-offres/{tender.uuid}/"
    page = client.get(LIST)
    assert page.status_code == 200
    assert "AMO tiers-lieux du Hainaut" in page.content.decode()


@pytest.mark.parametrize(
    "overrides",
    [
        {"cpv_code": "123"},
        {"deadline": "2001-01-01T10:00"},
        {"deadline": "demain"},
        {"link": "nulle part"},
        {"title": ""},
        {"title": "x\x00y"},
    ],
)
def test_bad_input_answers_400_and_saves_nothing(overrides: dict[str, Any]) -> None:
    response = logged_in(MemberFactory()).post(
        "/appels-d-offres/nouveau/", tender_form(**overrides)
    )
    assert response.status_code == 400
    assert fr("The form has errors; please correct them.") in response.content.decode()
    assert not Tender.objects.exists()


def test_non_members_and_anonymous_visitors_are_kept_out() -> None:
    outsider = logged_in(PersonFactory())
    tender = TenderFactory()
    assert outsider.get(LIST).status_code == 403
    assert outsider.get(tender.get_absolute_url()).status_code == 403
    assert outsider.post("/appels-d-offres/nouveau/", tender_form()).status_code == 403
    anonymous = logged_in(MemberFactory())
    anonymous.logout()
    assert anonymous.get(LIST).status_code == 302


def test_an_unknown_tender_is_a_404() -> None:
    client = logged_in(MemberFactory())
    assert client.get("/appels-d-offres/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_past_tenders_are_listed_separately() -> None:
    TenderFactory(title="Marché à venir")
    TenderFactory(title="Marché clos", deadline=timezone.now() - datetime.timedelta(days=3))
    client = logged_in(MemberFactory())
    upcoming = client.get(LIST).content.decode()
    past = client.get("/appels-d-offres/passes/").content.decode()
    assert "Marché à venir" in upcoming
    assert "Marché clos" not in upcoming
    assert "Marché clos" in past
    assert "Marché à venir" not in past


def test_interest_comment_and_withdrawal_through_the_detail_page() -> None:
    member = MemberFactory()
    tender = TenderFactory()
    client = logged_in(member)
    url = tender.get_absolute_url()
    assert client.post(url + "interet/", {"kind": "together"}).status_code == 302
    assert TenderInterest.objects.get().kind == TenderInterestKind.TOGETHER
    page = client.get(url).content.decode()
    assert member.full_name in page
    assert client.post(url + "interet/", {"kind": "plus tard"}).status_code == 400
    assert client.post(url + "messages/", {"text": "Qui en est ?"}).status_code == 302
    assert TenderComment.objects.get().text == "Qui en est ?"
    assert client.post(url + "messages/", {"text": "   "}).status_code == 400
    assert client.post(url + "interet/retirer/").status_code == 302
    assert not TenderInterest.objects.exists()


def test_interest_after_the_deadline_is_a_409() -> None:
    tender = TenderFactory(deadline=timezone.now() - datetime.timedelta(days=1))
    response = logged_in(MemberFactory()).post(
        tender.get_absolute_url() + "interet/", {"kind": "looking"}
    )
    assert response.status_code == 409
    assert fr("The deadline of this tender has passed.") in html.unescape(response.content.decode())


def test_a_consortium_creates_the_request_and_its_team_from_the_page() -> None:
    lead, partner = consultant(), consultant()
    tender = TenderFactory(posted_by=lead)
    client = logged_in(lead)
    url = tender.get_absolute_url() + "demande/"
    form = client.get(url)
    assert form.status_code == 200
    assert partner.full_name in form.content.decode()
    data = {
        "team_name": "Les Lieux Ensemble",
        "budget_min_ht": "20000",
        "budget_max_ht": "30000",
        "offers_deadline": local(tender.deadline - datetime.timedelta(days=3)),
        "territory": "59",
        "description": "",
        "co_contractors": [partner.slug],
    }
    bad = client.post(url, {**data, "budget_min_ht": "50000"})
    assert bad.status_code == 400
    assert not SupportRequest.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert request.source == RequestSource.TENDER_WATCH
    assert {m.person for m in request.teams.get().members.all()} == {lead, partner}
    # Only one request per tender; the page says so.
    again = client.post(url, {**data, "team_name": "Autre"})
    assert again.status_code == 409


def test_a_mere_member_cannot_open_the_request_form() -> None:
    tender = TenderFactory()
    assert logged_in(consultant()).get(tender.get_absolute_url() + "demande/").status_code == 403


def test_the_poster_records_the_result_after_the_deadline() -> None:
    poster = MemberFactory()
    tender = TenderFactory(posted_by=poster, deadline=timezone.now() - datetime.timedelta(days=1))
    client = logged_in(poster)
    url = tender.get_absolute_url() + "resultat/"
    assert client.post(url, {"outcome": "lost", "result": ""}).status_code == 400
    response = client.post(url, {"outcome": "lost", "result": "Attribué à un autre cabinet."})
    assert response.status_code == 302
    tender.refresh_from_db()
    assert "Attribué à un autre cabinet." in tender.result
    assert (
        logged_in(MemberFactory()).post(url, {"outcome": "won", "result": "x"}).status_code == 403
    )


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_and_detail_make_the_same_number_of_queries_with_few_and_many_rows(
    django_assert_max_num_queries: Any,
) -> None:
    member = MemberFactory()
    client = logged_in(member)
    tender = TenderFactory()
    TenderFactory.create_batch(2)
    few_list, few_detail = _queries(client, LIST), _queries(client, tender.get_absolute_url())
    TenderFactory.create_batch(40)
    for _i in range(15):
        someone = MemberFactory()
        TenderInterest.objects.create(tender=tender, person=someone, kind="looking")
        TenderComment.objects.create(tender=tender, author=someone, text="Je regarde.")
    many_list, many_detail = _queries(client, LIST), _queries(client, tender.get_absolute_url())
    assert few_list == many_list
    assert few_detail == many_detail
    with django_assert_max_num_queries(12):
        client.get(LIST)
    with django_assert_max_num_queries(12):
        client.get(tender.get_absolute_url())
