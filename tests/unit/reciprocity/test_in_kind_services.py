"""Contributions in kind and animation time: services, transitions, selectors for others."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cercle.core.errors import InvalidTransition, NotAllowed
from cercle.core.models import JournalEntry
from cercle.membership.enums import ContractStatus, ContributionKind
from cercle.reciprocity.enums import InKindStatus
from cercle.reciprocity.selectors import policies as policy_selectors
from cercle.reciprocity.selectors import policies_in_kind as selectors
from cercle.reciprocity.services import policies_in_kind as services
from tests.factories.membership_charter import MemberFactory
from tests.factories.membership_contracts import (
    ContractChoiceFactory,
    ContractFactory,
    ContributionItemFactory,
    OrganizationContractFactory,
    member_of,
)
from tests.factories.missions import CommonFactory
from tests.factories.network import PersonFactory, StewardFactory
from tests.factories.reciprocity_policies import (
    AnimationTimeFactory,
    InKindFactory,
    awarded_mission,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _declare(actor: Any, **kwargs: Any) -> Any:
    fields = {
        "kind": ContributionKind.IN_KIND_PROJECT,
        "hours": "6",
        "description": "Portage du projet de ressourcerie.",
        "done_on": TODAY(),
        **kwargs,
    }
    return services.in_kind_declare(actor=actor.user, **fields)


def test_members_declare_stewards_are_told(django_capture_on_commit_callbacks: Any) -> None:
    steward = StewardFactory()
    member = MemberFactory()
    with pytest.raises(NotAllowed):
        _declare(PersonFactory())
    with django_capture_on_commit_callbacks(execute=True):
        entry = _declare(member)
    assert entry.status == InKindStatus.PENDING
    assert entry.hours == Decimal("6")
    assert JournalEntry.objects.filter(verb="in_kind.declared").count() == 1
    assert steward.user.email in {m.to[0] for m in mail.outbox}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"hours": "1.001"}, "hours"),
        ({"kind": ContributionKind.DONATION}, "kind"),
        ({"description": "  "}, "description"),
        ({"done_on": TODAY() + datetime.timedelta(days=1)}, "done_on"),
    ],
)
def test_bad_declarations_write_nothing(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        _declare(MemberFactory(), **changes)
    assert field in error.value.message_dict
    assert not JournalEntry.objects.filter(verb="in_kind.declared").exists()


def test_a_contract_item_must_be_one_of_my_validated_in_kind_items() -> None:
    member = MemberFactory()
    item = ContributionItemFactory(contribution_kind=ContributionKind.IN_KIND_EVENT, amount_ht=None)
    draft = ContractChoiceFactory(contract=ContractFactory(applicant_person=member), item=item)
    with pytest.raises(ValidationError):
        _declare(member, kind=ContributionKind.IN_KIND_EVENT, contract_choice=draft)
    other = ContractChoiceFactory(
        contract=ContractFactory(status=ContractStatus.VALIDATED), item=item
    )
    with pytest.raises(ValidationError):
        _declare(member, kind=ContributionKind.IN_KIND_EVENT, contract_choice=other)
    # An item of an adhering organization the member belongs to is theirs too.
    org_contract = OrganizationContractFactory(status=ContractStatus.VALIDATED)
    member_of(org_contract.applicant_organization, member)
    choice = ContractChoiceFactory(contract=org_contract, item=item)
    entry = _declare(member, kind=ContributionKind.IN_KIND_EVENT, contract_choice=choice)
    assert entry.organization == org_contract.applicant_organization
    assert [c for c, _label in selectors.in_kind_item_choices(person=member)] == [str(item.uuid)]


def test_validate_or_refuse_once_by_another_steward() -> None:
    steward = StewardFactory()
    entry = InKindFactory()
    own = InKindFactory(person=steward)
    with pytest.raises(NotAllowed):
        services.in_kind_validate(actor=steward.user, entry=own)
    with pytest.raises(NotAllowed):
        services.in_kind_validate(actor=entry.person.user, entry=entry)
    with pytest.raises(ValidationError):
        services.in_kind_refuse(actor=steward.user, entry=entry, reason=" ")
    with pytest.raises(ValidationError):
        services.in_kind_validate(actor=steward.user, entry=entry, hour_value="-1")
    done = services.in_kind_validate(actor=steward.user, entry=entry, hour_value="25")
    assert done.status == InKindStatus.VALIDATED
    assert done.decided_by == steward
    assert done.hour_value == Decimal("25")
    with pytest.raises(InvalidTransition):
        services.in_kind_refuse(actor=steward.user, entry=entry, reason="Trop tard")
    refused = services.in_kind_refuse(actor=steward.user, entry=InKindFactory(), reason="Doublon")
    assert refused.refusal_reason == "Doublon"


def test_valuation_only_with_an_explicit_rate() -> None:
    entry = InKindFactory(hours=Decimal("12"))
    assert selectors.valuation(entry, None).value is None
    assert selectors.valuation(entry, Decimal("30")).value == Decimal("360.00")
    entry.hour_value = Decimal("20")
    assert selectors.valuation(entry, Decimal("30")).value == Decimal("240.00")


def test_in_kind_hours_counts_validated_hours_only() -> None:
    member, common = MemberFactory(), CommonFactory()
    InKindFactory(person=member, hours=Decimal("3"), status=InKindStatus.VALIDATED, common=common)
    InKindFactory(person=member, hours=Decimal("2.5"), status=InKindStatus.VALIDATED)
    InKindFactory(person=member, hours=Decimal("9"), status=InKindStatus.PENDING)
    InKindFactory(
        person=member,
        hours=Decimal("4"),
        status=InKindStatus.VALIDATED,
        done_on=datetime.date(2020, 5, 1),
    )
    year = TODAY().year
    assert policy_selectors.in_kind_hours(person=member) == Decimal("9.5")
    assert policy_selectors.in_kind_hours(person=member, year=year) == Decimal("5.5")
    assert policy_selectors.in_kind_hours(common=common) == Decimal("3")
    assert policy_selectors.in_kind_hours(year=2020) == Decimal("4")


def test_animation_time_and_hours_by_project() -> None:
    steward = StewardFactory()
    mission = awarded_mission()
    with pytest.raises(NotAllowed):
        services.animation_time_log(
            actor=MemberFactory().user, project="x", hours="1", done_on=TODAY()
        )
    with pytest.raises(ValidationError):
        services.animation_time_log(actor=steward.user, hours="1", done_on=TODAY())
    services.animation_time_log(actor=steward.user, mission=mission, hours="2", done_on=TODAY())
    services.animation_time_log(actor=steward.user, mission=mission, hours="1.5", done_on=TODAY())
    services.animation_time_log(
        actor=steward.user, project="Fête des communs", hours="4", done_on=TODAY()
    )
    AnimationTimeFactory(project="Ancien", done_on=datetime.date(2020, 1, 1))
    rows = policy_selectors.animation_hours_by_project(TODAY().year)
    assert [(r["project"], r["hours"], r["mission_uuid"]) for r in rows] == [
        ("Fête des communs", Decimal("4"), None),
        (mission.request.title, Decimal("3.5"), mission.uuid),
    ]
    assert JournalEntry.objects.filter(verb="animation_time.logged").count() == 3
