"""API twins of the adhesion pages: a contract's history, the stewards' queue and
"my contracts", moving a menu item up or down — through the same services and selectors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cercle.core import services as core_services
from cercle.core.models import JournalEntry
from cercle.membership.enums import ContractStatus, MenuSection
from cercle.membership.models import MenuItem
from tests.factories.membership_contracts import (
    ContractChoiceFactory,
    ContractFactory,
    MenuItemFactory,
    admin_of,
    draft_contract,
    in_discussion_contract,
    submitted_contract,
    validated_contract,
)
from tests.factories.network import OrganizationFactory, PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db

S = ContractStatus
API = "/api/v1"


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


def error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"]
    if field is not None:
        assert body["errors"].get(field), body
    return dict(body)


def queries(api: Api, path: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, **params)
    assert response.status_code == 200, response.content
    return len(captured)


# ---------------------------------------------------------------- contract history


def test_versions_list_the_lineage_oldest_first(django_assert_max_num_queries: Any) -> None:
    """Both versions, oldest first, with status, dates, decision and choices; from either id."""
    first = validated_contract()
    applicant = first.applicant_person
    me = Api(applicant)
    amended = me.post(f"/contracts/{first.uuid}/amend")
    assert amended.status_code == 201, amended.content
    second_id = amended.json()["id"]
    me.get("/contracts")  # the token's first use records when it was used: one write, once
    with django_assert_max_num_queries(6):
        response = me.get(f"/contracts/{second_id}/versions")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    old, new = body["items"]
    assert (old["id"], old["version"], old["status"]) == (str(first.uuid), 1, "validated")
    assert (new["id"], new["version"], new["status"]) == (second_id, 2, "draft")
    assert old["decided_at"]
    assert old["decided_by"]
    assert old["submitted_at"]
    assert new["decided_at"] is None
    assert new["amends"] == str(first.uuid)
    assert {c["section"] for c in old["choices"]} == {"need", "contribution"}
    assert len(new["choices"]) == 2
    assert me.get(f"/contracts/{first.uuid}/versions").json() == body


def test_stewards_and_organization_admins_see_the_versions() -> None:
    """Same visibility as the detail: stewards, and the organization's administrators."""
    organization = OrganizationFactory()
    contract = validated_contract(organization=organization)
    other_admin = admin_of(organization)
    for person in (StewardFactory(), other_admin):
        response = Api(person).get(f"/contracts/{contract.uuid}/versions")
        assert response.status_code == 200, response.content
        assert [v["id"] for v in response.json()["items"]] == [str(contract.uuid)]


def test_versions_cost_the_same_with_2_or_20_versions() -> None:
    """One lineage, many versions with choices: a fixed number of queries."""
    person = PersonFactory()
    first = ContractFactory(applicant_person=person, status=S.SUPERSEDED)
    ContractChoiceFactory(contract=first)
    ContractFactory(applicant_person=person, lineage=first.lineage, version=2, status=S.VALIDATED)
    me = Api(person)
    url = f"/contracts/{first.uuid}/versions"
    me.get(url)
    few = queries(me, url)
    for version in range(3, 21):
        later = ContractFactory(
            applicant_person=person,
            lineage=first.lineage,
            version=version,
            status=S.SUPERSEDED,
        )
        ContractChoiceFactory.create_batch(2, contract=later)
    assert queries(me, url) == few
    assert me.get(url).json()["count"] == 20


def test_versions_refusals() -> None:
    """401 anonymous, 403 for a stranger, 404 unknown, 422 on a bad id or a bad limit."""
    contract = validated_contract()
    url = f"/contracts/{contract.uuid}/versions"
    error(Api().get(url), 401)
    error(Api(PersonFactory()).get(url), 403)
    owner = Api(contract.applicant_person)
    error(owner.get("/contracts/00000000-0000-0000-0000-000000000000/versions"), 404)
    error(owner.get("/contracts/not-a-uuid/versions"), 422)
    error(owner.get(url, limit=0), 422, "limit")


# ---------------------------------------------------------------- my contracts, the queue


def test_scope_mine_shows_a_steward_only_their_own() -> None:
    """The adhesion page lists the steward's own contracts, not everyone's."""
    steward = StewardFactory()
    own = draft_contract(steward)
    other = draft_contract()
    api = Api(steward)
    everything = {c["id"] for c in api.get("/contracts").json()["items"]}
    assert everything == {str(own.uuid), str(other.uuid)}
    mine = api.get("/contracts", scope="mine").json()
    assert [c["id"] for c in mine["items"]] == [str(own.uuid)]


def test_scope_queue_lists_what_waits_for_a_steward_oldest_first(
    django_assert_max_num_queries: Any,
) -> None:
    """Submitted and in-discussion contracts, oldest submission first; filters still apply."""
    older = submitted_contract()
    newer = in_discussion_contract()
    draft_contract()
    validated_contract()
    steward = Api(StewardFactory())
    steward.get("/contracts")
    with django_assert_max_num_queries(6):
        response = steward.get("/contracts", scope="queue")
    body = response.json()
    assert [c["id"] for c in body["items"]] == [str(older.uuid), str(newer.uuid)]
    assert body["count"] == 2
    only = steward.get("/contracts", scope="queue", status="in_discussion").json()
    assert [c["id"] for c in only["items"]] == [str(newer.uuid)]


def test_scope_refusals() -> None:
    """The queue is for stewards (401/403); an unknown scope is a 422 on `scope`."""
    submitted_contract()
    error(Api().get("/contracts", scope="queue"), 401)
    error(Api(PersonFactory(engagement_level="contributeur")).get("/contracts", scope="queue"), 403)
    error(Api(StewardFactory()).get("/contracts", scope="everything"), 422, "scope")


# ---------------------------------------------------------------- menus: move up / down


def _section() -> list[MenuItem]:
    return [
        MenuItemFactory(label=label, position=position)
        for label, position in (("A", 1), ("B", 2), ("C", 5))
    ]


def _labels() -> list[str]:
    items = MenuItem.objects.filter(section=MenuSection.NEED).order_by("position", "id")
    return list(items.values_list("label", flat=True))


def test_a_steward_moves_an_item_up_and_down() -> None:
    """One place at a time, positions renumbered 1, 2, 3, journaled like the page's buttons."""
    a, _b, c = _section()
    steward = Api(StewardFactory())
    response = steward.post(f"/menu-items/{c.uuid}/move", {"direction": "up"})
    assert response.status_code == 200, response.content
    assert response.json()["position"] == 2
    assert _labels() == ["A", "C", "B"]
    assert list(MenuItem.objects.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    steward.post(f"/menu-items/{a.uuid}/move", {"direction": "down"})
    assert _labels() == ["C", "A", "B"]
    assert JournalEntry.objects.filter(verb="menu_item.moved").count() == 2


def test_moving_the_first_item_up_changes_nothing() -> None:
    a, _b, _c = _section()
    response = Api(StewardFactory()).post(f"/menu-items/{a.uuid}/move", {"direction": "up"})
    assert response.status_code == 200
    assert _labels() == ["A", "B", "C"]
    assert not JournalEntry.objects.filter(verb="menu_item.moved").exists()


def test_move_refusals() -> None:
    """401 anonymous, 403 non-steward, 404 unknown item, 422 on a bad direction."""
    _a, _b, c = _section()
    url = f"/menu-items/{c.uuid}/move"
    error(Api().post(url, {"direction": "up"}), 401)
    error(Api(PersonFactory(engagement_level="contributeur")).post(url, {"direction": "up"}), 403)
    steward = Api(StewardFactory())
    error(
        steward.post("/menu-items/00000000-0000-0000-0000-000000000000/move", {"direction": "up"}),
        404,
    )
    error(steward.post(url, {"direction": "sideways"}), 422, "direction")
    error(steward.post(url, {}), 422, "direction")
    assert _labels() == ["A", "B", "C"]
