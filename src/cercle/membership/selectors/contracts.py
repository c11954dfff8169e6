"""Reads on adhesion contracts and their menus, shared by pages and the API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cercle.core.errors import Conflict, NotAllowed, NotFound
from cercle.core.models import User
from cercle.membership.enums import ContractStatus, MenuSection
from cercle.membership.models import AdhesionContract, ContractChoice, ContractComment, MenuItem
from cercle.membership.models.contracts import OPEN_STATUSES
from cercle.membership.policies.contracts import check_can_download, check_can_view, person_for
from cercle.network.enums import EngagementLevel, OrganizationRole
from cercle.network.models import Organization, Person
from cercle.network.policies import is_steward

QUEUE_STATUSES = (ContractStatus.SUBMITTED, ContractStatus.IN_DISCUSSION)

# ---------------------------------------------------------------- menus


def menu_item_list(
    *,
    actor_type: str = "",
    section: str = "",
    active_only: bool = False,
) -> QuerySet[MenuItem]:
    items = MenuItem.objects.all()
    if actor_type:
        items = items.filter(actor_type=actor_type)
    if section:
        items = items.filter(section=section)
    if active_only:
        items = items.filter(is_active=True)
    return items.order_by("actor_type", "section", "position", "id")


def menu_for(actor_type: str) -> dict[str, list[MenuItem]]:
    """The active items offered to one actor type, by section (in the contract's order)."""
    menu: dict[str, list[MenuItem]] = {section: [] for section in MenuSection.values}
    for item in menu_item_list(actor_type=actor_type, active_only=True):
        menu[item.section].append(item)
    return menu


def menu_item_get(*, uuid: UUID | str) -> MenuItem:
    item = MenuItem.objects.filter(uuid=uuid).first()
    if item is None:
        raise NotFound(_("This menu item does not exist."))
    return item


# ---------------------------------------------------------------- contracts


def _with_parties(contracts: QuerySet[AdhesionContract]) -> QuerySet[AdhesionContract]:
    return contracts.select_related(
        "applicant_person", "applicant_organization", "created_by", "decided_by", "amends"
    )


def administered_organizations(*, user: Any) -> QuerySet[Organization]:
    """The organizations a person may apply for (they administer them)."""
    person = person_for(user)
    if person is None:
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__person=person, memberships__role=OrganizationRole.ADMIN
    ).order_by("name")


def organization_for_application(uuid: UUID | str) -> Organization:
    """The organization named in an application; a field error when there is none."""
    organization = Organization.objects.filter(uuid=uuid).first()
    if organization is None:
        raise ValidationError({"organization": [_("No organization has this identifier.")]})
    return organization


def contract_list(*, actor: Any, mine_only: bool = False) -> QuerySet[AdhesionContract]:
    """Contracts the actor may read: their own and their organizations', or all for stewards."""
    person = person_for(actor)
    if person is None:
        return AdhesionContract.objects.none()
    contracts = _with_parties(AdhesionContract.objects.all())
    if mine_only or not is_steward(actor):
        administered = Organization.objects.filter(
            memberships__person=person, memberships__role=OrganizationRole.ADMIN
        ).values("pk")
        contracts = contracts.filter(
            Q(applicant_person=person) | Q(applicant_organization__in=administered)
        )
    return contracts.order_by("-created_at", "-id")


def contract_queue(
    *, actor: Any, status: str = "", actor_type: str = ""
) -> QuerySet[AdhesionContract]:
    """Submitted contracts and contracts in discussion, oldest first, for stewards."""
    if not is_steward(actor):
        raise NotAllowed(_("Only stewards see the contracts to handle."))
    statuses = [status] if status in QUEUE_STATUSES else list(QUEUE_STATUSES)
    contracts = _with_parties(AdhesionContract.objects.filter(status__in=statuses))
    if actor_type:
        contracts = contracts.filter(actor_type=actor_type)
    return contracts.order_by("submitted_at", "id")


def _choices_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "choices",
        queryset=ContractChoice.objects.select_related("item").order_by(
            "item__position", "item_id"
        ),
    )


def _comments_prefetch() -> Prefetch[Any]:
    return Prefetch("comments", queryset=ContractComment.objects.select_related("author"))


def contract_get(*, actor: Any, uuid: UUID | str) -> AdhesionContract:
    """One contract with its choices and comments; NotFound or NotAllowed otherwise."""
    contract = (
        _with_parties(AdhesionContract.objects.all())
        .prefetch_related(_choices_prefetch(), _comments_prefetch())
        .filter(uuid=uuid)
        .first()
    )
    if contract is None:
        raise NotFound(_("This contract does not exist."))
    check_can_view(actor, contract)
    return contract


def contract_history(*, contract: AdhesionContract) -> list[AdhesionContract]:
    """Every version of the contract's lineage, newest first, with choices and comments."""
    return list(
        _with_parties(AdhesionContract.objects.filter(lineage=contract.lineage))
        .prefetch_related(_choices_prefetch(), _comments_prefetch())
        .order_by("-version")
    )


def contract_versions(*, actor: Any, uuid: UUID | str) -> QuerySet[AdhesionContract]:
    """Every version of the lineage of the contract `uuid` the actor may read, oldest
    first, with their choices: NotFound or NotAllowed as for the contract itself, then a
    fixed number of queries, whatever the number of versions."""
    contract = AdhesionContract.objects.filter(uuid=uuid).first()
    if contract is None:
        raise NotFound(_("This contract does not exist."))
    check_can_view(actor, contract)
    return (
        contract_list(actor=actor)
        .filter(lineage=contract.lineage)
        .prefetch_related(_choices_prefetch())
        .order_by("version", "id")
    )


def choices_by_section(choices: Iterable[ContractChoice]) -> list[tuple[str, list[ContractChoice]]]:
    """(section label, choices) in the contract's order, for pages and the PDF."""
    grouped: dict[str, list[ContractChoice]] = {section: [] for section in MenuSection.values}
    for choice in choices:
        grouped.setdefault(choice.section, []).append(choice)
    return [(str(MenuSection(section).label), grouped[section]) for section in MenuSection.values]


def open_contract_of(
    *, person: Person | None = None, organization: Organization | None = None
) -> AdhesionContract | None:
    contracts = AdhesionContract.objects.filter(status__in=OPEN_STATUSES)
    if organization is not None:
        return contracts.filter(applicant_organization=organization).first()
    return contracts.filter(applicant_person=person).first()


def contract_validated_of(
    *, person: Person | None = None, organization: Organization | None = None
) -> AdhesionContract | None:
    """The version in force for an applicant (at most one: the rest is history)."""
    contracts = AdhesionContract.objects.filter(status=ContractStatus.VALIDATED)
    if organization is not None:
        contracts = contracts.filter(applicant_organization=organization)
    elif person is not None:
        contracts = contracts.filter(applicant_person=person)
    else:
        return None
    return contracts.order_by("-decided_at", "-id").first()


def contract_current_contributions(
    *, person: Person | None = None, organization: Organization | None = None
) -> QuerySet[ContractChoice]:
    """The contribution choices of the applicant's validated contract (for reciprocity)."""
    if (person is None) == (organization is None):
        raise ValueError("Give exactly one of person or organization.")
    choices = ContractChoice.objects.filter(
        section=MenuSection.CONTRIBUTION, contract__status=ContractStatus.VALIDATED
    )
    if organization is not None:
        choices = choices.filter(contract__applicant_organization=organization)
    else:
        choices = choices.filter(contract__applicant_person=person)
    return choices.select_related("item", "contract").order_by("item__position", "id")


def applicant_users(contract: AdhesionContract) -> list[User]:
    """Who speaks for the applicant: the person, or the organization's administrators."""
    if contract.applicant_person_id is not None:
        return list(User.objects.filter(person__pk=contract.applicant_person_id))
    return list(
        User.objects.filter(
            person__memberships__organization__pk=contract.applicant_organization_id or 0,
            person__memberships__role=OrganizationRole.ADMIN,
        ).distinct()
    )


def steward_users(*, exclude: Iterable[User] = ()) -> list[User]:
    excluded = [user.pk for user in exclude]
    return list(
        User.objects.filter(
            person__engagement_level=EngagementLevel.SOUCIEUX, is_active=True
        ).exclude(pk__in=excluded)
    )


def network_name() -> str:
    """The association that is party to every contract (setting CERCLE_NETWORK_NAME)."""
    return getattr(settings, "CERCLE_NETWORK_NAME", "") or _("the association of the network")


def contract_pdf(*, actor: Any, contract: AdhesionContract) -> bytes:
    """The signed-off contract as a PDF: parties, chosen items, validating steward, date."""
    from cercle.core.pdf import render_pdf

    rights = check_can_download(actor, contract)
    if not rights.can_download:
        raise Conflict(_("Only a validated contract can be downloaded."))
    return render_pdf(
        "pdf/contract.html",
        {
            "contract": contract,
            "sections": choices_by_section(contract.choices.all()),
            "network_name": network_name(),
        },
    )
