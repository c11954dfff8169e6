"""Regulation and the stewards' home through the pages and the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from cercle.membership.enums import RegulationStatus
from cercle.membership.models import CircleMembership, RegulationCase
from tests.factories.membership_charter import (
    CharterSignatureFactory,
    CharterVersionFactory,
    ContributorMemberFactory,
    MemberFactory,
    RegulationCaseFactory,
    circle_member,
)
from tests.factories.network import StewardFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def post_json(client: Client, url: str, body: object, **extra: str) -> Any:
    return client.post(API + url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def concerned() -> Any:
    return circle_member(CharterVersionFactory())


# ---------------------------------------------------------------- pages


def test_raise_hear_decide_through_the_pages(concerned: Any) -> None:
    raiser = ContributorMemberFactory()
    form = logged_in(raiser).get("/regulation/nouveau/")
    assert form.status_code == 200
    assert concerned.slug in form.content.decode()
    response = logged_in(raiser).post(
        "/regulation/nouveau/", {"person": concerned.slug, "concern": "Silence radio."}
    )
    assert response.status_code == 302
    case = RegulationCase.objects.get()
    steward = logged_in(StewardFactory())
    assert (
        steward.post(f"/regulation/{case.uuid}/audition/", {"notes": "Entendu."}).status_code == 302
    )
    decided = steward.post(
        f"/regulation/{case.uuid}/decision/", {"decision": "exclude", "reason": "Répété."}
    )
    assert decided.status_code == 302
    case.refresh_from_db()
    assert case.status == RegulationStatus.DECIDED
    assert CircleMembership.objects.get(person=concerned).end_reason == "excluded"


def test_raising_with_bad_input_is_a_400_and_creates_nothing(concerned: Any) -> None:
    client = logged_in(ContributorMemberFactory())
    response = client.post("/regulation/nouveau/", {"person": concerned.slug, "concern": ""})
    assert response.status_code == 400
    assert 'id="id_concern_errors"' in response.content.decode()
    response = client.post("/regulation/nouveau/", {"person": "inconnu", "concern": "x"})
    assert response.status_code == 400
    assert not RegulationCase.objects.exists()


def test_a_supporter_cannot_raise() -> None:
    assert logged_in(MemberFactory()).get("/regulation/nouveau/").status_code == 403


def test_the_decision_form_refuses_who_raised_it(concerned: Any) -> None:
    raiser = StewardFactory()
    case = RegulationCaseFactory(
        person=concerned, raised_by=raiser, status=RegulationStatus.HEARING
    )
    client = logged_in(raiser)
    page = client.get(f"/regulation/{case.uuid}/").content.decode()
    assert f"/regulation/{case.uuid}/decision/" not in page
    response = client.post(
        f"/regulation/{case.uuid}/decision/", {"decision": "keep", "reason": "R"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == RegulationStatus.HEARING


def test_a_missing_reason_is_a_400_with_the_field_error(concerned: Any) -> None:
    case = RegulationCaseFactory(person=concerned, status=RegulationStatus.HEARING)
    response = logged_in(StewardFactory()).post(
        f"/regulation/{case.uuid}/decision/", {"decision": "warn", "reason": ""}
    )
    assert response.status_code == 400
    assert 'id="id_reason_errors"' in response.content.decode()


def test_a_hearing_twice_is_a_409(concerned: Any) -> None:
    case = RegulationCaseFactory(person=concerned, status=RegulationStatus.HEARING)
    response = logged_in(StewardFactory()).post(
        f"/regulation/{case.uuid}/audition/", {"notes": "Encore."}
    )
    assert response.status_code == 409


def test_list_and_detail_pages(concerned: Any, django_assert_max_num_queries: Any) -> None:
    case = RegulationCaseFactory(person=concerned)
    client = logged_in(StewardFactory())
    with django_assert_max_num_queries(8):
        response = client.get("/regulation/")
    assert concerned.full_name in response.content.decode()
    with django_assert_max_num_queries(8):
        detail = client.get(f"/regulation/{case.uuid}/")
    assert detail.status_code == 200
    assert escape(case.concern) in detail.content.decode()
    assert logged_in(MemberFactory()).get(f"/regulation/{case.uuid}/").status_code == 403
    assert client.get("/regulation/?status=nope").status_code == 400


def test_the_stewards_home(django_assert_max_num_queries: Any) -> None:
    """Counts and links: contracts, re-signing, engagements, regulation, publishing."""
    old = CharterVersionFactory()
    signer = MemberFactory()
    CharterSignatureFactory(person=signer, version=old)
    CharterVersionFactory()
    RegulationCaseFactory()
    client = logged_in(StewardFactory())
    with django_assert_max_num_queries(12):
        response = client.get("/soucieux/")
    assert response.status_code == 200
    body = response.content.decode()
    for link in (
        "/adhesion/a-traiter/",
        "/soucieux/a-resigner/",
        "/soucieux/engagements/",
        "/regulation/",
        "/charte/publier/",
    ):
        assert link in body
    assert response.context["counts"]["to_resign"] == 1
    assert response.context["counts"]["open_cases"] == 1
    resign = client.get("/soucieux/a-resigner/")
    assert signer.full_name in resign.content.decode()
    assert logged_in(MemberFactory()).get("/soucieux/").status_code == 403


# ---------------------------------------------------------------- API


def test_the_regulation_api(client: Client, concerned: Any) -> None:
    raiser = bearer(token_secret(ContributorMemberFactory()))
    created = post_json(
        client, "/regulation-cases", {"person": concerned.slug, "concern": "Rien."}, **raiser
    )
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    steward = bearer(token_secret(StewardFactory()))
    heard = post_json(client, f"/regulation-cases/{case_id}/hearing", {"notes": "Vu."}, **steward)
    assert heard.json()["status"] == "hearing"
    early = post_json(client, f"/regulation-cases/{case_id}/hearing", {"notes": "2"}, **steward)
    assert early.status_code == 409
    decided = post_json(
        client,
        f"/regulation-cases/{case_id}/decision",
        {"decision": "warn", "reason": "Rappel."},
        **steward,
    )
    assert decided.status_code == 200
    assert decided.json()["decision"] == "warn"
    listed = client.get(f"{API}/regulation-cases?status=decided", **steward).json()
    assert [c["id"] for c in listed["items"]] == [case_id]


def test_regulation_api_refusals(client: Client, concerned: Any) -> None:
    body = {"person": concerned.slug, "concern": "Rien."}
    assert post_json(client, "/regulation-cases", body).status_code == 401
    supporter = bearer(token_secret(MemberFactory()))
    assert post_json(client, "/regulation-cases", body, **supporter).status_code == 403
    contributor = bearer(token_secret(ContributorMemberFactory()))
    unknown = post_json(client, "/regulation-cases", {"person": "x", "concern": "y"}, **contributor)
    assert unknown.status_code == 422
    assert unknown.json()["errors"]["person"] == [fr("Nobody has this identifier.")]
    empty = post_json(
        client, "/regulation-cases", {"person": concerned.slug, "concern": ""}, **contributor
    )
    assert empty.status_code == 422
    assert "concern" in empty.json()["errors"]
    assert not RegulationCase.objects.exists()
    case = RegulationCaseFactory(person=concerned, status=RegulationStatus.HEARING)
    steward = bearer(token_secret(StewardFactory()))
    bad = post_json(
        client,
        f"/regulation-cases/{case.uuid}/decision",
        {"decision": "ban", "reason": ""},
        **steward,
    )
    assert bad.status_code == 422
    assert "decision" in bad.json()["errors"]
    no_reason = post_json(
        client,
        f"/regulation-cases/{case.uuid}/decision",
        {"decision": "keep", "reason": " "},
        **steward,
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"]["reason"] == [fr("Give the reasons for the decision.")]
    own = bearer(token_secret(concerned))
    assert client.get(f"{API}/regulation-cases", **own).json()["count"] == 1
    outsider = bearer(token_secret(MemberFactory()))
    assert client.get(f"{API}/regulation-cases", **outsider).json()["count"] == 0
