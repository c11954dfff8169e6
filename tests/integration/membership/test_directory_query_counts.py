"""Every list page of the directory, the circle, engagement follow-up and regulation makes
the same number of queries with 5 members as with 500 (pages and API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.membership.models import CharterVersion
from cercle.network.models import Person
from tests.factories.membership_charter import (
    CharterSignatureFactory,
    CharterVersionFactory,
    bulk_engagement_checks,
    bulk_listed_members,
    bulk_regulation_cases,
)
from tests.factories.network import OrganizationFactory, SkillFactory, StewardFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 500


def queries_of(client: Client, url: str, **extra: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:500]
    return len(context.captured_queries)


class Network:
    """A circle of people with skills, territories, organizations, references, checks,
    outdated signatures and regulation cases, grown in bulk."""

    def __init__(self) -> None:
        self.old = CharterVersionFactory()
        self.version: CharterVersion = CharterVersionFactory()
        self.skills = [SkillFactory(is_major=True), SkillFactory()]
        self.organization = OrganizationFactory()
        self.steward = StewardFactory()
        self.people: list[Person] = []
        self.year = timezone.localdate().year

    def grow_to(self, total: int) -> None:
        people = bulk_listed_members(
            total - len(self.people),
            version=self.version,
            skills=self.skills,
            organization=self.organization,
            references=2,
        )
        bulk_engagement_checks(people, year=self.year)
        bulk_regulation_cases(people, raised_by=self.steward)
        for person in people[:2]:
            CharterSignatureFactory(person=person, version=self.old)
        self.people += people


@pytest.fixture
def network() -> Network:
    return Network()


def assert_same_queries(
    network: Network,
    django_assert_num_queries: Any,
    url: str,
    client: Callable[[Network], Client],
) -> None:
    network.grow_to(SMALL)
    browser = client(network)
    queries_of(browser, url)  # warm-up: sessions, content types…
    small = queries_of(browser, url)
    network.grow_to(LARGE)
    with django_assert_num_queries(small):
        response = browser.get(url)
    assert response.status_code == 200


def anonymous(network: Network) -> Client:
    return Client()


def as_steward(network: Network) -> Client:
    return logged_in(network.steward)


PAGES = [
    ("/annuaire/", anonymous),
    ("/annuaire/?skill=__skill__&territory=59", anonymous),
    ("/cercle/", as_steward),
    ("/soucieux/engagements/", as_steward),
    ("/soucieux/a-resigner/", as_steward),
    ("/regulation/", as_steward),
    ("/soucieux/", as_steward),
    ("/charte/versions/", anonymous),
]


@pytest.mark.parametrize(("url", "client"), PAGES)
def test_pages_make_the_same_queries_for_5_and_500_members(
    network: Network, django_assert_num_queries: Any, url: str, client: Any
) -> None:
    url = url.replace("__skill__", network.skills[0].slug)
    assert_same_queries(network, django_assert_num_queries, url, client)


def test_a_directory_member_page_does_not_grow(
    network: Network, django_assert_num_queries: Any
) -> None:
    network.grow_to(SMALL)
    browser = Client()
    url = f"/annuaire/{network.people[0].slug}/"
    queries_of(browser, url)
    small = queries_of(browser, url)
    network.grow_to(LARGE)
    with django_assert_num_queries(small):
        browser.get(url)


API_LISTS = [
    "/api/v1/directory",
    "/api/v1/directory?skill=__skill__&territory=59",
    "/api/v1/circle/members",
    "/api/v1/engagement-checks",
    "/api/v1/regulation-cases",
    "/api/v1/charter/versions",
]


@pytest.mark.parametrize("url", API_LISTS)
def test_api_lists_make_the_same_queries_for_5_and_500_members(
    network: Network, django_assert_num_queries: Any, url: str
) -> None:
    url = url.replace("__skill__", network.skills[0].slug)
    network.grow_to(SMALL)
    browser = Client()
    headers = bearer(token_secret(network.steward))
    queries_of(browser, url, **headers)
    small = queries_of(browser, url, **headers)
    network.grow_to(LARGE)
    with django_assert_num_queries(small):
        response = browser.get(url, **headers)
    assert response.status_code == 200
