"""Who may see, edit, discuss, decide, amend and download an adhesion contract."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cercle.core.errors import NotAllowed
from cercle.membership.enums import ContractStatus
from cercle.membership.policies import contracts as policies
from tests.factories.membership_contracts import (
    ContractFactory,
    OrganizationContractFactory,
    admin_of,
    member_of,
)
from tests.factories.network import PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db

S = ContractStatus


def test_the_applicant_edits_a_draft_but_nobody_else() -> None:
    contract = ContractFactory()
    mine = policies.contract_rights(contract.applicant_person.user, contract)
    assert (mine.can_view, mine.can_edit, mine.can_submit) == (True, True, True)
    assert (mine.can_decide, mine.can_comment) == (False, False)
    steward = policies.contract_rights(StewardFactory().user, contract)
    assert (steward.can_view, steward.can_edit) == (True, False)
    outsider = policies.contract_rights(PersonFactory().user, contract)
    assert not outsider.can_view
    anonymous = policies.contract_rights(AnonymousUser(), contract)
    assert not anonymous.can_view


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_DISCUSSION])
def test_under_review_both_sides_comment_and_a_free_steward_decides(status: str) -> None:
    contract = ContractFactory(status=status)
    applicant = policies.contract_rights(contract.applicant_person.user, contract)
    assert (applicant.can_comment, applicant.can_edit, applicant.can_decide) == (True, False, False)
    steward = policies.contract_rights(StewardFactory().user, contract)
    assert (steward.can_comment, steward.can_decide) == (True, True)
    assert steward.opens_discussion == (status == S.SUBMITTED)


def test_organization_contracts_belong_to_its_admins() -> None:
    contract = OrganizationContractFactory(status=S.SUBMITTED)
    organization = contract.applicant_organization
    admin = admin_of(organization)
    member = member_of(organization)
    assert policies.contract_rights(admin.user, contract).is_applicant_side
    plain = policies.contract_rights(member.user, contract)
    assert not plain.can_view


def test_conflict_of_interest_blocks_the_decision_only() -> None:
    contract = OrganizationContractFactory(status=S.SUBMITTED)
    steward = StewardFactory()
    member_of(contract.applicant_organization, steward)
    rights = policies.contract_rights(steward.user, contract)
    assert (rights.can_view, rights.can_comment, rights.has_conflict) == (True, True, True)
    assert not rights.can_decide
    with pytest.raises(NotAllowed):
        policies.check_can_decide(steward.user, contract)
    own = ContractFactory(applicant_person=steward, status=S.SUBMITTED)
    assert not policies.contract_rights(steward.user, own).can_decide


@pytest.mark.parametrize(
    ("status", "amend", "download"),
    [
        (S.DRAFT, False, False),
        (S.SUBMITTED, False, False),
        (S.VALIDATED, True, True),
        (S.REFUSED, False, False),
        (S.SUPERSEDED, False, True),
    ],
)
def test_amend_and_download_follow_the_status(status: str, amend: bool, download: bool) -> None:
    contract = ContractFactory(status=status, refusal_reason="r" if status == S.REFUSED else "")
    rights = policies.contract_rights(contract.applicant_person.user, contract)
    assert (rights.can_amend, rights.can_download) == (amend, download)
    assert not policies.contract_rights(PersonFactory().user, contract).can_download


def test_applying_for_an_organization_needs_its_admin() -> None:
    contract = OrganizationContractFactory()
    organization = contract.applicant_organization
    assert policies.can_apply(admin_of(organization).user, organization)
    assert not policies.can_apply(member_of(organization).user, organization)
    assert policies.can_apply(PersonFactory().user)
    assert not policies.can_apply(AnonymousUser())
    with pytest.raises(NotAllowed):
        policies.check_can_apply(AnonymousUser())


def test_only_stewards_manage_menus() -> None:
    assert policies.can_manage_menus(StewardFactory().user)
    assert not policies.can_manage_menus(PersonFactory(engagement_level="contributeur").user)
    assert not policies.can_manage_menus(AnonymousUser())
