"""Support letters' services: conflicts, the consent result, deadlines, withdrawal."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cercle.core.errors import Conflict, NotAllowed
from cercle.decisions.enums import LetterStatus, ProposalStatus
from cercle.decisions.models import Proposal
from cercle.decisions.services.letters import (
    letter_conflict_reasons,
    letter_reviewer_appoint,
    letter_withdraw,
)
from cercle.decisions.services.letters_decision import (
    consent_result,
    letter_decide_from_proposal,
)
from cercle.missions.conflicts import organization_conflict_reasons
from tests.factories.decisions_letters import SupportLetterRequestFactory, consent_vote
from tests.factories.decisions_proposals import ProposalFactory, stand_aside
from tests.factories.decisions_threads import AssociationGroupFactory
from tests.factories.network import (
    ContributorFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    PersonFactory,
    StewardFactory,
    SupporterFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_organization_conflict_reasons_name_each_organization() -> None:
    person = PersonFactory()
    first, second, third = (OrganizationFactory(name=n) for n in ("Bêta", "Alpha", "Gamma"))
    OrganizationMembershipFactory(organization=first, person=person)
    OrganizationMembershipFactory(organization=second, person=person)
    reasons = organization_conflict_reasons(person, [first, second, third])
    assert len(reasons) == 2
    assert "Alpha" in reasons[0]
    assert "Bêta" in reasons[1]
    assert organization_conflict_reasons(person, []) == []


def test_the_requester_and_members_of_operators_are_conflicted() -> None:
    operator = OrganizationFactory()
    letter = SupportLetterRequestFactory(operators=[operator])
    tied = ContributorFactory()
    OrganizationMembershipFactory(organization=operator, person=tied)
    assert letter_conflict_reasons(tied, letter)
    assert letter_conflict_reasons(letter.requested_by, letter)
    assert letter_conflict_reasons(ContributorFactory(), letter) == []


def test_a_supporter_cannot_review_and_a_late_letter_cannot_be_appointed() -> None:
    AssociationGroupFactory()
    steward = StewardFactory()
    letter = SupportLetterRequestFactory()
    with pytest.raises(ValidationError) as error:
        letter_reviewer_appoint(actor=steward.user, letter=letter, person=SupporterFactory())
    assert "person" in error.value.message_dict
    with pytest.raises(NotAllowed):
        letter_reviewer_appoint(
            actor=ContributorFactory().user, letter=letter, person=ContributorFactory()
        )
    SupportLetterRequestFactory._meta.model.objects.filter(pk=letter.pk).update(
        call_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    letter.refresh_from_db()
    with pytest.raises(Conflict):
        letter_reviewer_appoint(actor=steward.user, letter=letter, person=ContributorFactory())


def _closed_letter_proposal(**proposal: Any) -> Any:
    group = AssociationGroupFactory()
    now = timezone.now()
    prop = ProposalFactory(
        group=group,
        author=None,
        opened_at=now - datetime.timedelta(days=3),
        closes_at=now - datetime.timedelta(minutes=1),
        **proposal,
    )
    letter = SupportLetterRequestFactory(status=LetterStatus.IN_DECISION, proposal=prop)
    return letter, prop


def test_latest_votes_count_and_stand_asides_do_not() -> None:
    _letter, proposal = _closed_letter_proposal()
    a, b, c = SupporterFactory(), SupporterFactory(), SupporterFactory()
    consent_vote(proposal, a, "block")
    consent_vote(proposal, a, "agree")  # changed their mind: the block no longer counts
    consent_vote(proposal, b, "agree")
    consent_vote(proposal, c, "block")
    stand_aside(proposal, c)
    result = consent_result(proposal)
    assert (result.agree, result.block, result.counted) == (2, 0, 2)
    assert result.agreed
    decided = letter_decide_from_proposal(proposal)
    assert decided is not None
    assert decided.status == LetterStatus.APPROVED
    assert decided.letter_pdf


def test_a_tie_or_no_vote_is_not_an_agreement() -> None:
    _letter, proposal = _closed_letter_proposal()
    consent_vote(proposal, SupporterFactory(), "agree")
    consent_vote(proposal, SupporterFactory(), "disagree")
    assert not consent_result(proposal).agreed
    decided = letter_decide_from_proposal(proposal)
    assert decided is not None
    assert decided.status == LetterStatus.REFUSED


def test_a_cancelled_proposal_refuses_the_letter() -> None:
    _letter, proposal = _closed_letter_proposal(status=ProposalStatus.CANCELLED)
    consent_vote(proposal, SupporterFactory(), "agree")
    decided = letter_decide_from_proposal(proposal)
    assert decided is not None
    assert decided.status == LetterStatus.REFUSED


def test_an_open_proposal_is_not_decided_before_its_time() -> None:
    letter, proposal = _closed_letter_proposal()
    Proposal.objects.filter(pk=proposal.pk).update(
        closes_at=timezone.now() + datetime.timedelta(hours=1)
    )
    proposal.refresh_from_db()
    assert letter_decide_from_proposal(proposal) is None
    letter.refresh_from_db()
    assert letter.status == LetterStatus.IN_DECISION


def test_withdrawal_only_before_the_decision_and_by_the_requester_or_a_steward() -> None:
    letter = SupportLetterRequestFactory()
    with pytest.raises(NotAllowed):
        letter_withdraw(actor=SupporterFactory().user, letter=letter)
    assert letter_withdraw(actor=letter.requested_by.user, letter=letter).status == "withdrawn"
    with pytest.raises(Conflict):
        letter_withdraw(actor=StewardFactory().user, letter=letter)
