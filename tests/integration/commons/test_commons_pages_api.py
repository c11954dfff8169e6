"""The commons registry through the pages and the API: public reads, who may write,
bad input answers 400/422 and changes nothing, bounded query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cercle.commons.models import Common
from tests.conftest import client_for
from tests.factories.missions import CommonFactory, OfferFactory
from tests.factories.network import ContributorFactory, PersonFactory, StewardFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db
API = "/api/v1"


def auth(person: Any) -> dict[str, str]:
    return bearer(token_secret(person))


def many_commons(n: int) -> None:
    author = StewardFactory()
    keepers = [PersonFactory() for _ in range(3)]
    for i in range(n):
        common = Common.objects.create(
            name=f"Commun {i:03}", slug=f"commun-{i:03}", purpose="Un usage", created_by=author
        )
        common.stewards.set(keepers)


def count(client: Client, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return len(captured)


def test_anyone_reads_the_registry_and_a_common(client: Client) -> None:
    common = CommonFactory(name="Wiki des recettes", expected_in_kind="Des recettes")
    inactive = CommonFactory(name="Ancien forum", is_active=False)
    page = client.get("/communs/")
    assert page.status_code == 200
    assert "Wiki des recettes" in page.content.decode()
    assert "Ancien forum" not in page.content.decode()
    detail = client.get(f"/communs/{common.slug}/")
    assert detail.status_code == 200
    assert "Des recettes" in detail.content.decode()
    assert client.get(f"/communs/{inactive.slug}/").status_code == 404
    body = client.get(f"{API}/commons").json()
    assert [c["slug"] for c in body["items"]] == [common.slug]
    one = client.get(f"{API}/commons/{common.slug}").json()
    assert one["usage"] is None
    assert client.get(f"{API}/commons/nope").status_code == 404


def test_members_see_which_offers_use_a_common() -> None:
    common = CommonFactory()
    offer = OfferFactory()
    offer.commons_lines.create(common=common, amount_ht="100.00")
    member = ContributorFactory()
    body = Client().get(f"{API}/commons/{common.slug}", **auth(member)).json()
    assert body["usage"]["offers_count"] == 1
    assert body["usage"]["requests"] == [str(offer.request.uuid)]
    page = client_for(member).get(f"/communs/{common.slug}/").content.decode()
    assert offer.request.title in page


def test_a_contributor_adds_a_common_through_the_page() -> None:
    contributor = ContributorFactory()
    client = client_for(contributor)
    assert client.get("/communs/nouveau/").status_code == 200
    response = client.post(
        "/communs/nouveau/",
        {"name": "Caisse libre", "purpose": "Un logiciel de caisse", "suggested_share_percent": ""},
    )
    assert response.status_code == 302
    common = Common.objects.get(name="Caisse libre")
    assert list(common.stewards.all()) == [contributor]


def test_bad_input_on_the_page_is_a_400_and_creates_nothing() -> None:
    client = client_for(StewardFactory())
    response = client.post(
        "/communs/nouveau/",
        {"name": "X", "purpose": "", "stewards": "inconnu", "suggested_share_percent": "120"},
    )
    assert response.status_code == 400
    response = client.post(
        "/communs/nouveau/", {"name": "X", "purpose": "Y", "stewards": "personne-inconnue"}
    )
    assert response.status_code == 400
    assert not Common.objects.exists()


def test_supporters_and_anonymous_people_cannot_add(client: Client) -> None:
    assert client.get("/communs/nouveau/").status_code == 302  # to the login page
    supporter = PersonFactory(engagement_level="sympathisant")
    assert client_for(supporter).get("/communs/nouveau/").status_code == 403
    response = client.post(f"{API}/commons", {"name": "A", "purpose": "B"}, "application/json")
    assert response.status_code == 401
    response = client.post(
        f"{API}/commons",
        {"name": "A", "purpose": "B"},
        "application/json",
        **auth(supporter),
    )
    assert response.status_code == 403
    assert not Common.objects.exists()


def test_edit_and_deactivate_through_pages() -> None:
    keeper = PersonFactory()
    common = CommonFactory()
    common.stewards.set([keeper])
    client = client_for(keeper)
    response = client.post(
        f"/communs/{common.slug}/modifier/",
        {"name": common.name, "purpose": "Nouvel usage", "stewards": keeper.slug},
    )
    assert response.status_code == 302
    assert Common.objects.get(pk=common.pk).purpose == "Nouvel usage"
    assert client.post(f"/communs/{common.slug}/activation/").status_code == 403
    assert (
        client_for(ContributorFactory()).get(f"/communs/{common.slug}/modifier/").status_code == 403
    )
    steward = client_for(StewardFactory())
    assert steward.post(f"/communs/{common.slug}/activation/").status_code == 302
    assert not Common.objects.get(pk=common.pk).is_active
    assert steward.post(f"/communs/{common.slug}/activation/", {"active": "1"}).status_code == 302
    assert Common.objects.get(pk=common.pk).is_active


def test_the_api_creates_patches_and_deactivates(client: Client) -> None:
    contributor = ContributorFactory()
    keeper = PersonFactory()
    response = client.post(
        f"{API}/commons",
        {
            "name": "Forum",
            "purpose": "Discuter",
            "stewards": [keeper.slug],
            "url": "https://f.example",
        },
        "application/json",
        **auth(contributor),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stewards"] == [{"slug": keeper.slug, "name": keeper.full_name}]
    slug = body["slug"]
    bad = client.patch(
        f"{API}/commons/{slug}", {"url": "pas une adresse"}, "application/json", **auth(keeper)
    )
    assert bad.status_code == 422
    assert bad.json()["errors"]["url"]
    share = client.patch(
        f"{API}/commons/{slug}",
        {"suggested_share_percent": 150},
        "application/json",
        **auth(keeper),
    )
    assert share.status_code == 422
    ok = client.patch(
        f"{API}/commons/{slug}", {"expected_in_euros": "1 % HT"}, "application/json", **auth(keeper)
    )
    assert ok.status_code == 200
    assert ok.json()["expected_in_euros"] == "1 % HT"
    assert Common.objects.get(slug=slug).url == "https://f.example"
    denied = client.post(f"{API}/commons/{slug}/deactivate", **auth(keeper))
    assert denied.status_code == 403
    done = client.post(f"{API}/commons/{slug}/deactivate", **auth(StewardFactory()))
    assert done.json()["is_active"] is False


def test_duplicate_name_through_the_api_is_a_field_error(client: Client) -> None:
    CommonFactory(name="Forum")
    response = client.post(
        f"{API}/commons",
        {"name": "Forum", "purpose": "x"},
        "application/json",
        **auth(StewardFactory()),
    )
    assert response.status_code == 422
    assert response.json()["errors"]["name"]


def test_list_page_and_api_list_count_the_same_queries_at_5_and_50(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    many_commons(5)
    few = (count(client, "/communs/"), count(client, f"{API}/commons"))
    many_commons_more = 45
    author = StewardFactory()
    for i in range(many_commons_more):
        Common.objects.create(name=f"Autre {i}", slug=f"autre-{i}", purpose="x", created_by=author)
    many = (count(client, "/communs/"), count(client, f"{API}/commons?limit=100"))
    assert few == many
    with django_assert_max_num_queries(8):
        client.get("/communs/")
