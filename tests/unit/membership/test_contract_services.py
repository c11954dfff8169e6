"""Adhesion contracts: every allowed and forbidden move, conflicts of interest, amendments."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cercle.core.enums import Visibility
from cercle.core.errors import Conflict, InvalidTransition, NotAllowed
from cercle.core.models import JournalEntry
from cercle.membership.enums import ContractStatus, MenuSection
from cercle.membership.models import AdhesionContract, ContractChoice
from cercle.membership.services import contracts as services
from cercle.membership.services import menus as menu_services
from cercle.network.enums import ActorType, EngagementLevel
from tests.factories.membership_contracts import (
    ContractFactory,
    MenuItemFactory,
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


def _entries(verb: str) -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(verb=verb).order_by("seq"))


# ---------------------------------------------------------------- start


def test_a_person_starts_a_draft_for_themself_as_a_citizen() -> None:
    person = PersonFactory()
    contract = services.contract_start(actor=person.user)
    assert contract.status == S.DRAFT
    assert contract.applicant_person == person
    assert contract.actor_type == ActorType.CITOYEN
    assert contract.version == 1
    entry = _entries("contract.started")[-1]
    assert entry.visibility == Visibility.PRIVATE
    assert entry.subject == person.user


def test_a_person_may_apply_as_a_service_provider_but_not_as_an_organization_type() -> None:
    person = PersonFactory()
    contract = services.contract_start(actor=person.user, actor_type=ActorType.PRESTATAIRE)
    assert contract.actor_type == ActorType.PRESTATAIRE
    other = PersonFactory()
    with pytest.raises(ValidationError) as error:
        services.contract_start(actor=other.user, actor_type=ActorType.COLLECTIVITE)
    assert "actor_type" in error.value.message_dict
    assert not AdhesionContract.objects.filter(applicant_person=other).exists()


def test_an_organization_admin_applies_for_it_with_its_actor_type() -> None:
    organization = OrganizationFactory(actor_type=ActorType.COLLECTIVITE)
    admin = admin_of(organization)
    contract = services.contract_start(actor=admin.user, organization=organization)
    assert contract.applicant_organization == organization
    assert contract.actor_type == ActorType.COLLECTIVITE
    assert contract.created_by == admin


def test_a_plain_member_of_an_organization_cannot_apply_for_it() -> None:
    organization = OrganizationFactory()
    member = member_of(organization)
    with pytest.raises(NotAllowed):
        services.contract_start(actor=member.user, organization=organization)
    assert not AdhesionContract.objects.exists()


def test_only_one_open_contract_per_applicant() -> None:
    contract = draft_contract()
    with pytest.raises(Conflict):
        services.contract_start(actor=contract.created_by.user)
    assert AdhesionContract.objects.count() == 1


def test_with_a_contract_in_force_one_amends_instead_of_starting_again() -> None:
    contract = validated_contract()
    with pytest.raises(Conflict):
        services.contract_start(actor=contract.applicant_person.user)


def test_after_a_refusal_a_new_draft_continues_the_same_lineage() -> None:
    contract = submitted_contract()
    services.contract_refuse(actor=StewardFactory().user, contract=contract, reason="Trop flou.")
    again = services.contract_start(actor=contract.applicant_person.user)
    assert again.lineage == contract.lineage
    assert again.version == 2
    assert again.amends is None


# ---------------------------------------------------------------- edit and submit


def test_update_copies_the_items_and_requires_text_for_other_items() -> None:
    person = PersonFactory()
    menu = simple_menu()
    contract = services.contract_start(actor=person.user)
    with pytest.raises(ValidationError) as error:
        services.contract_update(
            actor=person.user, contract=contract, choices={str(menu["other"].uuid): "  "}
        )
    assert "choices" in error.value.message_dict
    assert not contract.choices.exists()
    services.contract_update(
        actor=person.user,
        contract=contract,
        choices={str(menu["contribution"].uuid): "ignored", str(menu["other"].uuid): "Un atelier"},
    )
    chosen = {c.item_id: c for c in contract.choices.all()}
    assert chosen[menu["contribution"].pk].free_text == ""
    assert chosen[menu["contribution"].pk].amount_ht == menu["contribution"].amount_ht
    assert chosen[menu["other"].pk].free_text == "Un atelier"


@pytest.mark.parametrize("bad_key", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_update_refuses_unknown_items(bad_key: str) -> None:
    contract = draft_contract()
    before = list(contract.choices.values_list("item_id", flat=True))
    with pytest.raises(ValidationError) as error:
        services.contract_update(
            actor=contract.created_by.user, contract=contract, choices={bad_key: ""}
        )
    assert "choices" in error.value.message_dict
    assert list(contract.choices.values_list("item_id", flat=True)) == before


def test_update_refuses_items_of_another_actor_type_or_withdrawn() -> None:
    contract = draft_contract()
    foreign = MenuItemFactory(actor_type=ActorType.ENTREPRISE)
    withdrawn = MenuItemFactory(actor_type=contract.actor_type, is_active=False)
    for item in (foreign, withdrawn):
        with pytest.raises(ValidationError):
            services.contract_update(
                actor=contract.created_by.user, contract=contract, choices={str(item.uuid): ""}
            )
    assert contract.choices.count() == 2


def test_menu_edits_do_not_rewrite_chosen_items() -> None:
    contract = draft_contract()
    choice = contract.choices.get(section=MenuSection.CONTRIBUTION)
    steward = StewardFactory()
    menu_services.menu_item_update(actor=steward.user, item=choice.item, label="Nouveau libellé")
    choice.refresh_from_db()
    assert choice.label != "Nouveau libellé"


def test_only_the_applicant_side_edits_and_submits() -> None:
    contract = draft_contract()
    for outsider in (PersonFactory(), StewardFactory()):
        with pytest.raises(NotAllowed):
            services.contract_update(actor=outsider.user, contract=contract, motivation="x")
        with pytest.raises(NotAllowed):
            services.contract_submit(actor=outsider.user, contract=contract)
    contract.refresh_from_db()
    assert contract.status == S.DRAFT


def test_any_admin_of_the_organization_may_edit_its_draft() -> None:
    organization = OrganizationFactory()
    contract = draft_contract(organization=organization)
    second_admin = admin_of(organization)
    services.contract_update(actor=second_admin.user, contract=contract, motivation="Ensemble")
    contract.refresh_from_db()
    assert contract.motivation == "Ensemble"


def test_submit_needs_a_contribution(django_capture_on_commit_callbacks: Any) -> None:
    person = PersonFactory()
    menu = simple_menu()
    contract = services.contract_start(actor=person.user)
    services.contract_update(
        actor=person.user, contract=contract, choices={str(menu["need"].uuid): ""}
    )
    with pytest.raises(ValidationError) as error:
        services.contract_submit(actor=person.user, contract=contract)
    assert "choices" in error.value.message_dict
    contract.refresh_from_db()
    assert contract.status == S.DRAFT


def test_submitting_tells_the_stewards(django_capture_on_commit_callbacks: Any) -> None:
    stewards = [StewardFactory(), StewardFactory()]
    contract = draft_contract()
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_submit(actor=contract.created_by.user, contract=contract)
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED
    assert contract.submitted_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.user.email for s in stewards)
    assert contract.get_absolute_url() in mail.outbox[0].body


def test_a_submitted_contract_can_no_longer_be_edited() -> None:
    contract = submitted_contract()
    with pytest.raises(Conflict):
        services.contract_update(actor=contract.created_by.user, contract=contract, motivation="x")
    with pytest.raises(InvalidTransition):
        services.contract_submit(actor=contract.created_by.user, contract=contract)


# ---------------------------------------------------------------- discussion


def test_a_stewards_comment_opens_the_discussion_and_tells_the_applicant(
    django_capture_on_commit_callbacks: Any,
) -> None:
    contract = submitted_contract()
    steward = StewardFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_comment(actor=steward.user, contract=contract, body="Une question ?")
    contract.refresh_from_db()
    assert contract.status == S.IN_DISCUSSION
    assert [m.to[0] for m in mail.outbox] == [contract.applicant_person.user.email]
    assert "Une question ?" in mail.outbox[0].body


def test_the_applicants_comment_keeps_the_status_and_tells_the_stewards_in_the_thread(
    django_capture_on_commit_callbacks: Any,
) -> None:
    talking = StewardFactory()
    StewardFactory()  # not in the thread: not told
    contract = in_discussion_contract(steward=talking)
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_comment(
            actor=contract.applicant_person.user, contract=contract, body="Voici ma réponse"
        )
    contract.refresh_from_db()
    assert contract.status == S.IN_DISCUSSION
    assert [m.to[0] for m in mail.outbox] == [talking.user.email]


def test_an_applicants_comment_on_a_submitted_contract_does_not_open_the_discussion() -> None:
    contract = submitted_contract()
    services.contract_comment(actor=contract.applicant_person.user, contract=contract, body="Hé")
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED


def test_comments_need_a_body_and_an_open_discussion() -> None:
    draft = draft_contract()
    with pytest.raises(Conflict):
        services.contract_comment(actor=draft.created_by.user, contract=draft, body="Trop tôt")
    contract = submitted_contract()
    with pytest.raises(ValidationError) as error:
        services.contract_comment(actor=StewardFactory().user, contract=contract, body="   ")
    assert "body" in error.value.message_dict
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED
    assert not contract.comments.exists()


def test_outsiders_cannot_comment() -> None:
    contract = submitted_contract()
    with pytest.raises(NotAllowed):
        services.contract_comment(actor=PersonFactory().user, contract=contract, body="Coucou")


# ---------------------------------------------------------------- decisions


@pytest.mark.parametrize("state", ["submitted", "in_discussion"])
def test_validation_makes_the_person_a_member_and_tells_them(
    state: str, django_capture_on_commit_callbacks: Any
) -> None:
    contract = submitted_contract() if state == "submitted" else in_discussion_contract()
    mail.outbox.clear()
    steward = StewardFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_validate(actor=steward.user, contract=contract)
    contract.refresh_from_db()
    person = contract.applicant_person
    person.refresh_from_db()
    assert contract.status == S.VALIDATED
    assert contract.decided_by == steward
    assert person.engagement_level == EngagementLevel.SYMPATHISANT
    assert person.member_since is not None
    assert [m.to[0] for m in mail.outbox] == [person.user.email]
    assert _entries("contract.validated")[-1].visibility == Visibility.PRIVATE


def test_validating_an_organization_is_public_and_makes_it_a_member() -> None:
    organization = OrganizationFactory()
    contract = submitted_contract(organization=organization)
    services.contract_validate(actor=StewardFactory().user, contract=contract)
    organization.refresh_from_db()
    assert organization.member_since is not None
    assert _entries("contract.validated")[-1].visibility == Visibility.PUBLIC


def test_refusal_needs_a_reason_and_tells_the_applicant(
    django_capture_on_commit_callbacks: Any,
) -> None:
    contract = submitted_contract()
    steward = StewardFactory()
    with pytest.raises(ValidationError) as error:
        services.contract_refuse(actor=steward.user, contract=contract, reason=" ")
    assert "reason" in error.value.message_dict
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_refuse(actor=steward.user, contract=contract, reason="Pas encore.")
    contract.refresh_from_db()
    assert (contract.status, contract.refusal_reason) == (S.REFUSED, "Pas encore.")
    assert "Pas encore." in mail.outbox[-1].body


def test_only_stewards_decide() -> None:
    contract = submitted_contract()
    for actor in (contract.applicant_person, PersonFactory()):
        with pytest.raises(NotAllowed):
            services.contract_validate(actor=actor.user, contract=contract)
        with pytest.raises(NotAllowed):
            services.contract_refuse(actor=actor.user, contract=contract, reason="Non")
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED


def test_a_steward_cannot_decide_on_their_own_contract() -> None:
    steward = StewardFactory()
    contract = submitted_contract(steward)
    with pytest.raises(NotAllowed):
        services.contract_validate(actor=steward.user, contract=contract)
    with pytest.raises(NotAllowed):
        services.contract_refuse(actor=steward.user, contract=contract, reason="Non")
    contract.refresh_from_db()
    assert contract.status == S.SUBMITTED


@pytest.mark.parametrize("as_admin", [True, False])
def test_a_steward_in_the_applicant_organization_cannot_decide(as_admin: bool) -> None:
    organization = OrganizationFactory()
    contract = submitted_contract(organization=organization)
    steward = StewardFactory()
    (admin_of if as_admin else member_of)(organization, steward)
    with pytest.raises(NotAllowed):
        services.contract_validate(actor=steward.user, contract=contract)
    with pytest.raises(NotAllowed):
        services.contract_refuse(actor=steward.user, contract=contract, reason="Non")
    services.contract_validate(actor=StewardFactory().user, contract=contract)
    contract.refresh_from_db()
    assert contract.status == S.VALIDATED


# ---------------------------------------------------------------- forbidden transitions


@pytest.mark.parametrize("status", [S.DRAFT, S.VALIDATED, S.REFUSED, S.SUPERSEDED])
def test_decisions_are_refused_outside_submitted_and_in_discussion(status: str) -> None:
    contract = ContractFactory(status=status, refusal_reason="r" if status == S.REFUSED else "")
    steward = StewardFactory()
    with pytest.raises(InvalidTransition):
        services.contract_validate(actor=steward.user, contract=contract)
    with pytest.raises(InvalidTransition):
        services.contract_refuse(actor=steward.user, contract=contract, reason="Non")
    contract.refresh_from_db()
    assert contract.status == status


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_DISCUSSION, S.VALIDATED, S.REFUSED])
def test_only_a_draft_is_submitted(status: str) -> None:
    contract = ContractFactory(status=status, refusal_reason="r" if status == S.REFUSED else "")
    with pytest.raises(InvalidTransition):
        services.contract_submit(actor=contract.applicant_person.user, contract=contract)


@pytest.mark.parametrize("status", [S.VALIDATED, S.REFUSED, S.SUPERSEDED, S.DRAFT])
def test_no_discussion_outside_submitted_and_in_discussion(status: str) -> None:
    contract = ContractFactory(status=status, refusal_reason="r" if status == S.REFUSED else "")
    with pytest.raises(Conflict):
        services.contract_comment(actor=StewardFactory().user, contract=contract, body="Hé")


# ---------------------------------------------------------------- amendments


def test_amending_opens_a_prefilled_draft_and_validation_supersedes_the_previous() -> None:
    contract = validated_contract()
    person = contract.applicant_person
    amendment = services.contract_amend(actor=person.user, contract=contract)
    assert (amendment.lineage, amendment.version, amendment.amends) == (
        contract.lineage,
        2,
        contract,
    )
    assert amendment.status == S.DRAFT
    assert amendment.motivation == contract.motivation
    assert sorted(amendment.choices.values_list("item_id", flat=True)) == sorted(
        contract.choices.values_list("item_id", flat=True)
    )
    services.contract_submit(actor=person.user, contract=amendment)
    services.contract_validate(actor=StewardFactory().user, contract=amendment)
    contract.refresh_from_db()
    amendment.refresh_from_db()
    assert contract.status == S.SUPERSEDED
    assert amendment.status == S.VALIDATED
    assert _entries("contract.superseded")


def test_a_refused_amendment_leaves_the_contract_in_force_and_can_be_retried() -> None:
    contract = validated_contract()
    person = contract.applicant_person
    first = services.contract_amend(actor=person.user, contract=contract)
    services.contract_submit(actor=person.user, contract=first)
    services.contract_refuse(actor=StewardFactory().user, contract=first, reason="Non")
    contract.refresh_from_db()
    assert contract.status == S.VALIDATED
    second = services.contract_amend(actor=person.user, contract=contract)
    assert second.version == 3
    assert second.amends == contract


def test_amendment_leaves_out_withdrawn_items() -> None:
    contract = validated_contract()
    need = contract.choices.get(section=MenuSection.NEED)
    menu_services.menu_item_set_active(actor=StewardFactory().user, item=need.item, active=False)
    amendment = services.contract_amend(actor=contract.applicant_person.user, contract=contract)
    assert not amendment.choices.filter(item=need.item).exists()
    assert amendment.choices.filter(section=MenuSection.CONTRIBUTION).exists()


def test_amendment_rules() -> None:
    contract = validated_contract()
    person = contract.applicant_person
    with pytest.raises(NotAllowed):
        services.contract_amend(actor=StewardFactory().user, contract=contract)
    services.contract_amend(actor=person.user, contract=contract)
    with pytest.raises(Conflict):
        services.contract_amend(actor=person.user, contract=contract)
    draft = draft_contract()
    with pytest.raises(Conflict):
        services.contract_amend(actor=draft.created_by.user, contract=draft)
    assert ContractChoice.objects.filter(contract__lineage=contract.lineage).exists()


def test_a_start_that_loses_the_race_at_validation_is_a_conflict(monkeypatch: Any) -> None:
    """Two first starts at once: when the other one commits between the checks and the
    validation, the validation sees its open contract. The person is told to continue
    it (409), not shown the constraint's name."""
    person = PersonFactory()
    full_clean = AdhesionContract.full_clean

    def other_start_commits_first(contract: AdhesionContract, *args: Any, **kwargs: Any) -> None:
        if not AdhesionContract.objects.filter(applicant_person=person).exists():
            ContractFactory(applicant_person=person, created_by=person, status=S.DRAFT)
        full_clean(contract, *args, **kwargs)

    monkeypatch.setattr(AdhesionContract, "full_clean", other_start_commits_first)
    with pytest.raises(Conflict):
        services.contract_start(actor=person.user)
