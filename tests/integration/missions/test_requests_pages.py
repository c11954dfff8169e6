"""Request pages through the test client: intake, confirmation, list, detail,
qualification, cancellation, documents; refusals change nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from cercle.core.signed_links import make_token
from cercle.missions.enums import RequestStatus
from cercle.missions.models import Criterion, PanelInvitation, RequestDocument, SupportRequest
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import (
    OfferFactory,
    QualifiedRequestFactory,
    SupportRequestFactory,
    TeamFactory,
    consultant,
)
from tests.factories.network import SkillFactory, StewardFactory
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def future(days: int = 15) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client_name": "Mairie de Saint-Aubin-des-Prés",
        "contact_name": "Gaëlle Moreau",
        "contact_email": "gaelle@saint-aubin.example",
        "title": "Ouvrir un tiers-lieu dans l'ancienne gare",
        "description": "Étude de préfiguration et mobilisation des habitants.",
        "territory": "59",
        "budget_min_ht": "6000",
        "budget_max_ht": "12000",
        "offers_deadline": future(),
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- intake


def test_public_intake_then_confirmation(django_capture_on_commit_callbacks: Any) -> None:
    skill = SkillFactory()
    member = consultant(skills=[skill])
    client = Client()
    assert client.get("/demandes/deposer/").status_code == 200
    upload = SimpleUploadedFile("cdc.pdf", b"%PDF-1.4 cahier", "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/demandes/deposer/", form_data(skills=[skill.slug], documents=[upload])
        )
    assert response.status_code == 302
    support_request = SupportRequest.objects.get()
    assert support_request.status == RequestStatus.UNCONFIRMED
    assert RequestDocument.objects.count() == 1
    # The circle cannot see it yet.
    assert logged_in(member).get(support_request.get_absolute_url()).status_code == 404
    token = make_token("request-confirm", str(support_request.uuid))
    url = f"/demandes/{support_request.uuid}/confirmer/{token}/"
    page = client.get(url)
    assert page.status_code == 200
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.UNCONFIRMED  # GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 200
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.NEW
    assert PanelInvitation.objects.filter(person=member).exists()
    assert client.post(url).status_code == 200  # twice is harmless
    detail = logged_in(member).get(support_request.get_absolute_url())
    assert detail.status_code == 200
    assert "cdc.pdf" in detail.content.decode()


def test_public_intake_bad_input_is_a_400_and_creates_nothing() -> None:
    response = Client().post(
        "/demandes/deposer/",
        form_data(budget_min_ht="9000", budget_max_ht="10", offers_deadline="2001-01-01T10:00"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert escape(fr("The upper budget must be at least the lower budget.")) in body
    assert escape(fr("The deadline for offers must be in the future.")) in body
    bad_file = SimpleUploadedFile("x.pdf", b"\x00\x01\x02binary", "application/pdf")
    assert Client().post("/demandes/deposer/", form_data(documents=[bad_file])).status_code == 400
    assert not SupportRequest.objects.exists()


def test_public_intake_is_rate_limited() -> None:
    client = Client()
    for _ in range(5):
        assert client.post("/demandes/deposer/", form_data(title="")).status_code == 400
    response = client.post("/demandes/deposer/", form_data())
    assert response.status_code == 429
    assert escape(fr("Too many attempts. Please wait a few minutes and try again.")) in (
        response.content.decode()
    )
    assert not SupportRequest.objects.exists()


def test_honeypot_keeps_nothing() -> None:
    response = Client().post("/demandes/deposer/", form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not SupportRequest.objects.exists()


def test_a_forged_confirmation_link_is_refused() -> None:
    support_request = SupportRequestFactory(status=RequestStatus.UNCONFIRMED, confirmed_at=None)
    url = f"/demandes/{support_request.uuid}/confirmer/faux/"
    assert Client().get(url).status_code == 403
    assert Client().post(url).status_code == 403
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.UNCONFIRMED


def test_steward_form(django_capture_on_commit_callbacks: Any) -> None:
    steward = logged_in(StewardFactory())
    assert steward.get("/demandes/nouvelle/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = steward.post("/demandes/nouvelle/", form_data(source="tender_watch"))
    assert response.status_code == 302
    assert SupportRequest.objects.get().status == RequestStatus.NEW
    assert steward.post("/demandes/nouvelle/", form_data(territory="00")).status_code == 400
    assert logged_in(consultant()).get("/demandes/nouvelle/").status_code == 403


# ---------------------------------------------------------------- visibility


def test_list_and_detail_visibility() -> None:
    support_request = SupportRequestFactory()
    assert Client().get("/demandes/").status_code == 302  # to the login page
    assert logged_in(MemberFactory()).get("/demandes/").status_code == 403
    assert logged_in(MemberFactory()).get(support_request.get_absolute_url()).status_code == 403
    member = logged_in(consultant())
    listing = member.get("/demandes/")
    assert listing.status_code == 200
    assert support_request.title in listing.content.decode()
    assert member.get(support_request.get_absolute_url()).status_code == 200
    assert member.get("/demandes/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_list_filters() -> None:
    skill = SkillFactory()
    wanted = SupportRequestFactory(skills=[skill], title="Jardin partagé", territory_id="2A")
    other = SupportRequestFactory(title="Fablab")
    member = logged_in(consultant())
    body = member.get(f"/demandes/?skill={skill.slug}&department=2A&q=jardin").content.decode()
    assert wanted.title in body
    assert other.title not in body
    assert member.get("/demandes/?status=inconnu").status_code == 400


def test_document_download_follows_the_request_policy(settings: Any) -> None:
    support_request = SupportRequestFactory()
    steward = StewardFactory()
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", "application/pdf")
    response = logged_in(steward).post(
        f"/demandes/{support_request.uuid}/documents/", {"documents": [upload]}
    )
    assert response.status_code == 302
    document = RequestDocument.objects.get()
    url = f"/demandes/{support_request.uuid}/documents/{document.uuid}/"
    download = logged_in(consultant()).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 plan"  # type: ignore[attr-defined]
    assert logged_in(MemberFactory()).get(url).status_code == 403
    other = SupportRequestFactory()
    assert (
        logged_in(steward).get(f"/demandes/{other.uuid}/documents/{document.uuid}/").status_code
        == 404
    )
    assert (
        logged_in(consultant())
        .post(f"/demandes/{support_request.uuid}/documents/", {"documents": [upload]})
        .status_code
        == 403
    )


# ---------------------------------------------------------------- qualification


def grid(*rows: tuple[str, Any, bool]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": "0",
    }
    for i, (name, weight, is_price) in enumerate(rows):
        data[f"criteria-{i}-name"] = name
        data[f"criteria-{i}-weight"] = str(weight)
        if is_price:
            data[f"criteria-{i}-is_price"] = "on"
    return data


def qualify_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "scope": "local",
        "selection_mode": "delegated",
        "price_rule": "proportional",
        "offers_deadline": future(10),
        **grid(("Prix", 40, True), ("Méthode", 60, False), ("", "", False)),
    }
    data.update(overrides)
    return data


def test_qualify_through_the_page() -> None:
    support_request = SupportRequestFactory()
    steward = logged_in(StewardFactory())
    url = f"/demandes/{support_request.uuid}/qualifier/"
    assert steward.get(url).status_code == 200
    response = steward.post(url, qualify_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.QUALIFIED
    assert [c.weight for c in support_request.criteria.all()] == [40, 60]
    detail = steward.get(support_request.get_absolute_url()).content.decode()
    assert "Méthode" in detail


def test_qualify_refusals_are_400_403_409_and_change_nothing() -> None:
    support_request = SupportRequestFactory()
    steward = logged_in(StewardFactory())
    url = f"/demandes/{support_request.uuid}/qualifier/"
    bad = steward.post(url, qualify_data(**grid(("Prix", 40, True), ("Méthode", 50, False))))
    assert bad.status_code == 400
    assert (
        escape(
            fr("The weights add up to %(total)s; they must add up to exactly 100.") % {"total": 90}
        )
        in bad.content.decode()
    )
    note = steward.post(url, qualify_data(scope="structuring"))
    assert note.status_code == 400
    assert logged_in(consultant()).post(url, qualify_data()).status_code == 403
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.NEW
    assert not Criterion.objects.exists()
    qualified = QualifiedRequestFactory()
    OfferFactory(team=TeamFactory(request=qualified))
    conflict = steward.post(f"/demandes/{qualified.uuid}/qualifier/", qualify_data())
    assert conflict.status_code == 409
    assert qualified.criteria.count() == 3


def test_cancel_through_the_page() -> None:
    support_request = SupportRequestFactory()
    steward = logged_in(StewardFactory())
    url = f"/demandes/{support_request.uuid}/annuler/"
    assert steward.post(url, {"reason": ""}).status_code == 400
    assert logged_in(consultant()).post(url, {"reason": "Non."}).status_code == 403
    assert steward.post(url, {"reason": "Le client a renoncé."}).status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.CANCELLED
    assert (
        "Le client a renoncé." in steward.get(support_request.get_absolute_url()).content.decode()
    )
    assert steward.post(url, {"reason": "Encore."}).status_code == 409
