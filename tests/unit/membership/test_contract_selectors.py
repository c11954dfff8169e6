"""Reads on contracts: lists by role, the queue, history and current contributions."""

from __future__ import annotations

import pytest

from cercle.core.errors import NotAllowed, NotFound
from cercle.membership.enums import ContractStatus, MenuSection
from cercle.membership.selectors import contracts as selectors
from cercle.membership.services import contracts as services
from cercle.network.enums import ActorType
from tests.factories.membership_contracts import (
    ContractFactory,
    MenuItemFactory,
    OrganizationContractFactory,
    admin_of,
    member_of,
    validated_contract,
)
from tests.factories.network import OrganizationFactory, PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db

S = ContractStatus


def test_contract_list_shows_mine_and_my_organizations_and_all_to_stewards() -> None:
    person = PersonFactory()
    mine = ContractFactory(applicant_person=person)
    org_contract = OrganizationContractFactory()
    admin_of(org_contract.applicant_organization, person)
    member_only = OrganizationContractFactory()
    member_of(member_only.applicant_organization, person)
    other = ContractFactory()
    assert set(selectors.contract_list(actor=person.user)) == {mine, org_contract}
    steward = StewardFactory()
    assert set(selectors.contract_list(actor=steward.user)) == {
        mine,
        org_contract,
        member_only,
        other,
    }
    assert list(selectors.contract_list(actor=steward.user, mine_only=True)) == []


def test_the_queue_is_for_stewards_and_holds_contracts_under_review() -> None:
    waiting = ContractFactory(status=S.SUBMITTED)
    talking = OrganizationContractFactory(status=S.IN_DISCUSSION)
    ContractFactory(status=S.DRAFT)
    ContractFactory(status=S.VALIDATED)
    steward = StewardFactory()
    assert set(selectors.contract_queue(actor=steward.user)) == {waiting, talking}
    assert list(selectors.contract_queue(actor=steward.user, status=S.SUBMITTED)) == [waiting]
    assert list(selectors.contract_queue(actor=steward.user, actor_type=ActorType.TIERS_LIEU)) == [
        talking
    ]
    with pytest.raises(NotAllowed):
        selectors.contract_queue(actor=PersonFactory().user)


def test_contract_get_hides_others_contracts() -> None:
    contract = ContractFactory()
    assert (
        selectors.contract_get(actor=contract.applicant_person.user, uuid=contract.uuid) == contract
    )
    with pytest.raises(NotAllowed):
        selectors.contract_get(actor=PersonFactory().user, uuid=contract.uuid)
    with pytest.raises(NotFound):
        selectors.contract_get(
            actor=StewardFactory().user, uuid="00000000-0000-0000-0000-000000000000"
        )


def test_current_contributions_come_from_the_validated_version_only() -> None:
    contract = validated_contract()
    person = contract.applicant_person
    current = list(selectors.contract_current_contributions(person=person))
    assert [c.contract_id for c in current] == [contract.pk]
    assert all(c.section == MenuSection.CONTRIBUTION for c in current)
    # An amendment under way changes nothing until it is validated.
    amendment = services.contract_amend(actor=person.user, contract=contract)
    extra = MenuItemFactory(
        actor_type=amendment.actor_type,
        section=MenuSection.CONTRIBUTION,
        contribution_kind="donation",
        label="Don",
    )
    services.contract_update(
        actor=person.user,
        contract=amendment,
        choices={str(extra.uuid): ""},
    )
    assert [c.contract_id for c in selectors.contract_current_contributions(person=person)] == [
        contract.pk
    ]
    services.contract_submit(actor=person.user, contract=amendment)
    services.contract_validate(actor=StewardFactory().user, contract=amendment)
    after = list(selectors.contract_current_contributions(person=person))
    assert [(c.contract_id, c.label) for c in after] == [(amendment.pk, "Don")]


def test_current_contributions_of_an_organization() -> None:
    organization = OrganizationFactory()
    assert not selectors.contract_current_contributions(organization=organization).exists()
    contract = validated_contract(organization=organization)
    assert {
        c.contract_id for c in selectors.contract_current_contributions(organization=organization)
    } == {contract.pk}
    with pytest.raises(ValueError, match="exactly one"):
        selectors.contract_current_contributions()


def test_history_lists_every_version_newest_first() -> None:
    contract = validated_contract()
    amendment = services.contract_amend(actor=contract.applicant_person.user, contract=contract)
    assert [v.version for v in selectors.contract_history(contract=contract)] == [2, 1]
    assert selectors.contract_history(contract=amendment)[0] == amendment


def test_menu_for_gives_active_items_by_section() -> None:
    need = MenuItemFactory(actor_type=ActorType.CITOYEN)
    MenuItemFactory(actor_type=ActorType.CITOYEN, is_active=False)
    MenuItemFactory(actor_type=ActorType.ENTREPRISE)
    menu = selectors.menu_for(ActorType.CITOYEN)
    assert menu[MenuSection.NEED] == [need]
    assert menu[MenuSection.CONTRIBUTION] == []
