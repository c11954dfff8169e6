"""Adhesion pages through the test client: the journey, bad input, rights and query bounds."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cercle.membership.enums import ContractStatus, MenuSection
from cercle.membership.models import AdhesionContract, ContractComment, MenuItem
from cercle.network.enums import ActorType
from tests.conftest import client_for
from tests.factories.membership_contracts import (
    ContractFactory,
    MenuItemFactory,
    OrganizationContractFactory,
    admin_of,
    draft_contract,
    in_discussion_contract,
    member_of,
    simple_menu,
    submitted_contract,
    validated_contract,
)
from tests.factories.network import OrganizationFactory, PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db

S = ContractStatus
REQUIRED = "Ce champ est obligatoire."


def fr(message: str) -> str:
    """A message as a French reader sees it (the catalog may still lack new entries)."""
    with translation.override("fr"):
        return gettext(message)


def detail_url(contract: AdhesionContract) -> str:
    return reverse("membership:contract_detail", args=[contract.uuid])


# ---------------------------------------------------------------- the journey


def test_a_person_applies_is_discussed_and_validated_then_downloads_the_pdf() -> None:
    """From the home page to the PDF, only through pages."""
    menu = simple_menu(ActorType.CITOYEN)
    person = PersonFactory()
    me = client_for(person)
    home = me.get(reverse("membership:adhesion_home"))
    assert home.status_code == 200
    assert "/structures/nouvelle/" in home.content.decode()

    started = me.post(reverse("membership:adhesion_home"), {"applicant": "person:citoyen"})
    assert started.status_code == 303
    contract = AdhesionContract.objects.get(applicant_person=person)
    assert started["Location"] == detail_url(contract)

    page = me.get(detail_url(contract))
    assert menu["need"].label in page.content.decode()
    saved = me.post(
        detail_url(contract),
        {
            f"item_{menu['need'].uuid}": "on",
            f"item_{menu['contribution'].uuid}": "on",
            f"text_{menu['other'].uuid}": "J'anime un atelier",
            "motivation": "Je veux participer.",
            "action": "submit",
        },
    )
    assert saved.status_code == 303
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED
    assert contract.choices.get(item=menu["other"]).free_text == "J'anime un atelier"

    steward = StewardFactory()
    them = client_for(steward)
    queue = them.get(reverse("membership:contract_queue"))
    assert detail_url(contract) in queue.content.decode()
    commented = them.post(
        reverse("membership:contract_comment", args=[contract.uuid]), {"body": "Bienvenue !"}
    )
    assert commented.status_code == 303
    contract.refresh_from_db()
    assert contract.status == S.IN_DISCUSSION

    validated = them.post(reverse("membership:contract_validate", args=[contract.uuid]))
    assert validated.status_code == 303
    contract.refresh_from_db()
    assert contract.status == S.VALIDATED

    pdf = me.get(reverse("membership:contract_pdf", args=[contract.uuid]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_an_admin_applies_for_their_organization() -> None:
    organization = OrganizationFactory(actor_type=ActorType.TIERS_LIEU)
    admin = admin_of(organization)
    client = client_for(admin)
    page = client.get(reverse("membership:adhesion_home"))
    assert organization.name in page.content.decode()
    response = client.post(
        reverse("membership:adhesion_home"), {"applicant": f"org:{organization.uuid}"}
    )
    assert response.status_code == 303
    contract = AdhesionContract.objects.get(applicant_organization=organization)
    assert contract.actor_type == ActorType.TIERS_LIEU


def test_saving_a_draft_without_submitting_keeps_it_a_draft() -> None:
    contract = draft_contract()
    menu_item = MenuItemFactory(actor_type=contract.actor_type, section=MenuSection.ENGAGEMENT)
    client = client_for(contract.applicant_person)
    response = client.post(
        detail_url(contract), {f"item_{menu_item.uuid}": "on", "motivation": "", "action": "save"}
    )
    assert response.status_code == 303
    contract.refresh_from_db()
    assert contract.status == S.DRAFT
    assert list(contract.choices.values_list("item_id", flat=True)) == [menu_item.pk]


def test_htmx_comment_answers_with_the_thread_only() -> None:
    contract = submitted_contract()
    client = client_for(contract.applicant_person)
    url = reverse("membership:contract_comment", args=[contract.uuid])
    response = client.post(url, {"body": "Une précision"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="discussion"' in body
    assert "Une précision" in body
    assert "<html" not in body
    invalid = client.post(url, {"body": ""}, HTTP_HX_REQUEST="true")
    assert REQUIRED in invalid.content.decode()
    assert ContractComment.objects.filter(contract=contract).count() == 1


def test_amending_from_the_page_opens_the_next_version_and_shows_history() -> None:
    contract = validated_contract()
    client = client_for(contract.applicant_person)
    response = client.post(reverse("membership:contract_amend", args=[contract.uuid]))
    amendment = AdhesionContract.objects.get(lineage=contract.lineage, version=2)
    assert response["Location"] == detail_url(amendment)
    page = client.get(detail_url(amendment)).content.decode()
    assert 'id="version-1"' in page
    old = client.get(detail_url(contract)).content.decode()
    assert detail_url(amendment) in old


def test_refusing_from_the_page_needs_a_reason() -> None:
    contract = submitted_contract()
    client = client_for(StewardFactory())
    url = reverse("membership:contract_refuse", args=[contract.uuid])
    bad = client.post(url, {"reason": ""})
    assert bad.status_code == 400
    assert REQUIRED in bad.content.decode()
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED
    good = client.post(url, {"reason": "Revenez avec un projet précis."})
    assert good.status_code == 303
    contract.refresh_from_db()
    assert contract.status == S.REFUSED


# ---------------------------------------------------------------- bad input changes nothing


def test_start_form_with_an_unknown_choice() -> None:
    person = PersonFactory()
    other_org = OrganizationFactory()
    response = client_for(person).post(
        reverse("membership:adhesion_home"), {"applicant": f"org:{other_org.uuid}"}
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not AdhesionContract.objects.exists()


def test_starting_twice_is_refused_on_the_form() -> None:
    contract = draft_contract()
    response = client_for(contract.applicant_person).post(
        reverse("membership:adhesion_home"), {"applicant": "person:citoyen"}
    )
    assert response.status_code == 400
    assert fr("A contract is already being written or discussed: continue it.") in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert AdhesionContract.objects.count() == 1


def test_other_item_without_text_is_refused_on_its_field() -> None:
    contract = draft_contract()
    other = MenuItemFactory(actor_type=contract.actor_type, is_free_text=True)
    before = sorted(contract.choices.values_list("item_id", flat=True))
    response = client_for(contract.applicant_person).post(
        detail_url(contract), {f"item_{other.uuid}": "on", "action": "save"}
    )
    assert response.status_code == 400
    assert fr("Write your proposal for this item.") in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert sorted(contract.choices.values_list("item_id", flat=True)) == before


def test_submitting_without_a_contribution_is_refused() -> None:
    person = PersonFactory()
    menu = simple_menu()
    client = client_for(person)
    client.post(reverse("membership:adhesion_home"), {"applicant": "person:citoyen"})
    contract = AdhesionContract.objects.get(applicant_person=person)
    response = client.post(
        detail_url(contract), {f"item_{menu['need'].uuid}": "on", "action": "submit"}
    )
    assert response.status_code == 400
    assert fr("Choose at least one way to contribute.") in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == S.DRAFT


def test_too_long_motivation_is_refused() -> None:
    contract = draft_contract()
    response = client_for(contract.applicant_person).post(
        detail_url(contract), {"motivation": "x" * 5001, "action": "save"}
    )
    assert response.status_code == 400
    assert "5000" in response.content.decode()
    contract.refresh_from_db()
    assert contract.motivation != "x" * 5001


def test_empty_comment_is_refused() -> None:
    contract = submitted_contract()
    response = client_for(StewardFactory()).post(
        reverse("membership:contract_comment", args=[contract.uuid]), {"body": "  "}
    )
    assert response.status_code == 400
    assert REQUIRED in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED
    assert not contract.comments.exists()


def test_queue_filter_with_an_unknown_status() -> None:
    response = client_for(StewardFactory()).get(
        reverse("membership:contract_queue"), {"status": "lost"}
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()


# ---------------------------------------------------------------- rights on pages


def test_strangers_see_neither_the_contract_nor_its_pdf() -> None:
    contract = validated_contract()
    stranger = client_for(PersonFactory())
    assert stranger.get(detail_url(contract)).status_code == 403
    assert stranger.get(reverse("membership:contract_pdf", args=[contract.uuid])).status_code == 403
    anonymous = Client().get(detail_url(contract))
    assert anonymous.status_code == 302


def test_a_draft_has_no_pdf() -> None:
    contract = draft_contract()
    response = client_for(contract.applicant_person).get(
        reverse("membership:contract_pdf", args=[contract.uuid])
    )
    assert response.status_code == 409


def test_stewards_download_the_pdf_and_it_names_the_parties() -> None:
    contract = validated_contract()
    response = client_for(StewardFactory()).get(
        reverse("membership:contract_pdf", args=[contract.uuid])
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_a_steward_in_conflict_sees_a_refusal_not_the_decision_buttons() -> None:
    organization = OrganizationFactory()
    contract = submitted_contract(organization=organization)
    steward = StewardFactory()
    member_of(organization, steward)
    client = client_for(steward)
    page = client.get(detail_url(contract)).content.decode()
    assert reverse("membership:contract_validate", args=[contract.uuid]) not in page
    response = client.post(reverse("membership:contract_validate", args=[contract.uuid]))
    assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED


def test_validating_twice_is_a_conflict() -> None:
    contract = submitted_contract()
    client = client_for(StewardFactory())
    url = reverse("membership:contract_validate", args=[contract.uuid])
    assert client.post(url).status_code == 303
    assert client.post(url).status_code == 409


def test_non_stewards_cannot_open_the_queue_or_the_menus() -> None:
    client = client_for(PersonFactory())
    assert client.get(reverse("membership:contract_queue")).status_code == 403
    assert client.get(reverse("membership:menu_list")).status_code == 403
    item = MenuItemFactory()
    edit = reverse("membership:menu_item_edit", args=[item.uuid])
    assert client.post(edit, {"label": "Piraté"}).status_code == 403
    item.refresh_from_db()
    assert item.label != "Piraté"


def test_only_the_applicant_posts_the_draft_form() -> None:
    contract = draft_contract()
    response = client_for(StewardFactory()).post(
        detail_url(contract), {"motivation": "Par un autre", "action": "save"}
    )
    assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.motivation != "Par un autre"


# ---------------------------------------------------------------- menus pages


def test_a_steward_adds_edits_moves_and_withdraws_items() -> None:
    client = client_for(StewardFactory())
    url = reverse("membership:menu_list")
    added = client.post(
        f"{url}?actor_type=prestataire",
        {
            "actor_type": "prestataire",
            "section": "contribution",
            "label": "Reverser une part des missions",
            "contribution_kind": "turnover_share",
            "rate_percent": "5",
        },
    )
    assert added.status_code == 303
    item = MenuItem.objects.get(label="Reverser une part des missions")
    second = MenuItemFactory(
        actor_type="prestataire", section="contribution", contribution_kind="donation"
    )
    page = client.get(url, {"actor_type": "prestataire"}).content.decode()
    assert item.label in page
    edit = reverse("membership:menu_item_edit", args=[item.uuid])
    assert client.get(edit).status_code == 200
    assert (
        client.post(
            edit,
            {"label": "Reverser 5 %", "contribution_kind": "turnover_share", "rate_percent": "5"},
        ).status_code
        == 303
    )
    move = reverse("membership:menu_item_move", args=[second.uuid])
    assert client.post(move, {"direction": "up"}).status_code == 303
    item.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, item.position) == (1, 2)
    active = reverse("membership:menu_item_active", args=[item.uuid])
    assert client.post(active, {"active": "0"}).status_code == 303
    item.refresh_from_db()
    assert (item.label, item.is_active) == ("Reverser 5 %", False)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"section": "need", "label": ""}, REQUIRED),
        (
            {
                "section": "contribution",
                "label": "X",
                "contribution_kind": "donation",
                "rate_percent": "150",
            },
            "inférieure ou égale à 100",
        ),
        ({"section": "contribution", "label": "X", "amount_ht": "abc"}, "Saisissez un nombre"),
        ({"section": "nowhere", "label": "X"}, "Sélectionnez un choix valide"),
        ({"section": "contribution", "label": "X"}, fr("Say what kind of contribution this is.")),
    ],
)
def test_bad_menu_items_are_refused(data: dict[str, str], message: str) -> None:
    response = client_for(StewardFactory()).post(
        reverse("membership:menu_list"), {"actor_type": "citoyen", **data}
    )
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert not MenuItem.objects.exists()


def test_bad_edit_and_bad_move_change_nothing() -> None:
    item = MenuItemFactory(label="Intact")
    client = client_for(StewardFactory())
    edit = client.post(reverse("membership:menu_item_edit", args=[item.uuid]), {"label": ""})
    assert edit.status_code == 400
    assert REQUIRED in edit.content.decode()
    move = client.post(reverse("membership:menu_item_move", args=[item.uuid]), {"direction": "x"})
    assert move.status_code == 400
    item.refresh_from_db()
    assert (item.label, item.position) == ("Intact", item.position)


# ---------------------------------------------------------------- query bounds


def _count(client: Client, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def _admin_with_contracts(person: Any, n: int) -> None:
    for _ in range(n):
        contract = OrganizationContractFactory(status=S.SUBMITTED)
        admin_of(contract.applicant_organization, person)


def test_home_page_queries_do_not_grow_with_contracts() -> None:
    person = PersonFactory()
    client = client_for(person)
    _admin_with_contracts(person, 5)
    few = _count(client, reverse("membership:adhesion_home"))
    _admin_with_contracts(person, 45)
    assert _count(client, reverse("membership:adhesion_home")) == few


def test_queue_queries_do_not_grow_with_contracts() -> None:
    client = client_for(StewardFactory())
    for _ in range(5):
        ContractFactory(status=S.SUBMITTED)
    few = _count(client, reverse("membership:contract_queue"))
    for _ in range(495):
        OrganizationContractFactory(status=S.IN_DISCUSSION)
    assert _count(client, reverse("membership:contract_queue")) == few


def test_menus_page_queries_do_not_grow_with_items() -> None:
    client = client_for(StewardFactory())
    for _ in range(5):
        MenuItemFactory()
    few = _count(client, reverse("membership:menu_list"), actor_type="citoyen")
    for _ in range(45):
        MenuItemFactory()
    assert _count(client, reverse("membership:menu_list"), actor_type="citoyen") == few


def test_pages_stay_within_their_query_budget(django_assert_max_num_queries: Any) -> None:
    steward = StewardFactory()
    contract = in_discussion_contract(steward=steward)
    for client in (client_for(steward), client_for(contract.applicant_person)):
        with django_assert_max_num_queries(25):
            assert client.get(detail_url(contract)).status_code == 200
    client = client_for(steward)
    for name in ("adhesion_home", "contract_queue", "menu_list"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(f"membership:{name}")).status_code == 200


def test_detail_queries_do_not_grow_with_history_choices_and_comments() -> None:
    steward = StewardFactory()
    contract = validated_contract(steward=steward)
    client = client_for(contract.applicant_person)
    few = _count(client, detail_url(contract))
    from cercle.membership.services import contracts as services

    for _ in range(3):
        amendment = services.contract_amend(actor=contract.applicant_person.user, contract=contract)
        services.contract_submit(actor=contract.applicant_person.user, contract=amendment)
        for n in range(3):
            services.contract_comment(actor=steward.user, contract=amendment, body=f"n°{n}")
        services.contract_refuse(actor=steward.user, contract=amendment, reason="Non")
    assert _count(client, detail_url(contract)) == few
