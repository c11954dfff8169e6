"""Offers through the pages and the API: the lead submits, withdraws and uploads; who sees
what; bad input answers 400/422 and changes nothing; late and duplicate offers 409;
bounded query counts with 5 and 50 offers."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.missions.enums import OfferStatus
from cercle.missions.models import Award, Offer
from cercle.missions.views.offers import offers_section
from tests.conftest import client_for
from tests.factories.missions import (
    CommonFactory,
    OfferFactory,
    QualifiedRequestFactory,
    TeamFactory,
    add_member,
    consultant,
)
from tests.factories.network import StewardFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def auth(person: Any) -> dict[str, str]:
    return bearer(token_secret(person))


def form_data(**extra: Any) -> dict[str, Any]:
    data = {
        "price_ht": "9500",
        "days": "15,5",
        "method": "Ateliers et diagnostic partagé.",
        "references": "",
        "commons-TOTAL_FORMS": "3",
        "commons-INITIAL_FORMS": "0",
        "commons-MIN_NUM_FORMS": "0",
        "commons-MAX_NUM_FORMS": "20",
    }
    return {**data, **extra}


def submit_url(team: Any) -> str:
    return f"/demandes/{team.request.uuid}/offre/"


# ---------------------------------------------------------------- pages


def test_the_lead_submits_through_the_page_with_a_common_and_files() -> None:
    team = TeamFactory(lead=consultant(first_name="Ninon", last_name="Vasseur"))
    common = CommonFactory()
    client = client_for(team.lead)
    assert client.get(submit_url(team)).status_code == 200
    response = client.post(
        submit_url(team),
        form_data(
            **{
                "commons-0-common": str(common.pk),
                "commons-0-amount_ht": "250",
                "commons-0-purpose": "Doc",
            },
            method_file=SimpleUploadedFile("methode.txt", b"Par Ninon Vasseur"),
            anonymised_method_file=SimpleUploadedFile("anonyme.txt", b"Par NINON"),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    offer = Offer.objects.get()
    assert str(offer.days) == "15.5"
    assert offer.commons_lines.get().common == common
    assert offer.name_warnings == ["Ninon"]
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "Ninon" in detail.content.decode()
    download = client.get(f"/offres/{offer.uuid}/fichiers/methode-anonymisee/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Par NINON"


def test_bad_input_on_the_page_is_a_400_and_nothing_is_created() -> None:
    team = TeamFactory()
    client = client_for(team.lead)
    assert client.post(submit_url(team), form_data(price_ht="0")).status_code == 400
    assert client.post(submit_url(team), form_data(method="")).status_code == 400
    bad_line = form_data(**{"commons-0-common": "99999", "commons-0-amount_ht": "1"})
    assert client.post(submit_url(team), bad_line).status_code == 400
    png = form_data(method_file=SimpleUploadedFile("m.pdf", b"\x89PNG\r\n\x1a\n0000"))
    assert client.post(submit_url(team), png).status_code == 400
    assert not Offer.objects.exists()


def test_late_and_duplicate_offers_are_409_on_the_page() -> None:
    team = TeamFactory()
    client = client_for(team.lead)
    OfferFactory(team=team, request=team.request)
    assert client.post(submit_url(team), form_data()).status_code == 409
    late = TeamFactory(
        request=QualifiedRequestFactory(
            offers_deadline=timezone.now() - datetime.timedelta(hours=1)
        )
    )
    response = client_for(late.lead).post(submit_url(late), form_data())
    assert response.status_code == 409
    assert Offer.objects.count() == 1


def test_only_a_lead_reaches_the_submit_page() -> None:
    team = TeamFactory()
    member = consultant()
    add_member(team, member)
    assert client_for(member).get(submit_url(team)).status_code == 403
    assert client_for(member).post(submit_url(team), form_data()).status_code == 403
    assert not Offer.objects.exists()


def test_who_reads_an_offer_page() -> None:
    team = TeamFactory()
    member = consultant()
    add_member(team, member)
    offer = OfferFactory(team=team, request=team.request, method="Méthode secrète")
    url = f"/offres/{offer.uuid}/"
    assert "Méthode secrète" in client_for(member).get(url).content.decode()
    assert client_for(StewardFactory()).get(url).status_code == 200
    outsider = client_for(consultant())
    assert outsider.get(url).status_code == 403
    assert outsider.get(f"/offres/{offer.uuid}/fichiers/methode/").status_code == 403
    Award.objects.create(
        request=team.request, offer=offer, mode="client", reasons="r", awarded_at=timezone.now()
    )
    after = outsider.get(url)
    assert after.status_code == 200
    assert "12" in after.content.decode()
    assert "Méthode secrète" not in after.content.decode()
    assert outsider.get(f"/offres/{offer.uuid}/fichiers/methode/").status_code == 403


def test_withdraw_through_the_page() -> None:
    team = TeamFactory()
    member = consultant()
    add_member(team, member)
    offer = OfferFactory(team=team, request=team.request)
    url = f"/offres/{offer.uuid}/retirer/"
    assert client_for(member).post(url).status_code == 403
    assert client_for(team.lead).post(url).status_code == 302
    assert Offer.objects.get().status == OfferStatus.WITHDRAWN
    assert client_for(team.lead).post(url).status_code == 409


def test_replacing_the_anonymised_file_on_the_page() -> None:
    team = TeamFactory(lead=consultant(last_name="Bertholet"))
    offer = OfferFactory(team=team, request=team.request)
    client = client_for(team.lead)
    url = f"/offres/{offer.uuid}/fichier-anonymise/"
    response = client.post(
        url, {"anonymised_method_file": SimpleUploadedFile("a.txt", b"bertholet")}
    )
    assert response.status_code == 302
    page = client.get(f"/offres/{offer.uuid}/").content.decode()
    assert "Bertholet" in Offer.objects.get().name_warnings
    assert 'role="alert"' in page
    assert client.post(url, {}).status_code == 400


# ---------------------------------------------------------------- API


def test_api_submit_list_get_files_anonymised_withdraw(client: Client) -> None:
    team = TeamFactory(lead=consultant(first_name="Ysaline", last_name="Trémeau"))
    common = CommonFactory()
    lead = auth(team.lead)
    payload = {
        "price_ht": "8000.00",
        "days": "10.5",
        "method": "Avec Ysaline.",
        "commons_lines": [{"common": common.slug, "amount_ht": "120", "purpose": "Wiki"}],
    }
    response = client.post(f"{API}/teams/{team.uuid}/offers", payload, "application/json", **lead)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["price_ht"], body["commons_lines"][0]["common"]) == ("8000.00", common.slug)
    offer_id = body["id"]
    again = client.post(f"{API}/teams/{team.uuid}/offers", payload, "application/json", **lead)
    assert again.status_code == 409
    outsider = auth(consultant())
    seen = client.get(f"{API}/requests/{team.request.uuid}/offers", **outsider).json()
    assert seen["count"] == 1
    assert seen["items"][0]["price_ht"] is None
    assert seen["items"][0]["team"] is None
    assert client.get(f"{API}/offers/{offer_id}", **outsider).status_code == 403
    files = client.post(
        f"{API}/offers/{offer_id}/files",
        {"anonymised_method_file": SimpleUploadedFile("a.txt", "Ysaline TRÉMEAU".encode())},
        **lead,
    )
    assert files.status_code == 200, files.content
    assert files.json()["name_warnings"] == ["Ysaline Trémeau", "Ysaline", "Trémeau"]
    anon = client.get(f"{API}/offers/{offer_id}/anonymised", **lead).json()
    assert anon["method"] == "Avec […]."
    assert anon["anonymised_method_file"]
    assert client.get(f"{API}/offers/{offer_id}/anonymised", **outsider).status_code == 403
    withdrawn = client.post(f"{API}/offers/{offer_id}/withdraw", **lead)
    assert withdrawn.json()["status"] == "withdrawn"
    assert client.post(f"{API}/offers/{offer_id}/withdraw", **lead).status_code == 409


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"price_ht": "0", "days": "1", "method": "m"}, "price_ht"),
        ({"price_ht": "10", "days": "0.2", "method": "m"}, "days"),
        ({"price_ht": "10", "days": "1"}, "method"),
        ({"price_ht": "10", "days": "1", "method": " "}, "method"),
        (
            {
                "price_ht": "10",
                "days": "1",
                "method": "m",
                "commons_lines": [{"common": "x", "amount_ht": 1}],
            },
            "commons_lines",
        ),
    ],
)
def test_api_bad_input_is_422_and_changes_nothing(
    client: Client, payload: dict[str, Any], field: str
) -> None:
    team = TeamFactory()
    response = client.post(
        f"{API}/teams/{team.uuid}/offers", payload, "application/json", **auth(team.lead)
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field]
    assert not Offer.objects.exists()


def test_api_refusals(client: Client) -> None:
    team = TeamFactory()
    payload = {"price_ht": "10", "days": "1", "method": "m"}
    url = f"{API}/teams/{team.uuid}/offers"
    assert client.post(url, payload, "application/json").status_code == 401
    assert client.post(url, payload, "application/json", **auth(consultant())).status_code == 403
    unknown = f"{API}/teams/00000000-0000-0000-0000-000000000000/offers"
    assert client.post(unknown, payload, "application/json", **auth(team.lead)).status_code == 404
    team.request.offers_deadline = timezone.now() - datetime.timedelta(seconds=1)
    team.request.save()
    assert client.post(url, payload, "application/json", **auth(team.lead)).status_code == 409
    assert not Offer.objects.exists()


# ---------------------------------------------------------------- query counts


def _offers(support_request: Any, n: int) -> None:
    for _ in range(n):
        offer = OfferFactory(team=TeamFactory(request=support_request), request=support_request)
        offer.commons_lines.create(common=CommonFactory(), amount_ht="10.00")


def _section_queries(person: Any, support_request: Any) -> int:
    request = RequestFactory().get("/")
    request.user = type(person.user).objects.get(pk=person.user.pk)  # no cached viewer
    with CaptureQueriesContext(connection) as captured:
        context = offers_section(request, support_request, None)
        render_to_string(
            "missions/requests/_offers.html",
            {**context, "support_request": support_request},
            request=request,
        )
    return len(captured)


def _api_queries(client: Client, support_request: Any, headers: dict[str, str]) -> int:
    client.get(f"{API}/requests/{support_request.uuid}/offers", **headers)  # token first used
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{API}/requests/{support_request.uuid}/offers?limit=100", **headers)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["steward", "circle"])
def test_the_request_page_part_and_the_api_list_same_queries_at_5_and_50(
    client: Client, role: str, django_assert_max_num_queries: Any
) -> None:
    support_request = QualifiedRequestFactory()
    person = StewardFactory() if role == "steward" else consultant()
    headers = auth(person)
    _offers(support_request, 5)
    few = (
        _section_queries(person, support_request),
        _api_queries(client, support_request, headers),
    )
    _offers(support_request, 45)
    many = (
        _section_queries(person, support_request),
        _api_queries(client, support_request, headers),
    )
    assert few == many
    with django_assert_max_num_queries(10):
        _section_queries(person, support_request)


def test_the_request_page_shows_labels_to_the_circle_and_prices_to_the_team() -> None:
    team = TeamFactory()
    OfferFactory(team=team, request=team.request, price_ht="12345.00")
    url = f"/demandes/{team.request.uuid}/"
    mine = client_for(team.lead).get(url).content.decode()
    assert 'id="request-offers"' in mine
    assert "345,00 € HT" in mine
    other = client_for(consultant()).get(url).content.decode()
    assert 'id="request-offers"' in other
    assert "345,00" not in other


def test_the_openapi_schema_documents_the_offer_operations(client: Client) -> None:
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path in (
        "/api/v1/requests/{uuid}/offers",
        "/api/v1/teams/{uuid}/offers",
        "/api/v1/offers/{uuid}",
        "/api/v1/offers/{uuid}/withdraw",
        "/api/v1/offers/{uuid}/files",
        "/api/v1/offers/{uuid}/anonymised",
        "/api/v1/commons",
        "/api/v1/commons/{slug}",
    ):
        assert path in paths
