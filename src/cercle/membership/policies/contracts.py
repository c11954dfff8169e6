"""Who may do what with adhesion contracts and their menus.

- stewards maintain the menus, read every contract, open the discussion, validate or
  refuse — never a contract of their own nor one of an organization they belong to;
- the applicant side (the person, or the administrators of the organization) starts,
  edits and submits a draft, comments while it is discussed, amends a validated one;
- a contract is private to its applicant side and the stewards.

`contract_rights` computes everything a page needs in one go, so templates ask no
more queries; the `check_can_*` functions raise `NotAllowed` with a clear reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.membership.enums import ContractStatus
from cercle.membership.models import AdhesionContract
from cercle.network.enums import OrganizationRole
from cercle.network.models import Organization, OrganizationMembership, Person
from cercle.network.policies import is_org_admin, is_steward
from cercle.network.policies import person_or_none as person_for


def _membership_role(person: Person, contract: AdhesionContract) -> str | None:
    """The person's role in the applicant organization, None when not a member."""
    if contract.applicant_organization_id is None:
        return None
    membership = OrganizationMembership.objects.filter(
        organization_id=contract.applicant_organization_id, person=person
    ).first()
    return membership.role if membership else None


@dataclass(frozen=True)
class ContractRights:
    """What one user may do with one contract, for pages and services alike."""

    is_steward: bool
    is_applicant_side: bool
    has_conflict: bool
    status: str

    @property
    def can_view(self) -> bool:
        return self.is_steward or self.is_applicant_side

    @property
    def can_edit(self) -> bool:
        return self.is_applicant_side and self.status == ContractStatus.DRAFT

    can_submit = can_edit

    @property
    def can_comment(self) -> bool:
        return self.can_view and self.status in (
            ContractStatus.SUBMITTED,
            ContractStatus.IN_DISCUSSION,
        )

    @property
    def can_decide(self) -> bool:
        return (
            self.is_steward
            and not self.has_conflict
            and self.status in (ContractStatus.SUBMITTED, ContractStatus.IN_DISCUSSION)
        )

    @property
    def opens_discussion(self) -> bool:
        """A steward's comment on a submitted contract opens the discussion."""
        return (
            self.is_steward
            and not self.is_applicant_side
            and self.status == ContractStatus.SUBMITTED
        )

    @property
    def can_amend(self) -> bool:
        return self.is_applicant_side and self.status == ContractStatus.VALIDATED

    @property
    def can_download(self) -> bool:
        return self.can_view and self.status in (
            ContractStatus.VALIDATED,
            ContractStatus.SUPERSEDED,
        )


def contract_rights(user: Any, contract: AdhesionContract) -> ContractRights:
    person = person_for(user)
    if person is None:
        return ContractRights(False, False, False, contract.status)
    steward = bool(is_steward(user))
    if contract.applicant_person_id is not None:
        own = contract.applicant_person_id == person.pk
        return ContractRights(steward, own, own, contract.status)
    role = _membership_role(person, contract)
    return ContractRights(
        is_steward=steward,
        is_applicant_side=role == OrganizationRole.ADMIN,
        has_conflict=role is not None,
        status=contract.status,
    )


# ---------------------------------------------------------------- menus


def can_manage_menus(user: Any) -> bool:
    return bool(is_steward(user))


def check_can_manage_menus(user: Any) -> None:
    if not can_manage_menus(user):
        raise NotAllowed(_("Only stewards maintain the adhesion menus."))


# ---------------------------------------------------------------- contracts


def can_apply(user: Any, organization: Organization | None = None) -> bool:
    """Anyone signed in applies for themself; for an organization, its administrators."""
    if person_for(user) is None:
        return False
    return organization is None or bool(is_org_admin(user, organization))


def check_can_apply(user: Any, organization: Organization | None = None) -> None:
    if person_for(user) is None:
        raise NotAllowed(_("Sign in and complete your profile to apply."))
    if organization is not None and not is_org_admin(user, organization):
        raise NotAllowed(_("Only the administrators of an organization apply in its name."))


def check_can_view(user: Any, contract: AdhesionContract) -> ContractRights:
    rights = contract_rights(user, contract)
    if not rights.can_view:
        raise NotAllowed(_("This contract is visible only to its applicant and the stewards."))
    return rights


def check_can_edit(user: Any, contract: AdhesionContract) -> ContractRights:
    rights = check_can_view(user, contract)
    if not rights.is_applicant_side:
        raise NotAllowed(_("Only the applicant edits and submits their contract."))
    return rights


def check_can_comment(user: Any, contract: AdhesionContract) -> ContractRights:
    return check_can_view(user, contract)


def check_can_decide(user: Any, contract: AdhesionContract) -> ContractRights:
    rights = check_can_view(user, contract)
    if not rights.is_steward:
        raise NotAllowed(_("Only stewards validate or refuse a contract."))
    if rights.has_conflict:
        raise NotAllowed(
            _(
                "You cannot decide on this contract: you are its applicant or a member of "
                "the applicant organization. Another steward will decide."
            )
        )
    return rights


def check_can_amend(user: Any, contract: AdhesionContract) -> ContractRights:
    rights = check_can_view(user, contract)
    if not rights.is_applicant_side:
        raise NotAllowed(_("Only the applicant amends their contract."))
    return rights


def check_can_download(user: Any, contract: AdhesionContract) -> ContractRights:
    return check_can_view(user, contract)
