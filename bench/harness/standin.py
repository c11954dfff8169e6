"""`--dataset demo`: the demo network as a tiny stand-in for the national dataset.

It has the same landmarks (a steward, a consultant, a busy request…) picked by query,
so the harness can be run before, or without, the national generator. Its figures say
nothing about scale; they only prove the harness works.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils import timezone

from bench.dataset.landmarks import Landmarks


def generate(*, scale: float, seed: int = 1, progress: Any = None) -> Landmarks:
    from cercle.decisions.models import Proposal
    from cercle.demo import data
    from cercle.demo.loader import load_demo
    from cercle.missions.models import Evaluator, SupportRequest
    from cercle.network.models import Person
    from cercle.reciprocity.models import YearlyDeclaration

    load_demo()
    steward = Person.objects.filter(engagement_level="soucieux").order_by("id").first()
    declaration = YearlyDeclaration.objects.order_by("-year", "id").first()
    consultant = declaration.person if declaration else steward
    member = (
        Person.objects.filter(circle_memberships__ended_at__isnull=True)
        .exclude(pk=consultant.pk if consultant else 0)
        .order_by("id")
        .first()
    )
    busy = SupportRequest.objects.annotate(n=Count("offers")).order_by("-n", "id").first()
    evaluator = Evaluator.objects.select_related("person__user", "request").order_by("id").first()
    proposal = Proposal.objects.annotate(n=Count("votes")).order_by("-n", "id").first()
    found = [steward, consultant, member, busy, evaluator, proposal]
    if not all(found):
        raise RuntimeError("the demo network lacks a landmark")
    assert steward and consultant and member and busy and evaluator and proposal  # noqa: PT018 (for mypy)
    return Landmarks(
        scale=scale,
        seed=seed,
        password=data.DEMO_PASSWORD,
        steward_email=steward.user.email,
        consultant_email=consultant.user.email,
        member_email=member.user.email,
        evaluator_email=evaluator.person.user.email,
        busy_request_uuid=str(busy.uuid),
        evaluation_request_uuid=str(evaluator.request.uuid),
        proposal_uuid=str(proposal.uuid),
        year=declaration.year if declaration else timezone.localdate().year,
        counts={},
    )


def check_invariants() -> list[str]:
    from cercle.core.journal import verify
    from cercle.reciprocity.ledger import trial_balance_is_zero, unbalanced_transactions

    problems = []
    if not trial_balance_is_zero():
        problems.append("the trial balance is not zero")
    if list(unbalanced_transactions()):
        problems.append("unbalanced ledger transactions")
    chain = verify()
    if not chain.ok:
        problems.append(f"journal chain: {chain.reason}")
    return problems
