"""Support letters and reading criteria through the API: the same services as the
pages, the error shape, and bounded queries."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.decisions.enums import LetterStatus
from cercle.decisions.models import ReadingCriterion, SupportLetterRequest
from cercle.network.enums import ActorType
from tests.factories.decisions_letters import (
    SupportLetterRequestFactory,
    pdf_upload,
    png_upload,
)
from tests.factories.decisions_threads import AssociationGroupFactory
from tests.factories.network import (
    ContributorFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
    StewardFactory,
    SupporterFactory,
)
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def headers(person: Any) -> dict[str, str]:
    return bearer(token_secret(person))


def post_json(url: str, body: object, person: Any) -> Any:
    return Client().post(
        API + url, json.dumps(body), content_type="application/json", **headers(person)
    )


@pytest.fixture
def world() -> dict[str, Any]:
    AssociationGroupFactory()
    holder = OrganizationFactory(name="La Ruche des Prés")
    operator = OrganizationFactory(name="Atelier Méridien", actor_type=ActorType.PRESTATAIRE)
    requester = PersonFactory()
    OrganizationMembershipFactory(organization=holder, person=requester)
    tied = ContributorFactory()
    OrganizationMembershipFactory(organization=holder, person=tied)
    return {
        "holder": holder,
        "operator": operator,
        "requester": requester,
        "tied": tied,
        "steward": StewardFactory(),
        "reviewer": ContributorFactory(),
    }


def form(world: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {
        "project_name": "Le Jardin Partagé",
        "project_summary": "Un jardin et une cuisine ouverte.",
        "holder": world["holder"].slug,
        "operators": [world["operator"].slug],
        "call_name": "Appel Territoires ruraux",
        "call_deadline": (timezone.now() + datetime.timedelta(days=15)).isoformat(),
        "contact_email": "contact@ruche.example.org",
        "dossier": pdf_upload(),
    }
    data.update(changes)
    return data


def test_the_path_through_the_api(world: dict[str, Any]) -> None:
    client = Client()
    created = client.post(API + "/support-letters", form(world), **headers(world["requester"]))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted"
    assert body["holder"]["slug"] == world["holder"].slug
    assert [o["slug"] for o in body["operators"]] == [world["operator"].slug]
    uuid = body["id"]

    candidates = client.get(
        f"{API}/support-letters/{uuid}/reviewer-candidates", **headers(world["steward"])
    )
    assert candidates.status_code == 200
    rows = {row["slug"]: row for row in candidates.json()["items"]}
    assert rows[world["tied"].slug]["conflicts"]
    assert rows[world["reviewer"].slug]["conflicts"] == []

    conflicted = post_json(
        f"/support-letters/{uuid}/reviewer", {"person": world["tied"].slug}, world["steward"]
    )
    assert conflicted.status_code == 409
    assert "La Ruche des Prés" in conflicted.json()["errors"]["person"][0]
    appointed = post_json(
        f"/support-letters/{uuid}/reviewer", {"person": world["reviewer"].slug}, world["steward"]
    )
    assert appointed.status_code == 200
    assert appointed.json()["reviewer"] == world["reviewer"].slug

    criteria = list(ReadingCriterion.objects.filter(is_active=True))
    partial = post_json(
        f"/support-letters/{uuid}/review",
        {
            "assessments": [{"criterion": str(criteria[0].uuid), "assessment": "met"}],
            "summary": "Bien.",
        },
        world["reviewer"],
    )
    assert partial.status_code == 422
    assert f"criterion_{criteria[1].uuid}" in partial.json()["errors"]
    reviewed = post_json(
        f"/support-letters/{uuid}/review",
        {
            "assessments": [
                {"criterion": str(c.uuid), "assessment": "partly", "comment": "À suivre."}
                for c in criteria
            ],
            "summary": "Un projet prometteur.",
        },
        world["reviewer"],
    )
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["status"] == "in_decision"
    assert reviewed.json()["proposal"] is not None
    assert len(reviewed.json()["assessments"]) == len(criteria)

    pdf = client.get(f"{API}/support-letters/{uuid}/pdf", **headers(world["requester"]))
    assert pdf.status_code == 403
    dossier = client.get(f"{API}/support-letters/{uuid}/dossier", **headers(world["requester"]))
    assert dossier.status_code == 200


def test_bad_input_through_the_api_changes_nothing(world: dict[str, Any]) -> None:
    client = Client()
    auth = headers(world["requester"])
    refused = client.post(API + "/support-letters", form(world, dossier=png_upload()), **auth)
    assert refused.status_code == 422
    assert "dossier" in refused.json()["errors"]
    unknown = client.post(API + "/support-letters", form(world, holder="personne"), **auth)
    assert unknown.status_code == 422
    assert "holder" in unknown.json()["errors"]
    late = client.post(
        API + "/support-letters",
        form(world, call_deadline=(timezone.now() + datetime.timedelta(days=1)).isoformat()),
        **auth,
    )
    assert late.status_code == 422
    assert "call_deadline" in late.json()["errors"]
    missing = client.post(API + "/support-letters", {"project_name": "x"}, **auth)
    assert missing.status_code == 422
    assert client.post(API + "/support-letters", form(world), **auth).status_code == 201
    twice = client.post(API + "/support-letters", form(world), **auth)
    assert twice.status_code == 422
    assert "project_name" in twice.json()["errors"]
    assert SupportLetterRequest.objects.count() == 1
    anonymous = Client().post(API + "/support-letters", form(world))
    assert anonymous.status_code == 401


def test_letters_are_hidden_from_strangers(world: dict[str, Any]) -> None:
    letter = SupportLetterRequestFactory(holder=world["holder"], requested_by=world["requester"])
    stranger = PersonFactory()
    assert (
        Client().get(f"{API}/support-letters/{letter.uuid}", **headers(stranger)).status_code == 404
    )
    listed = Client().get(f"{API}/support-letters", **headers(stranger)).json()
    assert listed["count"] == 0
    mine = Client().get(f"{API}/support-letters", **headers(world["requester"])).json()
    assert mine["count"] == 1


def test_reading_criteria_api(world: dict[str, Any]) -> None:
    listed = Client().get(f"{API}/reading-criteria")
    assert listed.status_code == 200
    assert listed.json()["count"] == 6
    assert post_json(
        "/reading-criteria", {"title": "Sobriété"}, SupporterFactory()
    ).status_code == (403)
    created = post_json(
        "/reading-criteria", {"title": "Sobriété", "description": "Peu de béton."}, world["steward"]
    )
    assert created.status_code == 201
    uuid = created.json()["id"]
    assert created.json()["position"] == 6
    moved = post_json(f"/reading-criteria/{uuid}/move", {"direction": "up"}, world["steward"])
    assert moved.status_code == 200
    assert moved.json()["position"] == 5
    patched = Client().patch(
        f"{API}/reading-criteria/{uuid}",
        json.dumps({"is_active": False, "title": "Sobriété foncière"}),
        content_type="application/json",
        **headers(world["steward"]),
    )
    assert patched.status_code == 200
    assert patched.json()["is_active"] is False
    assert patched.json()["title"] == "Sobriété foncière"
    empty = Client().patch(
        f"{API}/reading-criteria/{uuid}",
        json.dumps({"title": ""}),
        content_type="application/json",
        **headers(world["steward"]),
    )
    assert empty.status_code == 422
    top = ReadingCriterion.objects.order_by("position").first()
    assert top is not None
    edge = post_json(f"/reading-criteria/{top.uuid}/move", {"direction": "up"}, world["steward"])
    assert edge.status_code == 409


def _grow(n: int, world: dict[str, Any]) -> None:
    for _ in range(n):
        SupportLetterRequestFactory(
            holder=OrganizationFactory(),
            requested_by=world["requester"],
            operators=[world["operator"]],
            status=LetterStatus.IN_REVIEW,
            reviewer=world["reviewer"],
        )


def _queries(client: Client, url: str, **extra: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:300]
    return len(context.captured_queries)


def test_lists_cost_the_same_at_two_sizes(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    member = SupporterFactory()
    from tests.integration.core.conftest import logged_in

    page = logged_in(member)
    api = Client()
    auth = headers(member)
    api.get(f"{API}/support-letters", **auth)  # the token's first use is recorded once
    _grow(3, world)
    small = (
        _queries(page, "/lettres-de-soutien/"),
        _queries(api, f"{API}/support-letters", **auth),
    )
    _grow(30, world)
    with django_assert_max_num_queries(12):
        page.get("/lettres-de-soutien/")
    large = (
        _queries(page, "/lettres-de-soutien/"),
        _queries(api, f"{API}/support-letters", **auth),
    )
    assert small == large


def test_detail_and_candidates_cost_the_same_at_two_sizes(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    letter = SupportLetterRequestFactory(
        holder=world["holder"], requested_by=world["requester"], operators=[world["operator"]]
    )
    steward = world["steward"]
    from tests.integration.core.conftest import logged_in

    page = logged_in(steward)
    api = Client()
    auth = headers(steward)
    api.get(f"{API}/support-letters/{letter.uuid}", **auth)
    urls = [
        f"/lettres-de-soutien/{letter.uuid}/",
        f"/lettres-de-soutien/{letter.uuid}/relecteur/",
    ]
    api_urls = [
        f"{API}/support-letters/{letter.uuid}",
        f"{API}/support-letters/{letter.uuid}/reviewer-candidates",
    ]

    def measure() -> list[int]:
        return [_queries(page, u) for u in urls] + [_queries(api, u, **auth) for u in api_urls]

    small = measure()
    for _ in range(30):
        person = ContributorFactory()
        OrganizationMembershipFactory(organization=world["operator"], person=person)
        other = OrganizationFactory()
        letter.operators.add(other)
    with django_assert_max_num_queries(15):
        page.get(f"/lettres-de-soutien/{letter.uuid}/relecteur/")
    assert measure() == small
