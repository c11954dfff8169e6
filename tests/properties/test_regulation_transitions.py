"""Properties of the regulation state machine and of circle join/leave sequences.

Random sequences of steps are played against the services and against a small model of
what should happen; after every step, the database agrees with the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cercle.core.errors import ApplicationError, InvalidTransition
from cercle.core.models import JournalEntry
from cercle.core.transitions import check_transition
from cercle.membership.enums import (
    REGULATION_TRANSITIONS,
    CircleEndReason,
    RegulationDecision,
    RegulationStatus,
)
from cercle.membership.models import CircleMembership, RegulationCase
from cercle.membership.services.charter import charter_sign
from cercle.membership.services.circle import circle_join, circle_leave
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

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

STATUSES = list(RegulationStatus.values)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example starts from the test's database, whatever the previous one did."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


@given(current=st.sampled_from(STATUSES), target=st.sampled_from(STATUSES))
def test_check_transition_accepts_exactly_the_table(current: str, target: str) -> None:
    allowed = target in REGULATION_TRANSITIONS[current]
    try:
        check_transition(REGULATION_TRANSITIONS, current, target)
    except InvalidTransition:
        assert not allowed
    else:
        assert allowed


@given(path=st.lists(st.sampled_from(STATUSES), max_size=6))
def test_the_only_way_through_is_raised_heard_decided(path: list[str]) -> None:
    """Any accepted walk from "raised" is a prefix of raised → hearing → decided, and
    "decided" leads nowhere."""
    state, walked = RegulationStatus.RAISED.value, []
    for target in path:
        if target in REGULATION_TRANSITIONS[state]:
            state = target
            walked.append(target)
    assert walked == [RegulationStatus.HEARING, RegulationStatus.DECIDED][: len(walked)]
    assert REGULATION_TRANSITIONS[RegulationStatus.DECIDED] == set()


STEPS = st.lists(
    st.sampled_from(
        [
            "hear",
            "hear_by_concerned",
            "decide_keep",
            "decide_warn",
            "decide_exclude",
            "decide_by_raiser",
            "decide_by_concerned",
        ]
    ),
    max_size=8,
)


@HYPOTHESIS
@given(steps=STEPS)
def test_regulation_cases_follow_the_model(db: None, steps: list[str]) -> None:
    """Steps happen only in order and only by allowed people; refused steps change
    nothing; each accepted step adds one journal entry; an exclusion ends the circle."""
    with rolled_back():
        version = CharterVersionFactory()
        steward_in_circle = circle_member(version, engagement_level="soucieux")
        raiser, steward = StewardFactory(), StewardFactory()
        case = regulation_case_raise(actor=raiser.user, person=steward_in_circle, concern="C")
        model = RegulationStatus.RAISED.value
        decision = ""
        entries = JournalEntry.objects.filter(object_id=str(case.uuid)).count()
        for step in steps:
            actor = {
                "hear_by_concerned": steward_in_circle,
                "decide_by_raiser": raiser,
                "decide_by_concerned": steward_in_circle,
            }.get(step, steward)
            is_hearing = step.startswith("hear")
            wanted = RegulationStatus.HEARING if is_hearing else RegulationStatus.DECIDED
            allowed_actor = actor == steward
            expected_ok = allowed_actor and wanted in REGULATION_TRANSITIONS[model]
            chosen = {"decide_warn": "warn", "decide_exclude": "exclude"}.get(step, "keep")
            try:
                if is_hearing:
                    regulation_case_hear(actor=actor.user, case=case, notes="N")
                else:
                    regulation_case_decide(actor=actor.user, case=case, decision=chosen, reason="R")
            except (ApplicationError, ValidationError):
                assert not expected_ok
            else:
                assert expected_ok
                model = wanted
                decision = chosen if wanted == RegulationStatus.DECIDED else decision
                entries += 1
            case.refresh_from_db()
            assert case.status == model
            assert case.decision == decision
            assert JournalEntry.objects.filter(object_id=str(case.uuid)).count() == entries
        in_circle = CircleMembership.objects.filter(
            person=steward_in_circle, ended_at__isnull=True
        ).exists()
        assert in_circle == (decision != RegulationDecision.EXCLUDE)
        if decision == RegulationDecision.EXCLUDE:
            assert CircleMembership.objects.get(person=steward_in_circle).end_reason == (
                CircleEndReason.EXCLUDED
            )


CIRCLE_STEPS = st.lists(
    st.sampled_from(["join", "leave", "publish", "sign", "exclude"]), max_size=10
)


@HYPOTHESIS
@given(steps=CIRCLE_STEPS)
def test_join_and_leave_sequences_keep_one_open_period(db: None, steps: list[str]) -> None:
    """Joining works only for a signatory of the current charter who is not in the
    circle and was never excluded; leaving only from inside; every successful join opens
    one period; at most one period is open; an exclusion is final."""
    with rolled_back():
        version = CharterVersionFactory()
        member = MemberFactory()
        steward = StewardFactory()
        raiser = ContributorMemberFactory()
        charter_sign(
            actor=member.user,
            version_number=version.number,
            consents_to_listing=True,
            mandates_follow_up=True,
        )
        current, signed_current, inside, excluded, joins = version.number, True, False, False, 0
        for step in steps:
            if step == "publish":
                current = CharterVersionFactory().number
                signed_current = False
            elif step == "sign":
                try:
                    charter_sign(
                        actor=member.user,
                        version_number=current,
                        consents_to_listing=True,
                        mandates_follow_up=True,
                    )
                except ValidationError:
                    assert signed_current  # only "already signed" may refuse
                signed_current = True
            elif step == "join":
                expect = signed_current and not inside and not excluded
                try:
                    circle_join(actor=member.user)
                except ApplicationError:
                    assert not expect
                else:
                    assert expect
                    inside, joins = True, joins + 1
            elif step == "leave":
                try:
                    circle_leave(actor=member.user)
                except ApplicationError:
                    assert not inside
                else:
                    assert inside
                    inside = False
            elif step == "exclude" and inside:
                case = regulation_case_raise(actor=raiser.user, person=member, concern="C")
                case = regulation_case_hear(actor=steward.user, case=case, notes="N")
                regulation_case_decide(
                    actor=steward.user, case=case, decision="exclude", reason="R"
                )
                inside, excluded = False, True
            periods: Any = CircleMembership.objects.filter(person=member)
            assert periods.count() == joins
            assert periods.filter(ended_at__isnull=True).count() == (1 if inside else 0)
            assert not periods.filter(ended_at__isnull=False, end_reason="").exists()
        assert RegulationCase.objects.filter(person=member, decision="exclude").exists() == excluded
