"""The contracts API: the same journey as the pages, one error shape, bounded queries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cercle.core import services as core_services
from cercle.membership.enums import ContractStatus
from cercle.membership.models import AdhesionContract, ContractComment, MenuItem
from cercle.network.enums import ActorType
from tests.factories.membership_contracts import (
    ContractFactory,
    MenuItemFactory,
    OrganizationContractFactory,
    admin_of,
    draft_contract,
    member_of,
    simple_menu,
    submitted_contract,
    validated_contract,
)
from tests.factories.network import OrganizationFactory, PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db

S = ContractStatus
API = "/api/v1"
REQUIRED = "Ce champ est obligatoire."


class Api:
    """A client that speaks JSON with a personal token (or anonymously)."""

    def __init__(self, person: Any | None = None):
        self.client = Client()
        self.headers: dict[str, str] = {}
        if person is not None:
            _token, secret = core_services.api_token_create(actor=person.user, name="tests")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, **self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            API + path, json.dumps(body or {}), content_type="application/json", **self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            API + path, json.dumps(body), content_type="application/json", **self.headers
        )


# ---------------------------------------------------------------- the journey


def test_the_whole_journey_through_the_api() -> None:
    menu = simple_menu(ActorType.PRESTATAIRE)
    person = PersonFactory()
    me = Api(person)
    items = me.get("/menu-items", actor_type="prestataire").json()
    assert items["count"] == 4
    started = me.post("/contracts", {"actor_type": "prestataire"})
    assert started.status_code == 201, started.content
    contract_id = started.json()["id"]
    assert started.json()["status"] == "draft"

    patched = me.patch(
        f"/contracts/{contract_id}",
        {
            "motivation": "Accompagnatrice indépendante",
            "choices": [
                {"item": str(menu["need"].uuid)},
                {"item": str(menu["contribution"].uuid)},
                {"item": str(menu["other"].uuid), "free_text": "Deux jours par an"},
            ],
        },
    )
    assert patched.status_code == 200, patched.content
    assert {c["free_text"] for c in patched.json()["choices"]} == {"", "Deux jours par an"}
    assert me.post(f"/contracts/{contract_id}/submit").json()["status"] == "submitted"

    steward = Api(StewardFactory())
    comment = steward.post(f"/contracts/{contract_id}/comments", {"body": "Parlons du montant"})
    assert comment.status_code == 201
    assert steward.get(f"/contracts/{contract_id}").json()["status"] == "in_discussion"
    assert me.post(f"/contracts/{contract_id}/comments", {"body": "D'accord"}).status_code == 201

    validated = steward.post(f"/contracts/{contract_id}/validate")
    assert validated.status_code == 200
    assert validated.json()["status"] == "validated"
    assert validated.json()["decided_by"]

    pdf = me.get(f"/contracts/{contract_id}/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    amended = me.post(f"/contracts/{contract_id}/amend")
    assert amended.status_code == 201
    assert amended.json()["version"] == 2
    assert amended.json()["amends"] == contract_id
    assert len(amended.json()["choices"]) == 3


def test_an_admin_starts_for_their_organization() -> None:
    organization = OrganizationFactory(actor_type=ActorType.ASSOCIATION)
    admin = admin_of(organization)
    response = Api(admin).post("/contracts", {"organization": str(organization.uuid)})
    assert response.status_code == 201
    assert response.json()["applicant_organization"] == str(organization.uuid)
    assert response.json()["actor_type"] == "association"


def test_refusal_through_the_api_carries_the_reason() -> None:
    contract = submitted_contract()
    response = Api(StewardFactory()).post(f"/contracts/{contract.uuid}/refuse", {"reason": "Non"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["refusal_reason"]) == ("refused", "Non")


def test_stewards_maintain_menus_through_the_api() -> None:
    steward = Api(StewardFactory())
    created = steward.post(
        "/menu-items",
        {
            "actor_type": "prestataire",
            "section": "contribution",
            "label": "Part du chiffre d'affaires",
            "contribution_kind": "turnover_share",
            "rate_percent": "5.00",
        },
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    patched = steward.patch(f"/menu-items/{item_id}", {"is_active": False, "position": 7})
    assert patched.status_code == 200
    assert (patched.json()["is_active"], patched.json()["position"]) == (False, 7)
    assert Api().get("/menu-items").json()["count"] == 0
    assert steward.get("/menu-items", include_withdrawn="true").json()["count"] == 1


# ---------------------------------------------------------------- errors: one shape


def test_anonymous_callers_get_401_and_see_only_menus() -> None:
    contract = validated_contract()
    anonymous = Api()
    assert anonymous.get("/menu-items").status_code == 200
    for response in (
        anonymous.get("/contracts"),
        anonymous.get(f"/contracts/{contract.uuid}"),
        anonymous.post("/contracts", {}),
        anonymous.get(f"/contracts/{contract.uuid}/pdf"),
        anonymous.post("/menu-items", {"actor_type": "citoyen", "section": "need", "label": "X"}),
    ):
        assert response.status_code == 401
        assert set(response.json()) == {"detail", "errors"}
    assert anonymous.get("/menu-items", include_withdrawn="true").status_code == 401


def test_strangers_get_403_on_others_contracts() -> None:
    contract = validated_contract()
    stranger = Api(PersonFactory())
    assert stranger.get(f"/contracts/{contract.uuid}").status_code == 403
    assert stranger.get(f"/contracts/{contract.uuid}/pdf").status_code == 403
    assert stranger.post(f"/contracts/{contract.uuid}/amend").status_code == 403
    assert stranger.get("/contracts").json()["count"] == 0


def test_non_stewards_cannot_write_menus() -> None:
    item = MenuItemFactory(label="Intact")
    member = Api(PersonFactory(engagement_level="contributeur"))
    created = member.post("/menu-items", {"actor_type": "citoyen", "section": "need", "label": "X"})
    assert created.status_code == 403
    assert member.patch(f"/menu-items/{item.uuid}", {"label": "Y"}).status_code == 403
    assert list(MenuItem.objects.values_list("label", flat=True)) == ["Intact"]


def test_conflict_of_interest_is_403_and_a_wrong_state_is_409() -> None:
    organization = OrganizationFactory()
    contract = submitted_contract(organization=organization)
    steward = StewardFactory()
    member_of(organization, steward)
    response = Api(steward).post(f"/contracts/{contract.uuid}/validate")
    assert response.status_code == 403
    assert response.json()["detail"]
    draft = draft_contract()
    wrong_state = Api(StewardFactory()).post(f"/contracts/{draft.uuid}/validate")
    assert wrong_state.status_code == 409
    contract.refresh_from_db()
    draft.refresh_from_db()
    assert (contract.status, draft.status) == (S.SUBMITTED, S.DRAFT)


def test_unknown_contract_is_404() -> None:
    response = Api(StewardFactory()).get("/contracts/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert Api(StewardFactory()).get("/contracts/not-a-uuid").status_code == 422


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"section": "need"}, "label", REQUIRED),
        ({"section": "need", "label": "x" * 301}, "label", None),
        ({"section": "somewhere", "label": "X"}, "section", None),
        ({"section": "need", "label": "X", "rate_percent": "5"}, "rate_percent", None),
        (
            {
                "section": "contribution",
                "label": "X",
                "contribution_kind": "donation",
                "rate_percent": "250",
            },
            "rate_percent",
            "inférieure ou égale à 100",
        ),
        ({"section": "contribution", "label": "X"}, "contribution_kind", None),
        ({"section": "need", "label": "X", "position": -1}, "position", None),
    ],
)
def test_bad_menu_items_get_422_with_field_errors(
    body: dict[str, Any], field: str, message: str | None
) -> None:
    response = Api(StewardFactory()).post("/menu-items", {"actor_type": "citoyen", **body})
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors
    if message:
        assert any(message in text for text in errors[field])
    assert not MenuItem.objects.exists()


def test_bad_menu_patch_changes_nothing() -> None:
    item = MenuItemFactory(label="Intact")
    steward = Api(StewardFactory())
    response = steward.patch(f"/menu-items/{item.uuid}", {"contribution_kind": "donation"})
    assert response.status_code == 422
    assert "contribution_kind" in response.json()["errors"]
    assert steward.patch(f"/menu-items/{item.uuid}", {"label": ""}).status_code == 422
    item.refresh_from_db()
    assert (item.label, item.contribution_kind) == ("Intact", "")


def test_bad_contract_input_gets_422_and_changes_nothing() -> None:
    person = PersonFactory()
    me = Api(person)
    unknown_org = me.post("/contracts", {"organization": "00000000-0000-0000-0000-000000000000"})
    assert unknown_org.status_code == 422
    assert "organization" in unknown_org.json()["errors"]
    wrong_type = me.post("/contracts", {"actor_type": "collectivite"})
    assert wrong_type.status_code == 422
    assert "actor_type" in wrong_type.json()["errors"]
    assert me.post("/contracts", {"actor_type": "martian"}).status_code == 422
    assert not AdhesionContract.objects.exists()

    contract = draft_contract(person)
    before = sorted(contract.choices.values_list("item_id", flat=True))
    other = MenuItemFactory(actor_type=contract.actor_type, is_free_text=True)
    for choices in (
        [{"item": "00000000-0000-0000-0000-000000000000"}],
        [{"item": str(other.uuid), "free_text": ""}],
        [{"item": "nope"}],
    ):
        response = me.patch(f"/contracts/{contract.uuid}", {"choices": choices})
        assert response.status_code == 422, response.content
        assert (
            "choices" in response.json()["errors"] or "choices.0.item" in response.json()["errors"]
        )
    too_long = me.patch(f"/contracts/{contract.uuid}", {"motivation": "x" * 5001})
    assert too_long.status_code == 422
    assert "motivation" in too_long.json()["errors"]
    assert sorted(contract.choices.values_list("item_id", flat=True)) == before
    assert me.post("/contracts", {}).status_code == 409


def test_empty_comment_and_empty_reason_are_422() -> None:
    contract = submitted_contract()
    steward = Api(StewardFactory())
    comment = steward.post(f"/contracts/{contract.uuid}/comments", {"body": " "})
    assert comment.status_code == 422
    assert comment.json()["errors"]["body"] == [REQUIRED]
    missing = steward.post(f"/contracts/{contract.uuid}/comments", {})
    assert missing.status_code == 422
    # The shared handler reads "body" as a location word, so the key may be __all__.
    assert [REQUIRED] in missing.json()["errors"].values()
    refuse = steward.post(f"/contracts/{contract.uuid}/refuse", {"reason": ""})
    assert refuse.status_code == 422
    assert refuse.json()["errors"]["reason"] == [REQUIRED]
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED
    assert not ContractComment.objects.filter(contract=contract).exists()


# ---------------------------------------------------------------- query bounds


def _count(api: Api, path: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, **params)
    assert response.status_code == 200
    return len(queries)


def test_contract_list_queries_do_not_grow(django_assert_max_num_queries: Any) -> None:
    steward = Api(StewardFactory())
    steward.get("/contracts")  # the token's first use records it: not part of the list's cost
    for _ in range(5):
        ContractFactory(status=S.SUBMITTED)
    few = _count(steward, "/contracts")
    for _ in range(495):
        OrganizationContractFactory(status=S.VALIDATED)
    assert _count(steward, "/contracts") == few
    with django_assert_max_num_queries(12):
        response = steward.get("/contracts", limit=50)
    assert response.json()["count"] == 500


def test_menu_list_queries_do_not_grow(django_assert_max_num_queries: Any) -> None:
    api = Api()
    for _ in range(5):
        MenuItemFactory()
    few = _count(api, "/menu-items")
    for _ in range(45):
        MenuItemFactory()
    assert _count(api, "/menu-items") == few
    with django_assert_max_num_queries(4):
        api.get("/menu-items")


def test_contract_detail_stays_within_its_budget(django_assert_max_num_queries: Any) -> None:
    contract = validated_contract()
    api = Api(contract.applicant_person)
    with django_assert_max_num_queries(12):
        assert api.get(f"/contracts/{contract.uuid}").status_code == 200
