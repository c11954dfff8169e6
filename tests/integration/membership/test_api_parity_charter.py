"""API twins of the charter, regulation and stewards' pages: one charter version, the
signatories to re-sign, one regulation case, the members behind on their engagements
and the stewards' figures — through the same selectors and policies as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.membership.enums import EngagementCheckStatus, RegulationStatus
from tests.factories.membership_charter import (
    CharterSignatureFactory,
    CharterVersionFactory,
    ContributorMemberFactory,
    EngagementCheckFactory,
    MemberFactory,
    RegulationCaseFactory,
    bulk_engagement_checks,
    bulk_listed_members,
    circle_member,
)
from tests.factories.network import PersonFactory, StewardFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"
UNKNOWN = "00000000-0000-0000-0000-000000000000"


def auth(person: Any) -> dict[str, str]:
    return bearer(token_secret(person))


def error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"]
    if field is not None:
        assert body["errors"].get(field), body
    return dict(body)


def count_queries(client: Client, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return len(captured)


# ---------------------------------------------------------------- one charter version


def test_one_version_is_public_with_its_engagements(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    """Anyone reads any version; `is_current` tells the newest from the older ones."""
    old = CharterVersionFactory()
    new = CharterVersionFactory(engagements=["inform-network"])
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/charter/versions/{old.number}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["number"], body["title"], body["is_current"]) == (old.number, old.title, False)
    assert [e["code"] for e in body["engagements"]][:2] == ["inform-network", "open-the-door"]
    assert len(body["engagements"]) == 5
    current = client.get(f"{API}/charter/versions/{new.number}").json()
    assert (current["is_current"], len(current["engagements"])) == (True, 1)


def test_an_unknown_or_malformed_version_number(client: Client) -> None:
    """404 for a number never published, 422 for something that is not a number."""
    CharterVersionFactory()
    error(client.get(f"{API}/charter/versions/99"), 404)
    error(client.get(f"{API}/charter/versions/first"), 422, "number")


# ---------------------------------------------------------------- signatories to re-sign


def test_stewards_list_the_signatories_to_resign(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    """Signed an earlier version but not the current one; never signed ones are left out."""
    old = CharterVersionFactory()
    current = CharterVersionFactory()
    late = MemberFactory(last_name="Aubert")
    CharterSignatureFactory(person=late, version=old)
    up_to_date = MemberFactory()
    CharterSignatureFactory(person=up_to_date, version=old)
    CharterSignatureFactory(person=up_to_date, version=current)
    MemberFactory()
    steward = auth(StewardFactory())
    url = f"{API}/charter/signatories-to-resign"
    client.get(url, **steward)
    with django_assert_max_num_queries(4):
        response = client.get(url, **steward)
    body = response.json()
    assert body["count"] == 1
    assert body["items"] == [
        {
            "slug": late.slug,
            "name": late.full_name,
            "email": late.user.email,
            "last_signed_version": old.number,
        }
    ]


def test_the_resign_list_costs_the_same_with_5_or_50_rows(client: Client) -> None:
    old = CharterVersionFactory()
    bulk_listed_members(5, version=old, references=0)
    CharterVersionFactory()
    steward = auth(StewardFactory())
    url = f"{API}/charter/signatories-to-resign?limit=100"
    client.get(url, **steward)
    few = count_queries(client, url, **steward)
    bulk_listed_members(45, version=old, references=0)
    assert count_queries(client, url, **steward) == few
    assert client.get(url, **steward).json()["count"] == 50


def test_the_resign_list_is_for_stewards(client: Client) -> None:
    """401 anonymous, 403 members, 422 on a bad page size."""
    url = f"{API}/charter/signatories-to-resign"
    error(client.get(url), 401)
    error(client.get(url, **auth(ContributorMemberFactory())), 403)
    error(client.get(f"{url}?limit=-1", **auth(StewardFactory())), 422, "limit")


# ---------------------------------------------------------------- one regulation case


def test_a_case_is_seen_by_stewards_the_member_concerned_and_who_raised_it(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    case = RegulationCaseFactory(
        status=RegulationStatus.HEARING, hearing_notes="Entendu.", heard_at=timezone.now()
    )
    url = f"{API}/regulation-cases/{case.uuid}"
    steward = auth(StewardFactory())
    client.get(f"{API}/regulation-cases", **steward)
    with django_assert_max_num_queries(4):
        response = client.get(url, **steward)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["person"], body["raised_by"]) == (
        str(case.uuid),
        case.person.slug,
        case.raised_by.slug,
    )
    assert (body["status"], body["hearing_notes"], body["decision"]) == ("hearing", "Entendu.", "")
    for person in (case.person, case.raised_by):
        assert client.get(url, **auth(person)).json()["id"] == str(case.uuid)


def test_a_case_refusals(client: Client) -> None:
    """401 anonymous, 403 for any other member (as the page), 404 unknown, 422 bad id."""
    case = RegulationCaseFactory()
    url = f"{API}/regulation-cases/{case.uuid}"
    error(client.get(url), 401)
    error(client.get(url, **auth(ContributorMemberFactory())), 403)
    error(client.get(url, **auth(PersonFactory())), 403)
    steward = auth(StewardFactory())
    error(client.get(f"{API}/regulation-cases/{UNKNOWN}", **steward), 404)
    error(client.get(f"{API}/regulation-cases/not-a-uuid", **steward), 422)


# ---------------------------------------------------------------- members behind


def test_stewards_see_who_is_behind_for_a_year(client: Client) -> None:
    """Circle members with checks not done, most behind first; filters as on the page."""
    version = CharterVersionFactory()
    year = timezone.localdate().year
    behind = circle_member(version, last_name="Bernard")
    EngagementCheckFactory(person=behind, year=year, engagement_code="inform-network")
    EngagementCheckFactory(
        person=behind,
        year=year,
        engagement_code="open-the-door",
        status=EngagementCheckStatus.MISSED,
    )
    less = circle_member(version, last_name="Aubry")
    EngagementCheckFactory(person=less, year=year, engagement_code="inform-network")
    done = circle_member(version)
    EngagementCheckFactory(person=done, year=year, status=EngagementCheckStatus.DONE)
    steward = auth(StewardFactory())
    body = client.get(f"{API}/engagement-years/{year}/members-behind", **steward).json()
    assert [p["slug"] for p in body["items"]] == [behind.slug, less.slug]
    first = body["items"][0]
    assert (first["behind_count"], first["missed_count"]) == (2, 1)
    assert [c["engagement_code"] for c in first["checks"]] == ["inform-network", "open-the-door"]
    missed = client.get(
        f"{API}/engagement-years/{year}/members-behind?status=missed", **steward
    ).json()
    assert [p["slug"] for p in missed["items"]] == [behind.slug]
    named = client.get(f"{API}/engagement-years/{year}/members-behind?q=aubr", **steward).json()
    assert [p["slug"] for p in named["items"]] == [less.slug]
    other_year = client.get(f"{API}/engagement-years/{year - 1}/members-behind", **steward)
    assert other_year.json()["count"] == 0


def test_the_behind_list_costs_the_same_with_5_or_50_rows(client: Client) -> None:
    version = CharterVersionFactory()
    year = timezone.localdate().year
    bulk_engagement_checks(bulk_listed_members(5, version=version, references=0), year=year)
    steward = auth(StewardFactory())
    url = f"{API}/engagement-years/{year}/members-behind?limit=100"
    client.get(url, **steward)
    few = count_queries(client, url, **steward)
    bulk_engagement_checks(bulk_listed_members(45, version=version, references=0), year=year)
    assert count_queries(client, url, **steward) == few
    assert client.get(url, **steward).json()["count"] == 50


def test_the_behind_list_refusals(client: Client) -> None:
    """401 anonymous, 403 members, 422 on a year out of range or an unknown status."""
    url = f"{API}/engagement-years/2025/members-behind"
    error(client.get(url), 401)
    error(client.get(url, **auth(MemberFactory())), 403)
    steward = auth(StewardFactory())
    error(client.get(f"{API}/engagement-years/1999/members-behind", **steward), 422, "year")
    error(client.get(f"{url}?status=done", **steward), 422, "status")
    error(client.get(f"{url}?q={'x' * 81}", **steward), 422, "q")


# ---------------------------------------------------------------- stewards' figures


def test_stewards_get_the_figures_of_their_home_page(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    old = CharterVersionFactory()
    CharterSignatureFactory(person=MemberFactory(), version=old)
    current = CharterVersionFactory()
    circle_member(current)
    RegulationCaseFactory()
    steward = auth(StewardFactory())
    client.get(f"{API}/me", **steward)
    with django_assert_max_num_queries(10):
        response = client.get(f"{API}/stewards/summary", **steward)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "year": timezone.localdate().year,
        "current_charter_version": current.number,
        "contracts_to_handle": 0,
        "to_resign": 1,
        "behind": 0,
        "open_cases": 1,
        "circle_members": 1,
    }


def test_the_figures_are_for_stewards(client: Client) -> None:
    error(client.get(f"{API}/stewards/summary"), 401)
    error(client.get(f"{API}/stewards/summary", **auth(ContributorMemberFactory())), 403)
