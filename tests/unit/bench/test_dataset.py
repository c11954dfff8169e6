"""The benchmark's dataset generator at a tiny scale: the invariants hold, the landmarks
are what they say, and `check_invariants` sees a broken ledger, journal or status."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count

from bench.dataset import Landmarks, check_invariants, generate
from cercle.core import journal
from cercle.core.models import JournalEntry, User
from cercle.decisions.models import Proposal
from cercle.membership.viewer import viewer_for
from cercle.missions.conflicts import conflict_reasons
from cercle.missions.enums import RequestStatus, SelectionMode
from cercle.missions.models import Evaluator, Mission, Offer, SupportRequest, TeamMember
from cercle.reciprocity.models import LedgerTransaction, Payment, YearlyDeclaration

SCALE = 0.001


@pytest.fixture(scope="module")
def dataset(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Landmarks]:
    """Generated once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        landmarks = generate(scale=SCALE, seed=1)
        yield landmarks
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_every_invariant_holds_after_generating(dataset: Landmarks) -> None:
    assert check_invariants() == []
    assert journal.verify().ok


def test_the_counts_follow_the_scale(dataset: Landmarks) -> None:
    counts = dataset.counts
    assert counts["network_person"] == 8
    assert counts["missions_supportrequest"] == 20
    assert counts["reciprocity_ledgerline"] == 1000
    assert counts["decisions_vote"] == 300
    assert counts["core_journalentry"] >= 200
    assert counts["network_organization"] >= 4


def test_the_landmarks_are_what_they_say(dataset: Landmarks) -> None:
    steward = viewer_for(User.objects.get(email=dataset.steward_email))
    assert steward.is_steward
    member = viewer_for(User.objects.get(email=dataset.member_email))
    assert member.in_circle
    assert not member.is_steward
    busy = SupportRequest.objects.get(uuid=dataset.busy_request_uuid)
    assert not TeamMember.objects.filter(
        request__uuid__in=[dataset.busy_request_uuid, dataset.evaluation_request_uuid],
        person=member.person,
    ).exists()
    most = max(SupportRequest.objects.all(), key=lambda r: r.offers.count())
    assert busy.offers.count() == most.offers.count() >= 1

    evaluation = SupportRequest.objects.get(uuid=dataset.evaluation_request_uuid)
    assert evaluation.status == RequestStatus.QUALIFIED
    assert evaluation.selection_mode == SelectionMode.DELEGATED
    assert evaluation.revealed_at is None
    assert evaluation.deadline_passed()
    assert evaluation.offers.filter(status="submitted").exists()
    evaluator = Evaluator.objects.get(
        request=evaluation, person__user__email=dataset.evaluator_email
    )
    assert evaluator.ties_declared_at is not None
    assert evaluator.submitted_at is None
    assert evaluator.conflicted_at is None
    assert conflict_reasons(evaluator.person, evaluation) == []
    assert evaluator.scores.exists()

    consultant = User.objects.get(email=dataset.consultant_email).person
    assert Mission.objects.filter(
        team__members__person=consultant, awarded_at__year=dataset.year
    ).exists()
    assert YearlyDeclaration.objects.filter(person=consultant, year=dataset.year).exists()
    assert Payment.objects.filter(payer_person=consultant, paid_on__year=dataset.year).exists()

    proposal = Proposal.objects.get(uuid=dataset.proposal_uuid)
    assert proposal.status == "open"
    top = max(p.votes.count() for p in Proposal.objects.all())
    assert proposal.votes.count() == top == 8
    assert User.objects.get(email=dataset.member_email).check_password(dataset.password)


def test_the_same_seed_gives_the_same_network(dataset: Landmarks) -> None:
    """A second run in a savepoint, with the same seed, draws the same names and states."""
    from bench.dataset.circle import _plan_statuses
    from bench.dataset.context import make_ctx

    first = _plan_statuses(make_ctx(SCALE, 1, None), 20)
    again = _plan_statuses(make_ctx(SCALE, 1, None), 20)
    other = _plan_statuses(make_ctx(SCALE, 2, None), 20)
    assert first == again
    assert first != other


def test_a_removed_ledger_line_is_reported(dataset: Landmarks) -> None:
    pair = LedgerTransaction.objects.annotate(n=Count("lines")).filter(n=2).order_by("id").first()
    assert pair is not None
    line = pair.lines.first()
    assert line is not None
    # Tampering as the database's owner would: on PostgreSQL the ledger's triggers refuse
    # the delete, so they are switched off for it, inside a block that is rolled back.
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:  # deferred checks of the generated rows run first: no pending events
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE reciprocity_ledgerline DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM reciprocity_ledgerline WHERE id = %s", [line.pk])
        if postgres:
            cursor.execute("ALTER TABLE reciprocity_ledgerline ENABLE TRIGGER USER")
        problems = check_invariants()
        transaction.set_rollback(True)
    assert any("do not sum to zero" in p for p in problems)
    assert any("fewer than two lines" in p for p in problems)


def test_an_edited_journal_entry_is_reported(dataset: Landmarks) -> None:
    entry = JournalEntry.objects.order_by("seq")[5]
    JournalEntry.objects.filter(pk=entry.pk).update(object_label="rewritten")
    assert any(f"#{entry.seq} was edited" in p for p in check_invariants())


def test_an_impossible_status_is_reported(dataset: Landmarks) -> None:
    offer = Offer.objects.order_by("id").first()
    assert offer is not None
    Offer.objects.filter(pk=offer.pk).update(status="shipped")
    assert any("missions.Offer: a status no transition reaches" in p for p in check_invariants())


def test_an_awarded_request_without_its_mission_is_reported(dataset: Landmarks) -> None:
    request = (
        SupportRequest.objects.filter(status=RequestStatus.QUALIFIED)
        .exclude(uuid__in=[dataset.busy_request_uuid])
        .first()
    )
    assert request is not None
    SupportRequest.objects.filter(pk=request.pk).update(status=RequestStatus.AWARDED)
    problems = check_invariants()
    assert any("awarded without exactly one award" in p for p in problems)
    assert any("awarded without a mission" in p for p in problems)


def test_every_circle_member_signed_the_charter_and_is_in_the_directory(
    dataset: Landmarks,
) -> None:
    from cercle.membership.models import CircleMembership
    from cercle.membership.selectors.directory import directory_list

    in_circle = set(
        CircleMembership.objects.filter(ended_at__isnull=True).values_list("person_id", flat=True)
    )
    assert in_circle
    assert {p.pk for p in directory_list()} == in_circle


def test_a_circle_member_without_a_signature_is_reported(dataset: Landmarks) -> None:
    from cercle.membership.models import CharterSignature

    signature = CharterSignature.objects.order_by("id").first()
    assert signature is not None
    CharterSignature.objects.filter(pk=signature.pk).delete()
    assert any("joined without signing the charter" in p for p in check_invariants())
