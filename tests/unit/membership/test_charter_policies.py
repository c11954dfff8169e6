"""Who may publish, sign, follow, review, raise, hear and decide."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cercle.membership.policies import charter as policies
from tests.factories.membership_charter import (
    CharterSignatureFactory,
    ContributorMemberFactory,
    EngagementCheckFactory,
    MemberFactory,
    RegulationCaseFactory,
)
from tests.factories.network import PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db


def test_charter_roles() -> None:
    steward, member, outsider = StewardFactory(), MemberFactory(), PersonFactory()
    assert policies.can_publish_charter(steward.user)
    assert not policies.can_publish_charter(member.user)
    assert policies.can_sign_charter(member.user)
    assert not policies.can_sign_charter(outsider.user)
    assert not policies.can_sign_charter(AnonymousUser())
    assert policies.person_of_user(AnonymousUser()) is None


def test_a_signature_is_seen_by_its_signatory_and_stewards() -> None:
    signature = CharterSignatureFactory()
    assert policies.can_view_signature(signature.person.user, signature)
    assert policies.can_view_signature(StewardFactory().user, signature)
    assert not policies.can_view_signature(MemberFactory().user, signature)


def test_checks_evidence_by_the_owner_review_by_another_steward() -> None:
    check = EngagementCheckFactory()
    steward = StewardFactory()
    assert policies.can_record_evidence(check.person.user, check)
    assert not policies.can_record_evidence(steward.user, check)
    assert policies.can_review_check(steward.user, check)
    assert not policies.can_review_check(check.person.user, check)
    own = EngagementCheckFactory(person=steward)
    assert not policies.can_review_check(steward.user, own)


def test_regulation_roles() -> None:
    case = RegulationCaseFactory(raised_by=StewardFactory())
    steward = StewardFactory()
    assert policies.can_raise_concern(ContributorMemberFactory().user, case.person)
    assert not policies.can_raise_concern(MemberFactory().user, case.person)
    assert not policies.can_raise_concern(case.person.user, case.person)
    assert policies.can_hear_case(steward.user, case)
    assert policies.can_hear_case(case.raised_by.user, case)
    assert not policies.can_hear_case(case.person.user, case)
    assert policies.can_decide_case(steward.user, case)
    assert not policies.can_decide_case(case.raised_by.user, case)
    assert policies.can_view_case(case.person.user, case)
    assert policies.can_view_case(case.raised_by.user, case)
    assert not policies.can_view_case(MemberFactory().user, case)
