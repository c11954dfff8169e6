"""Charter pages: read, sign, publish, versions, the signed PDF, join and leave."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from cercle.membership.models import CharterSignature, CharterVersion, CircleMembership
from tests.factories.membership_charter import (
    CharterSignatureFactory,
    CharterVersionFactory,
    CircleMembershipFactory,
    MemberFactory,
    circle_member,
)
from tests.factories.network import PersonFactory, StewardFactory
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db

CHARTER = "/charte/"


def fr(message: str) -> str:
    """A message as the French page shows it (whether or not the catalog has it yet)."""
    with translation.override("fr"):
        return escape(gettext(message))


@pytest.fixture
def version() -> Any:
    return CharterVersionFactory()


def sign_data(number: int, listing: bool = True, follow: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"version": number}
    if listing:
        data["consents_to_listing"] = "on"
    if follow:
        data["mandates_follow_up"] = "on"
    return data


def test_anyone_reads_the_current_charter(
    client: Client, version: Any, django_assert_max_num_queries: Any
) -> None:
    """Anonymous visitors see the current text and its engagements, with no sign form."""
    with django_assert_max_num_queries(6):
        response = client.get(CHARTER)
    assert response.status_code == 200
    body = response.content.decode()
    assert version.title in body
    assert "Engagement inform-network" in body
    assert 'name="consents_to_listing"' not in body


def test_the_page_says_when_no_charter_exists(client: Client) -> None:
    response = client.get(CHARTER)
    assert response.status_code == 200
    assert unescape(fr("No charter has been published yet.")) in unescape(response.content.decode())


def test_a_member_sees_the_form_carrying_the_version_number(
    version: Any, django_assert_max_num_queries: Any
) -> None:
    client = logged_in(MemberFactory())
    with django_assert_max_num_queries(14):
        response = client.get(CHARTER)
    body = response.content.decode()
    assert 'name="consents_to_listing"' in body
    assert f'name="version" value="{version.number}"' in body


def test_a_member_signs_with_both_consents(version: Any) -> None:
    member = MemberFactory()
    response = logged_in(member).post("/charte/signer/", sign_data(version.number))
    assert response.status_code == 302
    assert CharterSignature.objects.filter(person=member, version=version).exists()


def test_a_missing_consent_is_a_400_with_a_french_field_error(version: Any) -> None:
    member = MemberFactory()
    response = logged_in(member).post("/charte/signer/", sign_data(version.number, listing=False))
    assert response.status_code == 400
    body = response.content.decode()
    assert fr("To sign, accept that your membership of the circle is shown publicly.") in body
    assert 'id="id_consents_to_listing_errors"' in body
    assert not CharterSignature.objects.exists()


def test_an_outdated_form_is_refused_and_shows_the_new_text(version: Any) -> None:
    """The form was loaded before version 2: 400, a French message naming it, nothing
    signed, and the re-shown form now carries the new number."""
    member = MemberFactory()
    newer = CharterVersionFactory(title="Texte le plus récent")
    response = logged_in(member).post("/charte/signer/", sign_data(version.number))
    assert response.status_code == 400
    body = response.content.decode()
    with translation.override("fr"):
        expected = gettext(
            "Version %(signed)s is no longer the current charter: read version "
            "%(current)s, then sign it."
        ) % {"signed": version.number, "current": newer.number}
    assert escape(expected) in body
    assert newer.title in body
    assert f'name="version" value="{newer.number}"' in body
    assert not CharterSignature.objects.exists()


def test_a_non_member_cannot_sign(version: Any) -> None:
    response = logged_in(PersonFactory()).post("/charte/signer/", sign_data(version.number))
    assert response.status_code == 403
    assert not CharterSignature.objects.exists()


def test_signing_needs_a_login(client: Client, version: Any) -> None:
    response = client.post("/charte/signer/", sign_data(version.number))
    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_join_and_leave_the_circle_from_the_charter_page(version: Any) -> None:
    member = MemberFactory()
    CharterSignatureFactory(person=member, version=version)
    client = logged_in(member)
    assert client.post("/cercle/rejoindre/").status_code == 302
    assert CircleMembership.objects.filter(person=member, ended_at__isnull=True).exists()
    page = client.get(CHARTER).content.decode()
    assert "/cercle/quitter/" in page
    assert client.post("/cercle/quitter/").status_code == 302
    assert not CircleMembership.objects.filter(person=member, ended_at__isnull=True).exists()


def test_joining_without_the_current_signature_shows_why(version: Any) -> None:
    response = logged_in(MemberFactory()).post("/cercle/rejoindre/")
    assert response.status_code == 409
    assert fr("Sign the current version of the charter before joining the circle.") in (
        response.content.decode()
    )
    assert not CircleMembership.objects.exists()


def test_leaving_when_not_in_the_circle_is_409() -> None:
    assert logged_in(MemberFactory()).post("/cercle/quitter/").status_code == 409


def test_versions_list_and_detail(
    client: Client, version: Any, django_assert_max_num_queries: Any
) -> None:
    newer = CharterVersionFactory()
    with django_assert_max_num_queries(6):
        response = client.get("/charte/versions/")
    assert response.status_code == 200
    assert f"/charte/versions/{version.number}/" in response.content.decode()
    with django_assert_max_num_queries(6):
        response = client.get(f"/charte/versions/{version.number}/")
    assert response.status_code == 200
    assert version.title in response.content.decode()
    assert client.get(f"/charte/versions/{newer.number + 10}/").status_code == 404


def test_a_steward_publishes_from_the_page(version: Any) -> None:
    """The form starts from the current text; publishing makes version N+1."""
    client = logged_in(StewardFactory())
    page = client.get("/charte/publier/")
    assert page.status_code == 200
    assert "inform-network" in page.content.decode()
    data = {
        "title": "Charte 2",
        "preamble": "",
        "closing": "J'accepte.",
        "engagements-TOTAL_FORMS": "2",
        "engagements-INITIAL_FORMS": "0",
        "engagements-MIN_NUM_FORMS": "0",
        "engagements-MAX_NUM_FORMS": "20",
        "engagements-0-code": "inform",
        "engagements-0-title": "Informer",
        "engagements-0-text": "Je préviens.",
        "engagements-1-code": "",
        "engagements-1-title": "",
        "engagements-1-text": "",
    }
    response = client.post("/charte/publier/", data)
    assert response.status_code == 302
    newest = CharterVersion.objects.order_by("-number").first()
    assert newest is not None
    assert (newest.number, newest.title) == (version.number + 1, "Charte 2")
    assert list(newest.engagements.values_list("code", flat=True)) == ["inform"]


def test_publishing_without_engagements_is_a_400_and_creates_nothing(version: Any) -> None:
    data = {
        "title": "Charte vide",
        "closing": "J'accepte.",
        "engagements-TOTAL_FORMS": "1",
        "engagements-INITIAL_FORMS": "0",
        "engagements-0-code": "",
        "engagements-0-title": "",
        "engagements-0-text": "",
    }
    response = logged_in(StewardFactory()).post("/charte/publier/", data)
    assert response.status_code == 400
    assert fr("A charter needs at least one engagement.") in response.content.decode()
    assert CharterVersion.objects.count() == 1


def test_only_stewards_reach_the_publish_page() -> None:
    assert logged_in(MemberFactory()).get("/charte/publier/").status_code == 403


def test_the_signed_charter_pdf(version: Any) -> None:
    """The signatory (and stewards) get a PDF; others are refused."""
    signature = CharterSignatureFactory(version=version)
    url = f"/charte/signatures/{signature.uuid}/pdf/"
    response = logged_in(signature.person).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert logged_in(StewardFactory()).get(url).status_code == 200
    assert logged_in(MemberFactory()).get(url).status_code == 403


def test_the_circle_members_page_is_for_members(
    version: Any, django_assert_max_num_queries: Any
) -> None:
    person = circle_member(version)
    client = logged_in(MemberFactory())
    with django_assert_max_num_queries(10):
        response = client.get("/cercle/")
    assert response.status_code == 200
    assert person.full_name in response.content.decode()
    assert logged_in(PersonFactory()).get("/cercle/").status_code == 403


def test_an_outdated_signatory_is_asked_to_re_sign(version: Any) -> None:
    member = MemberFactory()
    CharterSignatureFactory(person=member, version=version)
    CircleMembershipFactory(person=member)
    CharterVersionFactory()
    body = logged_in(member).get(CHARTER).content.decode()
    assert 'name="consents_to_listing"' in body
    assert "/cercle/quitter/" in body
