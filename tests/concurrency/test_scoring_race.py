"""Scoring under concurrency: every evaluator submits while a second tab of theirs
changes the marks, all at the same moment.

A submitted evaluation is final: marks never change after the submission (else the
totals would move after the reveal), each evaluator submits once, and the identities
are revealed exactly once, when the last evaluator submits."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from cercle.core.errors import Conflict
from cercle.core.models import JournalEntry
from cercle.missions.models import Evaluator, Score, SupportRequest
from cercle.missions.selectors.selection import results_compute
from cercle.missions.services import selection as services
from tests.concurrency.race import (
    assert_books_and_journal_hold,
    journal_count,
    together,
    unexpected,
    workers,
)
from tests.unit.missions.test_selection_builders import all_marks, no_ties, selection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("concurrency")]


def fresh(evaluator: Evaluator) -> Evaluator:
    """The evaluator as a request loads it, just before the race."""
    return Evaluator.objects.select_related("request", "person__user").get(pk=evaluator.pk)


def test_marks_never_change_after_submission_and_the_reveal_happens_once() -> None:
    s = selection(offers=3, evaluators=workers() // 2)
    for e in s.evaluators:
        services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
        services.score_set(actor=e.person.user, evaluator=e, marks=all_marks(s, "5"))
    calls: list[Callable[[], Any]] = []
    for e in s.evaluators:
        submitting, scoring = fresh(e), fresh(e)
        calls.append(
            lambda e=submitting: services.evaluation_submit(actor=e.person.user, evaluator=e)
        )
        calls.append(
            lambda e=scoring: services.score_set(
                actor=e.person.user, evaluator=e, marks=all_marks(s, "9")
            )
        )
    outcomes = together(calls)

    assert unexpected(outcomes, Conflict) == []
    submits, rescores = outcomes[0::2], outcomes[1::2]
    assert all(o.ok for o in submits), [o.error for o in submits if o.error]
    changed_after_submission: list[str] = []
    for e, rescore in zip(s.evaluators, rescores, strict=True):
        evaluator = Evaluator.objects.get(pk=e.pk)
        assert evaluator.submitted_at is not None
        marks = set(Score.objects.filter(evaluator=e).values_list("mark", flat=True))
        # The second tab either landed before the submission (all 9) or was refused.
        assert marks == ({Decimal("9.00")} if rescore.ok else {Decimal("5.00")}), (marks, rescore)
        # The journal's order is the commit order: every change of marks comes before the
        # submission. (Timestamps cannot tell: each is taken before waiting for the lock.)
        mine = JournalEntry.objects.filter(payload__evaluator=str(e.uuid))
        submitted = mine.get(verb="evaluation.submitted").seq
        if mine.filter(verb="evaluation.scored", seq__gt=submitted).exists():
            changed_after_submission.append(e.person.full_name)
    assert changed_after_submission == [], "marks changed after these evaluators submitted"
    assert journal_count("evaluation.submitted") == len(s.evaluators)
    assert journal_count("request.revealed") == 1
    request = SupportRequest.objects.get(pk=s.request.pk)
    revealed = JournalEntry.objects.get(verb="request.revealed")
    last_submission = JournalEntry.objects.filter(verb="evaluation.submitted").order_by("-seq")[0]
    assert request.revealed_at is not None
    assert revealed.seq > last_submission.seq
    results = results_compute(request=request)
    assert results.counted == len(s.evaluators)
    assert_books_and_journal_hold()
