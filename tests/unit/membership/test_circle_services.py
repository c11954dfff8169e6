"""Joining and leaving the circle, and the yearly follow-up of engagements."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cercle.core.errors import Conflict, InvalidTransition, NotAllowed
from cercle.core.models import JournalEntry
from cercle.membership.enums import CircleEndReason, EngagementCheckStatus, RegulationDecision
from cercle.membership.models import CircleMembership, EngagementCheck
from cercle.membership.selectors.circle import (
    circle_member_list,
    engagement_behind_list,
    engagement_check_list,
    person_is_excluded,
)
from cercle.membership.services.circle import (
    circle_join,
    circle_leave,
    engagement_check_record_evidence,
    engagement_check_review,
    engagement_check_update,
    engagement_year_open,
)
from cercle.network.models import Person
from tests.factories.membership_charter import (
    ENGAGEMENT_CODES,
    CharterSignatureFactory,
    CharterVersionFactory,
    CircleMembershipFactory,
    EngagementCheckFactory,
    MemberFactory,
    RegulationCaseFactory,
    circle_member,
)
from tests.factories.network import OrganizationFactory, PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db


def this_year() -> int:
    return timezone.localdate().year


@pytest.fixture
def version() -> Any:
    return CharterVersionFactory()


def signed_member(version: Any) -> Person:
    member = MemberFactory()
    CharterSignatureFactory(person=member, version=version)
    return member


def test_a_member_who_signed_the_current_charter_joins_and_gets_checks(version: Any) -> None:
    """Joining opens a period, is journaled, and creates this year's five checks."""
    member = signed_member(version)
    membership = circle_join(actor=member.user)
    assert membership.is_active
    checks = EngagementCheck.objects.filter(person=member, year=this_year())
    assert sorted(checks.values_list("engagement_code", flat=True)) == sorted(ENGAGEMENT_CODES)
    assert JournalEntry.objects.filter(verb="circle.joined", subject=member.user).exists()


def test_a_member_of_an_adhering_organization_may_join(version: Any) -> None:
    """A validated adhesion can be the organization's: its people are members."""
    person = PersonFactory()
    organization = OrganizationFactory(member_since=timezone.now())
    organization.memberships.create(person=person)
    CharterSignatureFactory(person=person, version=version)
    assert circle_join(actor=person.user).is_active


def test_joining_needs_a_validated_adhesion(version: Any) -> None:
    person = PersonFactory()
    CharterSignatureFactory(person=person, version=version)
    with pytest.raises(NotAllowed):
        circle_join(actor=person.user)
    assert not CircleMembership.objects.exists()


def test_joining_needs_the_current_charter(version: Any) -> None:
    """A signature of an older version is not enough; no signature either."""
    member = signed_member(version)
    CharterVersionFactory()
    with pytest.raises(Conflict):
        circle_join(actor=member.user)
    with pytest.raises(Conflict):
        circle_join(actor=MemberFactory().user)
    assert not CircleMembership.objects.exists()


def test_joining_twice_is_refused(version: Any) -> None:
    member = signed_member(version)
    circle_join(actor=member.user)
    with pytest.raises(Conflict):
        circle_join(actor=member.user)
    assert CircleMembership.objects.filter(person=member).count() == 1


def test_leave_then_rejoin_makes_a_new_period(version: Any) -> None:
    """Leaving ends the period with "left"; re-joining opens a second one."""
    member = signed_member(version)
    first = circle_join(actor=member.user)
    left = circle_leave(actor=member.user)
    assert left.pk == first.pk
    assert left.end_reason == CircleEndReason.LEFT
    assert left.ended_at is not None
    second = circle_join(actor=member.user)
    assert second.pk != first.pk
    assert CircleMembership.objects.filter(person=member).count() == 2
    assert JournalEntry.objects.filter(verb="circle.left").count() == 1


def test_leaving_when_not_in_the_circle_is_refused() -> None:
    with pytest.raises(Conflict):
        circle_leave(actor=MemberFactory().user)


def test_an_excluded_person_cannot_rejoin(version: Any) -> None:
    """Exclusion is final here, even after leaving the circle first."""
    member = signed_member(version)
    CircleMembershipFactory(
        person=member, ended_at=timezone.now(), end_reason=CircleEndReason.EXCLUDED
    )
    assert person_is_excluded(person=member)
    with pytest.raises(NotAllowed):
        circle_join(actor=member.user)
    other = signed_member(version)
    RegulationCaseFactory(person=other, decision=RegulationDecision.EXCLUDE)
    with pytest.raises(NotAllowed):
        circle_join(actor=other.user)


def test_circle_members_are_for_members_only(version: Any) -> None:
    in_circle = circle_member(version)
    assert list(circle_member_list(actor=MemberFactory().user)) == [in_circle]
    with pytest.raises(NotAllowed):
        circle_member_list(actor=PersonFactory().user)


# ---------------------------------------------------------------- evidence and review


def test_the_member_records_evidence_for_their_own_check() -> None:
    check = EngagementCheckFactory()
    engagement_check_record_evidence(
        actor=check.person.user, check=check, evidence_url="https://example.org/compte-rendu"
    )
    check.refresh_from_db()
    assert check.evidence_url == "https://example.org/compte-rendu"
    assert check.status == EngagementCheckStatus.PENDING
    assert JournalEntry.objects.filter(verb="engagement.evidence_recorded").exists()


def test_nobody_else_records_evidence() -> None:
    check = EngagementCheckFactory()
    with pytest.raises(NotAllowed):
        engagement_check_record_evidence(
            actor=StewardFactory().user, check=check, evidence_note="fait"
        )


@pytest.mark.parametrize(
    ("url", "note", "field"),
    [("", "  ", "evidence_note"), ("pas une adresse", "", "evidence_url")],
)
def test_evidence_must_say_something_valid(url: str, note: str, field: str) -> None:
    check = EngagementCheckFactory()
    with pytest.raises(ValidationError) as error:
        engagement_check_record_evidence(
            actor=check.person.user, check=check, evidence_url=url, evidence_note=note
        )
    assert field in error.value.message_dict
    check.refresh_from_db()
    assert check.evidence_url == ""
    assert check.evidence_note == ""


def test_a_steward_confirms_or_marks_missed_and_can_correct() -> None:
    steward = StewardFactory()
    check = EngagementCheckFactory()
    engagement_check_review(actor=steward.user, check=check, status=EngagementCheckStatus.MISSED)
    engagement_check_review(actor=steward.user, check=check, status=EngagementCheckStatus.DONE)
    check.refresh_from_db()
    assert check.status == EngagementCheckStatus.DONE
    assert check.checked_by == steward
    with pytest.raises(InvalidTransition):
        engagement_check_review(actor=steward.user, check=check, status=EngagementCheckStatus.DONE)


def test_review_refusals() -> None:
    """A non-steward, or a steward on their own check, cannot review; "pending" is not a
    review; evidence cannot change once done."""
    check = EngagementCheckFactory()
    with pytest.raises(NotAllowed):
        engagement_check_review(actor=MemberFactory().user, check=check, status="done")
    steward = StewardFactory()
    own = EngagementCheckFactory(person=steward)
    with pytest.raises(NotAllowed):
        engagement_check_review(actor=steward.user, check=own, status="done")
    with pytest.raises(ValidationError):
        engagement_check_review(actor=steward.user, check=check, status="pending")
    engagement_check_review(actor=steward.user, check=check, status="done")
    with pytest.raises(Conflict):
        engagement_check_record_evidence(actor=check.person.user, check=check, evidence_note="x")


def test_update_is_all_or_nothing() -> None:
    """Evidence then a refused review: the evidence is not kept either."""
    check = EngagementCheckFactory()
    with pytest.raises(NotAllowed):
        engagement_check_update(
            actor=check.person.user, check=check, evidence_note="fait", status="done"
        )
    check.refresh_from_db()
    assert check.evidence_note == ""
    with pytest.raises(ValidationError):
        engagement_check_update(actor=check.person.user, check=check)


def test_opening_a_year_adds_missing_checks_once(version: Any) -> None:
    a, b = circle_member(version), circle_member(version)
    MemberFactory()  # not in the circle
    EngagementCheckFactory(person=a, year=2030, engagement_code=ENGAGEMENT_CODES[0])
    steward = StewardFactory()
    assert engagement_year_open(actor=steward.user, year=2030) == 9
    assert engagement_year_open(actor=steward.user, year=2030) == 0
    assert EngagementCheck.objects.filter(year=2030, person__in=[a, b]).count() == 10
    with pytest.raises(NotAllowed):
        engagement_year_open(actor=a.user, year=2030)
    with pytest.raises(ValidationError):
        engagement_year_open(actor=steward.user, year=1900)


def test_the_behind_list_counts_what_is_not_done_for_the_year(version: Any) -> None:
    behind, on_track = circle_member(version), circle_member(version)
    for code in ENGAGEMENT_CODES[:2]:
        EngagementCheckFactory(person=behind, year=2030, engagement_code=code)
    EngagementCheckFactory(
        person=behind, year=2030, engagement_code=ENGAGEMENT_CODES[2], status="missed"
    )
    EngagementCheckFactory(person=on_track, year=2030, status="done")
    EngagementCheckFactory(person=on_track, year=2029)
    steward = StewardFactory()
    rows = list(engagement_behind_list(actor=steward.user, year=2030))
    assert rows == [behind]
    assert (rows[0].behind_count, rows[0].missed_count) == (3, 1)
    assert len(rows[0].behind_checks) == 3
    assert list(engagement_behind_list(actor=steward.user, year=2030, status="missed")) == [behind]
    assert not engagement_behind_list(
        actor=steward.user, year=2030, engagement_code=ENGAGEMENT_CODES[4]
    ).exists()
    assert not engagement_behind_list(actor=steward.user, year=2030, query="zzz").exists()
    with pytest.raises(NotAllowed):
        engagement_behind_list(actor=behind.user, year=2030)


def test_members_list_only_their_own_checks() -> None:
    mine = EngagementCheckFactory()
    EngagementCheckFactory()
    assert list(engagement_check_list(actor=mine.person.user)) == [mine]
    steward = StewardFactory()
    assert engagement_check_list(actor=steward.user).count() == 2
    assert engagement_check_list(actor=steward.user, mine=True).count() == 0
    assert engagement_check_list(actor=steward.user, person_slug=mine.person.slug).get() == mine
