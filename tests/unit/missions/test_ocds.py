"""The OCDS export: packages validate against the schemas kept in the repo."""

from __future__ import annotations

import copy
import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cercle.missions import ocds
from cercle.missions.enums import OfferStatus, RequestStatus, SelectionMode
from cercle.missions.models import Award
from tests.factories.missions import (
    MissionFactory,
    OfferFactory,
    QualifiedRequestFactory,
    SupportRequestFactory,
    TeamFactory,
    TenderFactory,
    add_member,
    consultant,
)
from tests.factories.network import SkillFactory

pytestmark = pytest.mark.django_db


def _past_deadline(request: Any) -> None:
    request.offers_deadline = timezone.now() - datetime.timedelta(hours=1)
    request.save(update_fields=["offers_deadline"])


def test_the_schema_files_are_the_published_ones() -> None:
    """Kept verbatim: the standard's 1.1.5 schemas and the bid extension's patch."""
    for name, size in (
        ("release-schema.json", 109975),
        ("release-package-schema.json", 4842),
        ("bid-extension-release-schema.json", 22419),
    ):
        text = (ocds.SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert len(text) == size
        json.loads(text)
    release = json.loads((ocds.SCHEMA_DIR / "release-schema.json").read_text())
    assert release["id"].endswith("/1__1__5/release-schema.json")


def test_merge_patch_follows_rfc_7386() -> None:
    target = {"a": "b", "c": {"d": "e", "f": "g"}}
    patch = {"a": "z", "c": {"f": None}}
    assert ocds.merge_patch(target, patch) == {"a": "z", "c": {"d": "e"}}
    assert ocds.merge_patch({"a": [1]}, {"a": [2]}) == {"a": [2]}


def test_a_request_with_no_offer_validates() -> None:
    request = SupportRequestFactory()
    package = ocds.release_package(request)
    assert ocds.validate_package(package) == []
    (release,) = package["releases"]
    assert release["ocid"] == f"ocds-cercle-{request.uuid}"
    assert release["tag"] == ["tender"]
    assert release["tender"]["minValue"] == {"amount": 8000.0, "currency": "EUR"}
    assert release["tender"]["value"] == {"amount": 15000.0, "currency": "EUR"}
    assert release["tender"]["status"] == "planned"
    assert release["parties"] == [{"id": "buyer", "name": request.client_name, "roles": ["buyer"]}]
    assert "bids" not in release


def test_offers_before_the_deadline_stay_undisclosed() -> None:
    offer = OfferFactory()
    package = ocds.release_package(offer.request)
    assert ocds.validate_package(package) == []
    assert "bids" not in package["releases"][0]


def test_a_request_with_offers_validates_and_lists_bids() -> None:
    skill = SkillFactory()
    tender = TenderFactory()
    request = QualifiedRequestFactory(
        skills=[skill], tender=tender, selection_mode=SelectionMode.CLIENT
    )
    first = OfferFactory(team=TeamFactory(request=request), price_ht=Decimal("9000.50"))
    add_member(first.team, consultant())
    second = OfferFactory(team=TeamFactory(request=request), status=OfferStatus.WITHDRAWN)
    _past_deadline(request)
    package = ocds.release_package(request)
    assert ocds.validate_package(package) == []
    (release,) = package["releases"]
    bids = {b["id"]: b for b in release["bids"]["details"]}
    assert bids[str(first.uuid)]["status"] == "valid"
    assert bids[str(first.uuid)]["value"] == {"amount": 9000.5, "currency": "EUR"}
    assert len(bids[str(first.uuid)]["tenderers"]) == 2
    assert bids[str(second.uuid)]["status"] == "withdrawn"
    assert release["tender"]["numberOfTenderers"] == 1
    assert release["tender"]["items"][0]["classification"] == {"scheme": "CPV", "id": "79411000"}
    assert release["tender"]["items"][0]["additionalClassifications"][0]["id"] == skill.slug
    assert "Prix: 30" in release["tender"]["awardCriteriaDetails"]
    roles = {p["id"]: p["roles"] for p in release["parties"]}
    assert roles["buyer"] == ["buyer"]
    assert all(r == ["tenderer"] for k, r in roles.items() if k != "buyer")


def test_delegated_selection_hides_tenderers_until_the_reveal() -> None:
    request = QualifiedRequestFactory(selection_mode=SelectionMode.DELEGATED)
    OfferFactory(team=TeamFactory(request=request))
    _past_deadline(request)
    package = ocds.release_package(request)
    assert ocds.validate_package(package) == []
    (bid,) = package["releases"][0]["bids"]["details"]
    assert "tenderers" not in bid
    assert [p["id"] for p in package["releases"][0]["parties"]] == ["buyer"]
    request.revealed_at = timezone.now()
    request.save(update_fields=["revealed_at"])
    (bid,) = ocds.release_package(request)["releases"][0]["bids"]["details"]
    assert bid["tenderers"]


def test_an_awarded_request_validates_with_its_award() -> None:
    request = QualifiedRequestFactory()
    winner = OfferFactory(team=TeamFactory(request=request), price_ht=Decimal("12000.00"))
    OfferFactory(team=TeamFactory(request=request), price_ht=Decimal("14000.00"))
    _past_deadline(request)
    award = Award.objects.create(
        request=request,
        offer=winner,
        mode=request.selection_mode,
        reasons="Meilleure méthode.",
        awarded_at=timezone.now(),
    )
    MissionFactory(offer=winner)
    request.status = RequestStatus.AWARDED
    request.save(update_fields=["status"])
    package = ocds.release_package(request)
    assert ocds.validate_package(package) == []
    tender_release, award_release = package["releases"]
    assert tender_release["tag"] == ["tender"]
    assert award_release["tag"] == ["award"]
    (entry,) = award_release["awards"]
    assert entry["id"] == str(award.uuid)
    assert entry["status"] == "active"
    assert entry["value"] == {"amount": 12000.0, "currency": "EUR"}
    assert entry["relatedBids"] == [str(winner.uuid)]
    supplier = entry["suppliers"][0]["id"]
    roles = {p["id"]: p["roles"] for p in award_release["parties"]}
    assert "supplier" in roles[supplier]
    assert all("supplier" not in p["roles"] for p in tender_release["parties"])


def test_a_mission_without_award_row_still_exports_its_award() -> None:
    mission = MissionFactory()
    _past_deadline(mission.request)
    package = ocds.release_package(mission.request)
    assert ocds.validate_package(package) == []
    assert package["releases"][1]["awards"][0]["id"] == str(mission.uuid)


@pytest.mark.parametrize(
    "breakage",
    [
        lambda p: p.pop("version"),
        lambda p: p["releases"][0].pop("ocid"),
        lambda p: p["releases"][0].__setitem__("tag", []),
        lambda p: p["releases"][0]["tender"]["value"].__setitem__("currency", "EURO"),
        lambda p: p["releases"][0]["bids"]["details"][0].__setitem__("status", "lost"),
        lambda p: p["releases"][0]["bids"]["details"][0].pop("id"),
        lambda p: p["releases"][0]["tender"].__setitem__("numberOfTenderers", "two"),
    ],
)
def test_a_broken_package_fails_validation(breakage: Any) -> None:
    request = QualifiedRequestFactory(selection_mode=SelectionMode.CLIENT)
    OfferFactory(team=TeamFactory(request=request))
    _past_deadline(request)
    package = ocds.release_package(request)
    assert ocds.validate_package(package) == []
    broken = copy.deepcopy(package)
    breakage(broken)
    errors = ocds.validate_package(broken)
    assert errors
    assert all(":" in line for line in errors)
