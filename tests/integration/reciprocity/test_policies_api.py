"""Contribution policies through the API: settings, guide, a mission's contribution,
turnover, in kind and animation time (401/403/404/409/422, nothing changed, queries)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.reciprocity.enums import InKindStatus, PolicyKind
from cercle.reciprocity.models import (
    AnimationTime,
    ContributionSettings,
    GuideSituation,
    InKindContribution,
    TurnoverDeclaration,
)
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import consultant
from tests.factories.network import StewardFactory
from tests.factories.reciprocity_policies import (
    GuideSituationFactory,
    InKindFactory,
    awarded_mission,
)
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

API = "/api/v1"


def auth(person: Any) -> dict[str, str]:
    return bearer(token_secret(person))


def call(method: str, url: str, body: object = None, headers: dict[str, str] | None = None) -> Any:
    client = Client()
    kwargs: dict[str, Any] = dict(headers or {})
    if body is not None:
        return getattr(client, method)(
            API + url, json.dumps(body), content_type="application/json", **kwargs
        )
    return getattr(client, method)(API + url, **kwargs)


SETTINGS = {
    "flat_rate_percent": "5",
    "structure_fee_percent": "20",
    "introduction_fee_percent": "4",
    "default_policy_local": "introduction_fee",
    "default_policy_structuring": "negotiated",
    "in_kind_hour_value": None,
    "declaration_call_month": 1,
    "payment_due_days": 45,
}


def test_settings_get_and_put() -> None:
    steward = auth(StewardFactory())
    assert call("get", "/contribution-settings").status_code == 401
    assert call("get", "/contribution-settings", headers=auth(consultant())).status_code == 403
    response = call("get", "/contribution-settings", headers=steward)
    assert response.status_code == 200
    assert response.json()["flat_rate_percent"] == "5.00"
    response = call("put", "/contribution-settings", SETTINGS, steward)
    assert response.status_code == 200
    assert response.json()["default_policy_structuring"] == "negotiated"
    for bad in (
        {"flat_rate_percent": "-1"},
        {"default_policy_local": "x"},
        {"in_kind_hour_value": "abc"},
    ):
        assert (
            call("put", "/contribution-settings", {**SETTINGS, **bad}, steward).status_code == 422
        )
    assert ContributionSettings.objects.get().payment_due_days == 45


def test_guide_api() -> None:
    steward = auth(StewardFactory())
    reader = auth(consultant())
    body = {
        "title": "Lieu rural",
        "description": "Premier accompagnement.",
        "suggested_min_percent": "2",
        "suggested_max_percent": "5",
    }
    assert call("post", "/guide-situations", body, reader).status_code == 403
    bad = call("post", "/guide-situations", {**body, "suggested_min_percent": "9"}, steward)
    assert bad.status_code == 422
    assert "suggested_max_percent" in bad.json()["errors"]
    created = call("post", "/guide-situations", body, steward)
    assert created.status_code == 201
    first = created.json()["id"]
    second = call("post", "/guide-situations", {**body, "title": "Réseau"}, steward).json()["id"]
    listed = call("get", "/guide-situations", headers=reader)
    assert [s["id"] for s in listed.json()["items"]] == [first, second]
    assert call("get", "/guide-situations", headers=auth(MemberFactory())).status_code == 403
    updated = call(
        "put", f"/guide-situations/{first}", {**body, "title": "Lieu rural isolé"}, steward
    )
    assert updated.json()["title"] == "Lieu rural isolé"
    order = call("post", "/guide-situations/order", {"order": [second, first]}, steward)
    assert [s["id"] for s in order.json()] == [second, first]
    assert call("post", "/guide-situations/order", {"order": [second]}, steward).status_code == 422
    assert (
        call("post", f"/guide-situations/{first}/deactivate", headers=steward).json()["is_active"]
        is False
    )
    assert call("get", "/guide-situations", headers=reader).json()["count"] == 1
    assert (
        call("get", "/guide-situations?include_inactive=true", headers=steward).json()["count"] == 2
    )
    assert (
        call("post", f"/guide-situations/{first}/activate", headers=steward).json()["is_active"]
        is True
    )
    missing = "/guide-situations/00000000-0000-0000-0000-000000000000"
    assert call("put", missing, body, steward).status_code == 404


def test_mission_contribution_through_the_api() -> None:
    mission = awarded_mission(policy=PolicyKind.FLAT_RATE)
    lead, steward = auth(mission.lead), auth(StewardFactory())
    base = f"/missions/{mission.uuid}"
    got = call("get", f"{base}/contribution", headers=auth(consultant()))
    assert got.status_code == 200
    assert got.json()["policy"] == "flat_rate"
    assert got.json()["expected_ht"] is None
    assert call("get", f"{base}/contribution", headers=auth(MemberFactory())).status_code == 403
    for bad in ("-1", "abc", "1.001"):
        assert (
            call("post", f"{base}/turnover-declarations", {"amount_ht": bad}, lead).status_code
            == 422
        )
    assert not TurnoverDeclaration.objects.exists()
    created = call("post", f"{base}/turnover-declarations", {"amount_ht": "12000"}, lead)
    assert created.status_code == 201
    assert created.json()["is_current"] is True
    corrected = call(
        "post", f"{base}/turnover-declarations", {"amount_ht": "10000", "note": "Avoir"}, steward
    )
    assert corrected.json()["replaces"] == created.json()["id"]
    got = call("get", f"{base}/contribution", headers=lead).json()
    assert got["expected_ht"] == "500.00"
    assert [h["is_current"] for h in got["history"]] == [True, False]
    listed = call("get", f"{base}/turnover-declarations", headers=lead).json()
    assert listed["count"] == 2
    assert (
        call(
            "post", f"{base}/turnover-declarations", {"amount_ht": "1"}, auth(consultant())
        ).status_code
        == 403
    )
    # Policy change, then negotiation.
    change = {"policy": "negotiated", "reason": "Contrat régional"}
    assert call("post", f"{base}/contribution/policy", change, lead).status_code == 403
    assert (
        call("post", f"{base}/contribution/policy", {**change, "reason": " "}, steward).status_code
        == 422
    )
    assert (
        call("post", f"{base}/contribution/policy", {**change, "policy": "x"}, steward).status_code
        == 422
    )
    changed = call("post", f"{base}/contribution/policy", change, steward).json()
    assert changed["status"] == "pending"
    proposed = call("post", f"{base}/contribution/negotiation", {"amount_ht": "450"}, lead).json()
    assert proposed["consultant_agreed_at"] is not None
    assert (
        call(
            "post", f"{base}/contribution/negotiation/confirm", {"amount_ht": "400"}, steward
        ).status_code
        == 409
    )
    agreed = call(
        "post", f"{base}/contribution/negotiation/confirm", {"amount_ht": "450"}, steward
    ).json()
    assert agreed["status"] == "agreed"
    assert agreed["expected_ht"] == "450.00"
    # Self-assessed.
    call(
        "post",
        f"{base}/contribution/policy",
        {"policy": "self_assessed", "reason": "Choix du lead"},
        steward,
    )
    situation = GuideSituationFactory()
    self_set = call(
        "post",
        f"{base}/contribution/self-assessment",
        {"amount_ht": "380", "guide_situation": str(situation.uuid)},
        lead,
    )
    assert self_set.status_code == 200
    assert self_set.json()["expected_ht"] == "380.00"
    assert self_set.json()["guide_situation"] == str(situation.uuid)
    assert (
        call(
            "post", f"{base}/contribution/self-assessment", {"amount_ht": "1"}, steward
        ).status_code
        == 403
    )
    missing = "/missions/00000000-0000-0000-0000-000000000000/contribution"
    assert call("get", missing, headers=lead).status_code == 404


def test_in_kind_through_the_api() -> None:
    member = MemberFactory()
    headers = auth(member)
    today = timezone.localdate().isoformat()
    body = {
        "kind": "in_kind_event",
        "hours": "3.5",
        "description": "Atelier communs",
        "done_on": today,
    }
    assert call("post", "/in-kind-contributions", body).status_code == 401
    assert call("post", "/in-kind-contributions", body, auth(StewardFactory())).status_code == 201
    for bad in (
        {"hours": "-2"},
        {"kind": "donation"},
        {"common": "inconnu"},
        {"done_on": "2999-01-01"},
        {"contract_item": "00000000-0000-0000-0000-000000000000"},
    ):
        assert call("post", "/in-kind-contributions", {**body, **bad}, headers).status_code == 422
    created = call("post", "/in-kind-contributions", body, headers)
    assert created.status_code == 201
    assert created.json()["value"] is None
    entry_id = created.json()["id"]
    mine = call("get", "/in-kind-contributions", headers=headers).json()
    assert mine["count"] == 1
    assert call("get", "/in-kind-contributions?everyone=true", headers=headers).status_code == 403
    steward = auth(StewardFactory())
    assert (
        call("get", "/in-kind-contributions?everyone=true&status=pending", headers=steward).json()[
            "count"
        ]
        == 2
    )
    validated = call(
        "post", f"/in-kind-contributions/{entry_id}/validate", {"hour_value": "20"}, steward
    )
    assert validated.status_code == 200
    assert validated.json()["value"] == "70.00"
    assert validated.json()["status"] == InKindStatus.VALIDATED
    refused = call("post", f"/in-kind-contributions/{entry_id}/refuse", {"reason": "x"}, steward)
    assert refused.status_code == 409
    other = InKindFactory()
    assert call("get", f"/in-kind-contributions/{other.uuid}", headers=headers).status_code == 404
    assert (
        call(
            "post", f"/in-kind-contributions/{other.uuid}/refuse", {"reason": " "}, steward
        ).status_code
        == 422
    )
    assert InKindContribution.objects.get(pk=other.pk).status == InKindStatus.PENDING


def test_animation_time_through_the_api() -> None:
    steward = auth(StewardFactory())
    today = timezone.localdate().isoformat()
    body = {"project": "Tiers-lieu des Forges", "hours": "1.5", "done_on": today}
    assert call("post", "/animation-time", body, auth(MemberFactory())).status_code == 403
    assert call("post", "/animation-time", {**body, "hours": "0"}, steward).status_code == 422
    assert (
        call(
            "post",
            "/animation-time",
            {**body, "mission": "00000000-0000-0000-0000-000000000000"},
            steward,
        ).status_code
        == 422
    )
    created = call("post", "/animation-time", body, steward)
    assert created.status_code == 201
    assert AnimationTime.objects.get().hours == Decimal("1.5")
    listed = call("get", "/animation-time", headers=auth(MemberFactory()))
    assert listed.json()["count"] == 1


def _in_kind_list_queries(headers: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert (
            call(
                "get", "/in-kind-contributions?everyone=true&limit=100", headers=headers
            ).status_code
            == 200
        )
    return len(ctx.captured_queries)


def test_in_kind_api_list_has_the_same_queries_for_few_and_many() -> None:
    headers = auth(StewardFactory())
    InKindFactory()
    _in_kind_list_queries(headers)
    few = _in_kind_list_queries(headers)
    for _i in range(30):
        InKindFactory()
    assert _in_kind_list_queries(headers) == few


def _guide_queries(headers: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert call("get", "/guide-situations?limit=100", headers=headers).status_code == 200
    return len(ctx.captured_queries)


def test_guide_api_list_queries_are_bounded(django_assert_max_num_queries: Any) -> None:
    headers = auth(consultant())
    GuideSituationFactory()
    _guide_queries(headers)
    few = _guide_queries(headers)
    for _i in range(30):
        GuideSituationFactory()
    assert _guide_queries(headers) == few
    assert GuideSituation.objects.count() == 31
    with django_assert_max_num_queries(8):
        call("get", "/guide-situations", headers=headers)
