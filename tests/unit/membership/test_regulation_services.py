"""Regulation: raise, hear, decide; who may do each step; exclusion ends the circle."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cercle.core.errors import Conflict, InvalidTransition, NotAllowed
from cercle.core.models import JournalEntry
from cercle.membership.enums import CircleEndReason, RegulationStatus
from cercle.membership.models import CircleMembership, RegulationCase
from cercle.membership.selectors.circle import regulation_case_get, regulation_case_list
from cercle.membership.services.circle import circle_join
from cercle.membership.services.regulation import (
    regulation_case_decide,
    regulation_case_hear,
    regulation_case_raise,
)
from tests.factories.membership_charter import (
    CharterVersionFactory,
    ContributorMemberFactory,
    MemberFactory,
    circle_member,
)
from tests.factories.network import StewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def concerned() -> Any:
    return circle_member(CharterVersionFactory())


def raise_case(concerned: Any, raiser: Any | None = None) -> RegulationCase:
    raiser = raiser or ContributorMemberFactory()
    return regulation_case_raise(actor=raiser.user, person=concerned, concern="Aucune nouvelle.")


def heard(case: RegulationCase) -> RegulationCase:
    return regulation_case_hear(actor=StewardFactory().user, case=case, notes="Explications.")


def test_the_whole_process_is_journaled_for_members(
    concerned: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Raised → heard → decided (warn); three members-only journal entries, the person
    concerned is told by e-mail at the start and at the end."""
    with django_capture_on_commit_callbacks(execute=True):
        case = raise_case(concerned)
        case = heard(case)
        case = regulation_case_decide(
            actor=StewardFactory().user, case=case, decision="warn", reason="Rappel."
        )
    assert case.status == RegulationStatus.DECIDED
    verbs = list(
        JournalEntry.objects.filter(object_id=str(case.uuid))
        .order_by("seq")
        .values_list("verb", "visibility")
    )
    assert verbs == [
        ("regulation.raised", "members"),
        ("regulation.heard", "members"),
        ("regulation.decided", "members"),
    ]
    assert [m.to for m in mail.outbox] == [[concerned.user.email]] * 2
    assert CircleMembership.objects.get(person=concerned).is_active


def test_exclusion_ends_the_circle_membership_and_keeps_history(concerned: Any) -> None:
    case = heard(raise_case(concerned))
    regulation_case_decide(
        actor=StewardFactory().user, case=case, decision="exclude", reason="Manquements répétés."
    )
    membership = CircleMembership.objects.get(person=concerned)
    assert membership.end_reason == CircleEndReason.EXCLUDED
    assert membership.ended_at is not None
    assert JournalEntry.objects.filter(verb="circle.excluded").exists()
    with pytest.raises(NotAllowed):
        circle_join(actor=concerned.user)


def test_only_contributors_and_stewards_raise_and_not_about_themselves(concerned: Any) -> None:
    with pytest.raises(NotAllowed):
        raise_case(concerned, MemberFactory())
    with pytest.raises(NotAllowed):
        raise_case(concerned, concerned)
    raise_case(concerned, StewardFactory())


def test_a_concern_is_about_someone_in_the_circle_with_a_text(concerned: Any) -> None:
    with pytest.raises(ValidationError) as error:
        raise_case(MemberFactory())
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        regulation_case_raise(
            actor=ContributorMemberFactory().user, person=concerned, concern="   "
        )
    assert "concern" in error.value.message_dict
    assert not RegulationCase.objects.exists()


def test_one_open_case_at_a_time(concerned: Any) -> None:
    raise_case(concerned)
    with pytest.raises(Conflict):
        raise_case(concerned)


def test_the_person_concerned_cannot_hear_or_decide_their_case() -> None:
    """Even a steward in the circle cannot take part in their own case."""
    steward_in_circle = circle_member(CharterVersionFactory(), engagement_level="soucieux")
    case = raise_case(steward_in_circle)
    with pytest.raises(NotAllowed):
        regulation_case_hear(actor=steward_in_circle.user, case=case, notes="Moi.")
    case = heard(case)
    with pytest.raises(NotAllowed):
        regulation_case_decide(
            actor=steward_in_circle.user, case=case, decision="keep", reason="Moi."
        )


def test_who_raised_it_cannot_decide(concerned: Any) -> None:
    raiser = StewardFactory()
    case = heard(raise_case(concerned, raiser))
    with pytest.raises(NotAllowed):
        regulation_case_decide(actor=raiser.user, case=case, decision="keep", reason="R")
    assert RegulationCase.objects.get().status == RegulationStatus.HEARING


def test_steps_follow_the_table(concerned: Any) -> None:
    """No decision before the hearing, no second hearing, nothing after the decision."""
    steward = StewardFactory()
    case = raise_case(concerned)
    with pytest.raises(InvalidTransition):
        regulation_case_decide(actor=steward.user, case=case, decision="keep", reason="R")
    case = heard(case)
    with pytest.raises(InvalidTransition):
        regulation_case_hear(actor=steward.user, case=case, notes="Encore.")
    regulation_case_decide(actor=steward.user, case=case, decision="keep", reason="R")
    with pytest.raises(InvalidTransition):
        regulation_case_decide(actor=steward.user, case=case, decision="warn", reason="R")


def test_decision_and_hearing_need_their_fields(concerned: Any) -> None:
    steward = StewardFactory()
    case = raise_case(concerned)
    with pytest.raises(ValidationError) as error:
        regulation_case_hear(actor=steward.user, case=case, notes="")
    assert "notes" in error.value.message_dict
    case = heard(case)
    with pytest.raises(ValidationError) as error:
        regulation_case_decide(actor=steward.user, case=case, decision="banish", reason="")
    assert set(error.value.message_dict) == {"decision", "reason"}
    assert RegulationCase.objects.get().status == RegulationStatus.HEARING


def test_who_sees_which_case(concerned: Any) -> None:
    raiser = ContributorMemberFactory()
    case = raise_case(concerned, raiser)
    other = MemberFactory()
    assert list(regulation_case_list(actor=concerned.user)) == [case]
    assert list(regulation_case_list(actor=raiser.user)) == [case]
    assert not regulation_case_list(actor=other.user).exists()
    assert regulation_case_list(actor=StewardFactory().user).count() == 1
    with pytest.raises(NotAllowed):
        regulation_case_get(actor=other.user, case_id=case.uuid)
