"""A request and its award as an OCDS 1.1 release package, validated against the schemas
kept in `ocds_schema/` (the standard's release package and release schemas, 1.1.5, and
the bid extension's patch, merged at validation time).

One release per stage, as the standard describes releases (each is a snapshot of what
was known at its date): a `tender` release when the request is open to the circle, and,
once awarded, an `award` release that repeats the tender and adds the award. Bids are
published once the deadline for offers has passed; while a delegated selection has not
revealed identities, bids carry no tenderers (the evaluators score them anonymously).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from cercle.missions.enums import OfferStatus, RequestStatus, SelectionMode
from cercle.missions.models import Award, Mission, Offer, SupportRequest

# The ocid prefix. A publisher registers its own ("ocds-" and six characters) with the
# Open Contracting Partnership; until the network does, this one marks our data as ours.
OCID_PREFIX = "ocds-cercle-"
OCDS_VERSION = "1.1"
CURRENCY = "EUR"
BID_EXTENSION_URL = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_bid_extension/master/extension.json"
)
SCHEMA_DIR = Path(__file__).resolve().parent / "ocds_schema"
SKILL_SCHEME = "x_cercle_skill"

_TENDER_STATUS: dict[str, str] = {
    RequestStatus.UNCONFIRMED: "planning",
    RequestStatus.NEW: "planned",
    RequestStatus.QUALIFIED: "active",
    RequestStatus.AWARDED: "complete",
    RequestStatus.CANCELLED: "cancelled",
}


def ocid_of(support_request: SupportRequest) -> str:
    return f"{OCID_PREFIX}{support_request.uuid}"


def _date(value: datetime.datetime | None) -> str | None:
    return value.astimezone(datetime.UTC).isoformat() if value else None


def _value(amount: Decimal) -> dict[str, Any]:
    # OCDS amounts are JSON numbers; our amounts are cents, exact in a float's 15 digits.
    return {"amount": float(amount), "currency": CURRENCY}


def _fetch(support_request: SupportRequest) -> dict[str, Any]:
    """Everything the package needs, in a fixed number of queries."""
    offers = list(
        Offer.objects.filter(request=support_request)
        .select_related("team")
        .prefetch_related("team__members__person")
        .order_by("submitted_at", "id")
    )
    award = Award.objects.filter(request=support_request).select_related("offer").first()
    mission = Mission.objects.filter(request=support_request).select_related("offer").first()
    return {
        "offers": offers,
        "award": award,
        "mission": mission,
        "criteria": list(support_request.criteria.all()),
        "skills": list(support_request.required_skills.order_by("name")),
        "tender": support_request.tender,
    }


def _team_people(offer: Offer) -> list[Any]:
    return [
        m.person
        for m in sorted(offer.team.members.all(), key=lambda m: (m.invited_at, m.pk))
        if m.status == "accepted"
    ]


def _party_id(person: Any) -> str:
    return f"person-{person.uuid}"


def _award_criteria(support_request: SupportRequest, criteria: list[Any]) -> str:
    parts = []
    for c in criteria:
        line = f"{c.name}: {c.weight}"
        if c.is_price:
            line += f" ({support_request.get_price_rule_display()})"
        parts.append(line)
    return "; ".join(parts)


def _tender_section(
    support_request: SupportRequest, data: dict[str, Any], bidders: int | None
) -> dict[str, Any]:
    item: dict[str, Any] = {"id": "1", "description": support_request.title, "quantity": 1}
    tender = data["tender"]
    if tender is not None:
        code = tender.cpv_code.split("-")[0]
        item["classification"] = {"scheme": "CPV", "id": code}
    if data["skills"]:
        item["additionalClassifications"] = [
            {"scheme": SKILL_SCHEME, "id": s.slug, "description": s.name} for s in data["skills"]
        ]
    section: dict[str, Any] = {
        "id": str(support_request.uuid),
        "title": support_request.title,
        "description": support_request.description,
        "status": _TENDER_STATUS.get(support_request.status, "active"),
        "items": [item],
        "minValue": _value(support_request.budget_min_ht),
        "value": _value(support_request.budget_max_ht),
        "procurementMethod": "selective",
        "procurementMethodDetails": _("Consultation of the consultants' circle"),
        "mainProcurementCategory": "services",
        "tenderPeriod": {
            "startDate": _date(support_request.confirmed_at),
            "endDate": _date(support_request.offers_deadline),
        },
    }
    if not section["tenderPeriod"]["startDate"]:
        del section["tenderPeriod"]["startDate"]
    if data["criteria"]:
        section["awardCriteria"] = "ratedCriteria"
        section["awardCriteriaDetails"] = _award_criteria(support_request, data["criteria"])
    if support_request.selection_mode:
        section["awardCriteriaDetails"] = "; ".join(
            filter(
                None,
                [section.get("awardCriteriaDetails"), support_request.get_selection_mode_display()],
            )
        )
    if bidders is not None:
        section["numberOfTenderers"] = bidders
    return section


def release_package(support_request: SupportRequest) -> dict[str, Any]:
    """The OCDS release package of one request (and its award, when there is one).

    The releases declare French as their language: the few texts the platform writes
    (procurement method, selection mode, price rule) are French whoever asks."""
    with translation.override("fr"):
        return _package(support_request)


def _package(support_request: SupportRequest) -> dict[str, Any]:
    data = _fetch(support_request)
    now = timezone.now()
    ocid = ocid_of(support_request)
    offers: list[Offer] = data["offers"]
    disclose_bids = support_request.offers_deadline <= now or support_request.status in (
        RequestStatus.AWARDED,
    )
    identities = (
        support_request.selection_mode != SelectionMode.DELEGATED
        or support_request.revealed_at is not None
        or support_request.status == RequestStatus.AWARDED
    )
    award: Award | None = data["award"]
    mission: Mission | None = data["mission"]
    winning_offer_id = award.offer_id if award else (mission.offer_id if mission else None)

    buyer = {"id": "buyer", "name": support_request.client_name, "roles": ["buyer"]}
    parties: list[dict[str, Any]] = [buyer]
    seen: dict[str, dict[str, Any]] = {}
    details: list[dict[str, Any]] = []
    valid = 0
    for offer in offers if disclose_bids else []:
        people = _team_people(offer)
        refs = []
        for person in people:
            pid = _party_id(person)
            party = seen.get(pid)
            if party is None:
                party = {"id": pid, "name": person.full_name, "roles": ["tenderer"]}
                seen[pid] = party
            if offer.pk == winning_offer_id and "supplier" not in party["roles"]:
                party["roles"].append("supplier")
            refs.append({"id": pid, "name": person.full_name})
        bid: dict[str, Any] = {
            "id": str(offer.uuid),
            "date": _date(offer.submitted_at),
            "status": "valid" if offer.status == OfferStatus.SUBMITTED else "withdrawn",
            "value": _value(offer.price_ht),
        }
        if identities:
            bid["tenderers"] = refs
            bid["description"] = offer.team.name
        details.append(bid)
        if offer.status == OfferStatus.SUBMITTED:
            valid += 1
    if identities:
        parties += list(seen.values())

    tender_date = support_request.qualified_at or support_request.confirmed_at
    tender_date = tender_date or support_request.created_at
    bids = None
    if disclose_bids:
        bids = {
            "statistics": [
                {"id": "1", "measure": "bids", "value": len(details)},
                {"id": "2", "measure": "validBids", "value": valid},
            ],
            "details": details,
        }
    tender_release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-tender",
        "date": _date(tender_date),
        "tag": ["tender"],
        "initiationType": "tender",
        "language": "fr",
        # The tender stage knows no supplier yet.
        "parties": [{**p, "roles": [r for r in p["roles"] if r != "supplier"]} for p in parties],
        "buyer": {"id": "buyer", "name": support_request.client_name},
        "tender": _tender_section(support_request, data, valid if disclose_bids else None),
    }
    if bids is not None:
        tender_release["bids"] = bids
    releases = [tender_release]

    if winning_offer_id is not None:
        winner = next((o for o in offers if o.pk == winning_offer_id), None)
        awarded_at = award.awarded_at if award else mission.awarded_at  # type: ignore[union-attr]
        amount = mission.amount_ht if mission else (winner.price_ht if winner else None)
        award_section: dict[str, Any] = {
            "id": str(award.uuid if award else mission.uuid),  # type: ignore[union-attr]
            "status": "active",
            "date": _date(awarded_at),
        }
        if award and award.reasons:
            award_section["description"] = award.reasons
        if amount is not None:
            award_section["value"] = _value(amount)
        if winner is not None:
            award_section["suppliers"] = [
                {"id": _party_id(p), "name": p.full_name} for p in _team_people(winner)
            ]
            award_section["relatedBids"] = [str(winner.uuid)]
        award_release = {
            **tender_release,
            "id": f"{ocid}-award",
            "date": _date(awarded_at),
            "tag": ["award"],
            "parties": parties,
            "tender": _tender_section(support_request, data, valid),
            "awards": [award_section],
        }
        releases.append(award_release)

    return {
        "version": OCDS_VERSION,
        "extensions": [BID_EXTENSION_URL],
        "publishedDate": _date(now),
        "publisher": {"name": "Cercle"},
        "releases": releases,
    }


# --- Validation -----------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def merge_patch(target: Any, patch: Any) -> Any:
    """JSON Merge Patch (RFC 7386), the way OCDS applies an extension to the schema."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@cache
def _validator() -> Draft4Validator:
    release = merge_patch(_load("release-schema.json"), _load("bid-extension-release-schema.json"))
    package = _load("release-package-schema.json")
    # The package refers to the release schema by its URL: the registry answers it from
    # the merged copy, so no request ever leaves the machine.
    registry: Registry[Any] = Registry().with_resources(
        [
            (release["id"], Resource.from_contents(release, default_specification=DRAFT4)),
            (package["id"], Resource.from_contents(package, default_specification=DRAFT4)),
        ]
    )
    return Draft4Validator(
        package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER
    )


def validate_package(package: Any) -> list[str]:
    """Every way `package` breaks the schemas, as "path: message" lines (empty when valid)."""
    errors = sorted(_validator().iter_errors(package), key=lambda e: list(e.absolute_path))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in errors
    ]
