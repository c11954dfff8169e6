"""The requests API: intake, confirmation, list, detail, qualify, cancel, documents,
panel; refusals with the one error shape and nothing changed."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from cercle.core.signed_links import make_token
from cercle.missions.enums import RequestStatus
from cercle.missions.models import PanelInvitation, RequestDocument, SupportRequest
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import (
    OfferFactory,
    QualifiedRequestFactory,
    SupportRequestFactory,
    TeamFactory,
    consultant,
)
from tests.factories.network import SkillFactory, StewardFactory
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def post_json(client: Client, url: str, body: object, **extra: str) -> Any:
    return client.post(API + url, json.dumps(body), content_type="application/json", **extra)


def auth(person: Any) -> dict[str, str]:
    return bearer(token_secret(person))


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Relancer le café associatif",
        "description": "Un tiers-lieu cherche à diversifier ses activités.",
        "client_name": "Le Café des Possibles",
        "contact_name": "Rémi Cazals",
        "contact_email": "remi@cafe-possibles.example",
        "territory": "59350",
        "budget_min_ht": "4000",
        "budget_max_ht": "7000.50",
        "offers_deadline": (timezone.now() + datetime.timedelta(days=12)).isoformat(),
    }
    data.update(overrides)
    return data


def test_public_submission_and_confirmation(django_capture_on_commit_callbacks: Any) -> None:
    member = consultant()
    response = post_json(Client(), "/requests/public", body())
    assert response.status_code == 201, response.content
    uuid = response.json()["id"]
    assert response.json()["status"] == "unconfirmed"
    token = make_token("request-confirm", uuid)
    refused = post_json(Client(), f"/requests/{uuid}/confirm", {"token": "faux"})
    assert refused.status_code == 401
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = post_json(Client(), f"/requests/{uuid}/confirm", {"token": token})
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "new"
    assert post_json(Client(), f"/requests/{uuid}/confirm", {"token": token}).status_code == 200
    panel = Client().get(f"{API}/requests/{uuid}/panel", **auth(member))
    assert panel.status_code == 200
    assert [p["slug"] for p in panel.json()] == [member.slug]
    assert panel.json()[0]["missions_12m"] == 0


def test_public_submission_refusals_change_nothing() -> None:
    bad = post_json(Client(), "/requests/public", body(budget_min_ht="9000", territory="00"))
    assert bad.status_code == 422
    assert {"budget_max_ht", "territory"} <= set(bad.json()["errors"])
    shape = post_json(Client(), "/requests/public", body(budget_min_ht="beaucoup"))
    assert shape.status_code == 422
    assert "budget_min_ht" in shape.json()["errors"]
    assert not SupportRequest.objects.exists()


def test_public_submission_is_rate_limited() -> None:
    client = Client()
    for _ in range(5):
        post_json(client, "/requests/public", body(territory="00"))
    limited = post_json(client, "/requests/public", body())
    assert limited.status_code == 429
    assert limited.json()["detail"]
    assert not SupportRequest.objects.exists()


def test_list_needs_a_login_and_the_circle() -> None:
    support_request = SupportRequestFactory()
    assert Client().get(f"{API}/requests").status_code == 401
    assert Client().get(f"{API}/requests", **auth(MemberFactory())).status_code == 403
    listing = Client().get(f"{API}/requests", **auth(consultant()))
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    item = listing.json()["items"][0]
    assert item["id"] == str(support_request.uuid)
    assert item["positioned_count"] == 0
    assert Client().get(f"{API}/requests?status=bogus", **auth(consultant())).status_code == 422


def test_list_filters_and_detail() -> None:
    skill = SkillFactory()
    wanted = SupportRequestFactory(skills=[skill], territory_id="2A")
    SupportRequestFactory()
    SupportRequestFactory(status=RequestStatus.UNCONFIRMED, confirmed_at=None)
    headers = auth(consultant())
    listing = Client().get(f"{API}/requests?skill={skill.slug}&department=2A", **headers)
    assert [i["id"] for i in listing.json()["items"]] == [str(wanted.uuid)]
    detail = Client().get(f"{API}/requests/{wanted.uuid}", **headers)
    assert detail.status_code == 200
    assert detail.json()["skills"] == [skill.slug]
    missing = Client().get(f"{API}/requests/00000000-0000-0000-0000-000000000000", **headers)
    assert missing.status_code == 404


def test_steward_creates_qualifies_and_cancels(django_capture_on_commit_callbacks: Any) -> None:
    steward = auth(StewardFactory())
    with django_capture_on_commit_callbacks(execute=True):
        created = post_json(Client(), "/requests", body(source="partner"), **steward)
    assert created.status_code == 201, created.content
    uuid = created.json()["id"]
    assert created.json()["status"] == "new"
    qualify = {
        "scope": "structuring",
        "subsidiarity_note": "Trois sites dans deux départements.",
        "selection_mode": "client",
        "price_rule": "linear",
        "criteria": [
            {"name": "Prix", "weight": 25, "is_price": True},
            {"name": "Méthode", "weight": 75},
        ],
        "offers_deadline": (timezone.now() + datetime.timedelta(days=8)).isoformat(),
    }
    done = post_json(Client(), f"/requests/{uuid}/qualify", qualify, **steward)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "qualified"
    assert [c["weight"] for c in done.json()["criteria"]] == [25, 75]
    cancelled = post_json(Client(), f"/requests/{uuid}/cancel", {"reason": "Doublon."}, **steward)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    again = post_json(Client(), f"/requests/{uuid}/cancel", {"reason": "Encore."}, **steward)
    assert again.status_code == 409


def test_qualify_refusals() -> None:
    support_request = SupportRequestFactory()
    steward = auth(StewardFactory())
    url = f"/requests/{support_request.uuid}/qualify"
    payload = {
        "scope": "local",
        "selection_mode": "delegated",
        "criteria": [{"name": "Méthode", "weight": 99}],
        "offers_deadline": (timezone.now() + datetime.timedelta(days=8)).isoformat(),
    }
    wrong = post_json(Client(), url, payload, **steward)
    assert wrong.status_code == 422
    assert "criteria" in wrong.json()["errors"]
    assert post_json(Client(), url, payload, **auth(consultant())).status_code == 403
    assert post_json(Client(), "/requests", body(), **auth(consultant())).status_code == 403
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.NEW
    qualified = QualifiedRequestFactory()
    OfferFactory(team=TeamFactory(request=qualified))
    payload["criteria"] = [{"name": "Méthode", "weight": 100}]
    conflict = post_json(Client(), f"/requests/{qualified.uuid}/qualify", payload, **steward)
    assert conflict.status_code == 409
    assert qualified.criteria.count() == 3


def test_documents_upload() -> None:
    support_request = SupportRequestFactory()
    steward = auth(StewardFactory())
    url = f"{API}/requests/{support_request.uuid}/documents"
    upload = SimpleUploadedFile("note.txt", b"Notes de cadrage", "text/plain")
    response = Client().post(url, {"documents": [upload]}, **steward)
    assert response.status_code == 201, response.content
    assert response.json()[0]["name"] == "note.txt"
    document_url = f"{url}/{response.json()[0]['id']}"
    download = Client().get(document_url, **auth(consultant()))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Notes de cadrage"  # type: ignore[attr-defined]
    assert Client().get(document_url).status_code == 401
    bad = SimpleUploadedFile("x.pdf", b"\x00\x01binary", "application/pdf")
    refused = Client().post(url, {"documents": [bad]}, **steward)
    assert refused.status_code == 422
    assert RequestDocument.objects.count() == 1
    other = Client().post(url, {"documents": [upload]}, **auth(consultant()))
    assert other.status_code == 403


def test_panel_is_not_public() -> None:
    support_request = SupportRequestFactory()
    PanelInvitation.objects.create(
        request=support_request, person=consultant(), awarded_missions_12m=0
    )
    assert Client().get(f"{API}/requests/{support_request.uuid}/panel").status_code == 401
