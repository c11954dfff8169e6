"""Factories for adhesion menus and contracts, and helpers that reach a state through services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from cercle.membership.enums import ContractStatus, ContributionKind, MenuSection
from cercle.membership.models import AdhesionContract, ContractChoice, ContractComment, MenuItem
from cercle.membership.services import contracts as services
from cercle.network.enums import ActorType, OrganizationRole
from cercle.network.models import Organization, OrganizationMembership, Person
from tests.factories.network import OrganizationFactory, PersonFactory, StewardFactory


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuItem

    actor_type = ActorType.CITOYEN
    section = MenuSection.NEED
    label = factory.Sequence(lambda n: f"Besoin n°{n}")
    position = factory.Sequence(lambda n: n + 1)


class EngagementItemFactory(MenuItemFactory):
    section = MenuSection.ENGAGEMENT
    label = factory.Sequence(lambda n: f"Engagement n°{n}")


class ContributionItemFactory(MenuItemFactory):
    section = MenuSection.CONTRIBUTION
    label = factory.Sequence(lambda n: f"Cotisation n°{n}")
    contribution_kind = ContributionKind.MEMBERSHIP_FEE
    amount_ht = Decimal("20.00")


class TurnoverItemFactory(ContributionItemFactory):
    label = factory.Sequence(lambda n: f"Part du chiffre d'affaires n°{n}")
    contribution_kind = ContributionKind.TURNOVER_SHARE
    rate_percent = Decimal("5.00")
    amount_ht = None


class OtherItemFactory(MenuItemFactory):
    """An "other / your proposal" item: the applicant writes their own text."""

    label = factory.Sequence(lambda n: f"Autre n°{n}")
    is_free_text = True


class OrganizationAdminFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationMembership

    organization = factory.SubFactory(OrganizationFactory)
    person = factory.SubFactory(PersonFactory)
    role = OrganizationRole.ADMIN


class ContractFactory(factory.django.DjangoModelFactory):
    """A person's contract, written straight to the database (for lists and counts)."""

    class Meta:
        model = AdhesionContract

    applicant_person = factory.SubFactory(PersonFactory)
    created_by = factory.LazyAttribute(lambda o: o.applicant_person)
    actor_type = ActorType.CITOYEN
    status = ContractStatus.DRAFT


class OrganizationContractFactory(ContractFactory):
    applicant_person = None
    applicant_organization = factory.SubFactory(OrganizationFactory)
    created_by = factory.SubFactory(PersonFactory)
    actor_type = factory.LazyAttribute(lambda o: o.applicant_organization.actor_type)


class ContractChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractChoice

    contract = factory.SubFactory(ContractFactory)
    item = factory.SubFactory(ContributionItemFactory)
    section = factory.LazyAttribute(lambda o: o.item.section)
    label = factory.LazyAttribute(lambda o: o.item.label)
    contribution_kind = factory.LazyAttribute(lambda o: o.item.contribution_kind)
    rate_percent = factory.LazyAttribute(lambda o: o.item.rate_percent)
    amount_ht = factory.LazyAttribute(lambda o: o.item.amount_ht)


class ContractCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractComment

    contract = factory.SubFactory(ContractFactory)
    author = factory.LazyAttribute(lambda o: o.contract.created_by)
    body = factory.Sequence(lambda n: f"Message n°{n}")


# ---------------------------------------------------------------- states through services


def admin_of(organization: Organization, person: Person | None = None) -> Person:
    """A person (new unless given) who administers the organization."""
    person = person or PersonFactory()
    OrganizationAdminFactory(organization=organization, person=person)
    return person


def member_of(organization: Organization, person: Person | None = None) -> Person:
    person = person or PersonFactory()
    OrganizationAdminFactory(organization=organization, person=person, role=OrganizationRole.MEMBER)
    return person


def simple_menu(actor_type: str = ActorType.CITOYEN) -> dict[str, MenuItem]:
    """One need, one commitment, one contribution and one "other" item for an actor type."""
    return {
        "need": MenuItemFactory(actor_type=actor_type),
        "engagement": EngagementItemFactory(actor_type=actor_type),
        "contribution": ContributionItemFactory(actor_type=actor_type),
        "other": OtherItemFactory(
            actor_type=actor_type,
            section=MenuSection.CONTRIBUTION,
            contribution_kind=ContributionKind.OTHER,
        ),
    }


def draft_contract(
    applicant: Person | None = None,
    *,
    organization: Organization | None = None,
    menu: dict[str, MenuItem] | None = None,
) -> AdhesionContract:
    """A draft with a need and a contribution picked, started through the services."""
    if organization is not None:
        applicant = applicant or admin_of(organization)
        contract = services.contract_start(actor=applicant.user, organization=organization)
    else:
        applicant = applicant or PersonFactory()
        contract = services.contract_start(actor=applicant.user)
    menu = menu or simple_menu(contract.actor_type)
    services.contract_update(
        actor=applicant.user,
        contract=contract,
        motivation="Nous voulons rejoindre le réseau.",
        choices={str(menu["need"].uuid): "", str(menu["contribution"].uuid): ""},
    )
    return contract


def submitted_contract(applicant: Person | None = None, **kwargs: Any) -> AdhesionContract:
    contract = draft_contract(applicant, **kwargs)
    return services.contract_submit(actor=contract.created_by.user, contract=contract)


def in_discussion_contract(
    applicant: Person | None = None, *, steward: Person | None = None, **kwargs: Any
) -> AdhesionContract:
    contract = submitted_contract(applicant, **kwargs)
    steward = steward or StewardFactory()
    services.contract_comment(actor=steward.user, contract=contract, body="Parlons-en.")
    contract.refresh_from_db()
    return contract


def validated_contract(
    applicant: Person | None = None, *, steward: Person | None = None, **kwargs: Any
) -> AdhesionContract:
    contract = submitted_contract(applicant, **kwargs)
    steward = steward or StewardFactory()
    return services.contract_validate(actor=steward.user, contract=contract)
