"""Engagement follow-up through the pages and the API: evidence, review, open a year."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from cercle.membership.models import EngagementCheck
from tests.factories.membership_charter import (
    ENGAGEMENT_CODES,
    CharterVersionFactory,
    EngagementCheckFactory,
    MemberFactory,
    circle_member,
)
from tests.factories.network import StewardFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def this_year() -> int:
    return timezone.localdate().year


def patch(client: Client, url: str, body: object, **extra: str) -> Any:
    return client.patch(API + url, json.dumps(body), content_type="application/json", **extra)


# ---------------------------------------------------------------- pages


def test_my_engagements_page_lists_my_checks_with_forms(
    django_assert_max_num_queries: Any,
) -> None:
    check = EngagementCheckFactory()
    EngagementCheckFactory()  # someone else's
    client = logged_in(check.person)
    with django_assert_max_num_queries(10):
        response = client.get("/engagements/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/engagements/{check.uuid}/preuve/" in body
    assert body.count("/preuve/") == 1


def test_recording_evidence_from_the_page() -> None:
    check = EngagementCheckFactory()
    prefix = str(check.uuid)
    response = logged_in(check.person).post(
        f"/engagements/{check.uuid}/preuve/",
        {f"{prefix}-evidence_url": "https://example.org/cr", f"{prefix}-evidence_note": ""},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.evidence_url == "https://example.org/cr"


def test_empty_evidence_is_a_400_with_a_field_error_and_changes_nothing() -> None:
    check = EngagementCheckFactory()
    response = logged_in(check.person).post(f"/engagements/{check.uuid}/preuve/", {})
    assert response.status_code == 400
    assert escape(fr("Give a link or a note that shows how you honoured it.")) in (
        response.content.decode()
    )
    check.refresh_from_db()
    assert check.evidence_note == ""


def test_someone_elses_check_is_not_found() -> None:
    check = EngagementCheckFactory()
    response = logged_in(MemberFactory()).post(
        f"/engagements/{check.uuid}/preuve/", {f"{check.uuid}-evidence_note": "moi"}
    )
    assert response.status_code == 404


def test_the_stewards_follow_up_page_and_review(django_assert_max_num_queries: Any) -> None:
    version = CharterVersionFactory()
    behind = circle_member(version)
    check = EngagementCheckFactory(person=behind, year=this_year())
    steward = StewardFactory()
    client = logged_in(steward)
    with django_assert_max_num_queries(12):
        response = client.get("/soucieux/engagements/")
    assert response.status_code == 200
    assert behind.full_name in response.content.decode()
    assert client.post(f"/engagements/{check.uuid}/revue/", {"status": "done"}).status_code == 302
    check.refresh_from_db()
    assert check.status == "done"
    assert client.post(f"/engagements/{check.uuid}/revue/", {"status": "done"}).status_code == 409
    assert client.post(f"/engagements/{check.uuid}/revue/", {"status": "x"}).status_code == 400


def test_follow_up_filters_and_bad_filters() -> None:
    steward = StewardFactory()
    client = logged_in(steward)
    assert client.get("/soucieux/engagements/?year=2030&status=missed").status_code == 200
    assert client.get("/soucieux/engagements/?year=abc").status_code == 400
    assert logged_in(MemberFactory()).get("/soucieux/engagements/").status_code == 403


def test_opening_a_year_from_the_page() -> None:
    version = CharterVersionFactory()
    circle_member(version)
    client = logged_in(StewardFactory())
    assert client.post("/soucieux/engagements/ouvrir/", {"year": "2031"}).status_code == 302
    assert EngagementCheck.objects.filter(year=2031).count() == len(ENGAGEMENT_CODES)
    assert client.post("/soucieux/engagements/ouvrir/", {"year": "1800"}).status_code == 400


# ---------------------------------------------------------------- API


def test_api_lists_mine_and_stewards_see_all(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    mine = EngagementCheckFactory(year=2030)
    EngagementCheckFactory(year=2030)
    response = client.get(f"{API}/engagement-checks", **bearer(token_secret(mine.person)))
    assert [c["id"] for c in response.json()["items"]] == [str(mine.uuid)]
    steward_headers = bearer(token_secret(StewardFactory()))
    with django_assert_max_num_queries(6):
        everyone = client.get(f"{API}/engagement-checks?year=2030", **steward_headers).json()
    assert everyone["count"] == 2
    filtered = client.get(
        f"{API}/engagement-checks?person={mine.person.slug}&status=pending", **steward_headers
    ).json()
    assert filtered["count"] == 1
    assert client.get(f"{API}/engagement-checks?status=nope", **steward_headers).status_code == 422
    assert client.get(f"{API}/engagement-checks").status_code == 401


def test_api_patch_evidence_then_review(client: Client) -> None:
    check = EngagementCheckFactory()
    owner = bearer(token_secret(check.person))
    response = patch(
        client, f"/engagement-checks/{check.uuid}", {"evidence_note": "Fait."}, **owner
    )
    assert response.status_code == 200, response.content
    assert response.json()["evidence_note"] == "Fait."
    denied = patch(client, f"/engagement-checks/{check.uuid}", {"status": "done"}, **owner)
    assert denied.status_code == 403
    steward = bearer(token_secret(StewardFactory()))
    reviewed = patch(client, f"/engagement-checks/{check.uuid}", {"status": "done"}, **steward)
    assert reviewed.json()["status"] == "done"
    again = patch(client, f"/engagement-checks/{check.uuid}", {"status": "done"}, **steward)
    assert again.status_code == 409


def test_api_patch_bad_input_is_422_and_changes_nothing(client: Client) -> None:
    check = EngagementCheckFactory()
    owner = bearer(token_secret(check.person))
    url = f"/engagement-checks/{check.uuid}"
    bad_url = patch(client, url, {"evidence_url": "pas une adresse"}, **owner)
    assert bad_url.status_code == 422
    assert "evidence_url" in bad_url.json()["errors"]
    bad_status = patch(client, url, {"status": "pending"}, **owner)
    assert bad_status.status_code == 422
    assert "status" in bad_status.json()["errors"]
    assert patch(client, url, {}, **owner).status_code == 422
    check.refresh_from_db()
    assert (check.evidence_url, check.status) == ("", "pending")
    other = bearer(token_secret(MemberFactory()))
    assert patch(client, url, {"evidence_note": "x"}, **other).status_code == 404


def test_api_open_a_year(client: Client) -> None:
    version = CharterVersionFactory()
    circle_member(version)
    response = client.post(
        f"{API}/engagement-years/2032/open", **bearer(token_secret(StewardFactory()))
    )
    assert response.status_code == 201
    assert response.json() == {"year": 2032, "created": len(ENGAGEMENT_CODES)}
    member = bearer(token_secret(MemberFactory()))
    assert client.post(f"{API}/engagement-years/2032/open", **member).status_code == 403
