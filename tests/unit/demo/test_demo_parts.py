"""Every later part of the demo (reciprocity, decisions, letters, events) is there after
one load through the real loader: loading the demo costs seconds, so one test checks all
parts, each in its own function."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from icalendar import Calendar

from cercle.core.journal import verify
from cercle.decisions.enums import GroupKind, LetterStatus, PollKind, ProposalStatus
from cercle.decisions.models import (
    Comment,
    Group,
    Mention,
    Outcome,
    Proposal,
    StandAside,
    SupportLetterRequest,
    Thread,
    Vote,
)
from cercle.decisions.policies.groups import can_read_group
from cercle.decisions.selectors.proposals_results import proposal_results
from cercle.demo import data
from cercle.demo.loader import Demo
from cercle.events.calendar import calendar_ics
from cercle.events.engagement import EVENT_OBJECT_TYPE, YEARLY_EXCHANGE
from cercle.events.enums import EventKind
from cercle.events.models import CalendarFeed, Event, Registration
from cercle.membership.enums import EngagementCheckStatus
from cercle.membership.models import EngagementCheck
from cercle.network.models import Person
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import ContributionStatus, InKindStatus, PaymentKind, PolicyKind
from cercle.reciprocity.models import (
    AnimationTime,
    CommonPayout,
    GuideSituation,
    InKindContribution,
    MissionContribution,
    Payment,
    TurnoverDeclaration,
    YearlyDeclaration,
)
from cercle.reciprocity.selectors.policies import mission_expected
from cercle.reciprocity.selectors.reports_yearly import yearly_report

pytestmark = pytest.mark.django_db


def _demo() -> Demo:
    suffix = f"@{data.DEMO_DOMAIN}"
    people = Person.objects.filter(user__email__endswith=suffix).select_related("user")
    return Demo(people={p.user.email.removesuffix(suffix): p for p in people})


def test_every_later_part_of_the_demo(
    settings: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo")
    assert "loaded" in capsys.readouterr().out
    demo = _demo()
    _policies()
    _declarations()
    _reports()
    _threads(demo)
    _proposals()
    _letters()
    _events(demo)
    assert ledger.trial_balance_is_zero()
    assert ledger.unbalanced_transactions() == []
    assert verify().ok


def _policies() -> None:
    assert GuideSituation.objects.count() == 4
    # Every awarded mission recorded a policy at its award, and pledged its commons lines.
    assert MissionContribution.objects.count() >= 2
    cafe = MissionContribution.objects.get(mission__request__title="Rouvrir le café du village")
    assert TurnoverDeclaration.objects.filter(mission=cafe.mission).count() == 2
    assert mission_expected(cafe.mission) is not None
    hangar = MissionContribution.objects.get(
        mission__request__title="Gouvernance partagée du Grand Hangar"
    )
    assert hangar.policy == PolicyKind.NEGOTIATED
    assert hangar.status == ContributionStatus.PENDING
    statuses = sorted(InKindContribution.objects.values_list("status", flat=True))
    assert statuses == [InKindStatus.PENDING, InKindStatus.VALIDATED, InKindStatus.VALIDATED]
    assert AnimationTime.objects.count() == 2


def _declarations() -> None:
    assert YearlyDeclaration.objects.count() >= 4
    assert Payment.objects.filter(method="helloasso").count() == 4
    assert Payment.objects.filter(kind="contribution", declaration__isnull=True).count() == 1


def _reports() -> None:
    assert Payment.objects.filter(kind=PaymentKind.COMMONS).exists()
    payout = CommonPayout.objects.get()
    assert payout.transaction.journal_code == "BQ"
    years = set(
        Payment.objects.filter(kind=PaymentKind.COMMONS).values_list("paid_on__year", flat=True)
    )
    assert sum(yearly_report(year=y).commons_paid_in for y in years) > 0
    assert yearly_report(year=payout.paid_on.year).commons_paid_out == payout.amount


def _threads(demo: Demo) -> None:
    assert set(Group.objects.values_list("kind", flat=True)) == set(GroupKind.values)
    assert Thread.objects.count() >= 6
    assert Thread.objects.filter(closed_at__isnull=False).exists()
    assert Comment.objects.filter(deleted_at__isnull=False).exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(edited_at__isnull=False).exists()
    assert Mention.objects.exists()
    board = Group.objects.get(kind=GroupKind.BOARD)
    assert not can_read_group(demo.user("agathe"), board)
    assert can_read_group(demo.user("yanis"), board)


def _proposals() -> None:
    consent = Proposal.objects.get(title__startswith="Adopter une trame")
    results = proposal_results(consent)
    assert results.tally is not None
    counts = {o.key: o.count for o in results.tally.options}
    # Théo and Louise (changed from disagree) agree; Inès stands aside; Maëlle abstains.
    assert counts == {"agree": 2, "abstain": 1, "disagree": 0, "block": 1}
    assert results.blocks[0].alternative
    assert StandAside.objects.filter(proposal=consent).count() == 1
    assert Vote.objects.filter(proposal=consent, is_latest=False).count() == 1
    closed = Proposal.objects.get(kind=PollKind.OBJECTION)
    assert closed.status == ProposalStatus.CLOSED
    assert Outcome.objects.filter(proposal=closed).exists()
    assert Proposal.objects.filter(kind=PollKind.MEETING).count() == 1


def _letters() -> None:
    statuses = dict(SupportLetterRequest.objects.values_list("project_name", "status"))
    assert statuses == {
        "Le Café des Dunes": LetterStatus.APPROVED,
        "L'Atelier des Communs": LetterStatus.IN_DECISION,
        "La Recyclerie Bleue": LetterStatus.SUBMITTED,
    }
    assert SupportLetterRequest.objects.get(status=LetterStatus.APPROVED).letter_pdf


def _events(demo: Demo) -> None:
    assert Event.objects.count() == 3
    past = Event.objects.get(kind=EventKind.SEMINAR, title__startswith="Séminaire annuel")
    present = set(
        Registration.objects.filter(event=past, attended=True).values_list(
            "person__user__email", flat=True
        )
    )
    assert {e.split("@")[0] for e in present} == {"maelle", "theo", "ines", "agathe"}
    for key in ("maelle", "theo", "ines"):
        check = EngagementCheck.objects.get(
            person=demo.people[key], engagement_code=YEARLY_EXCHANGE, year=past.starts_at.year
        )
        assert check.status == EngagementCheckStatus.DONE
        assert (check.evidence_object_type, check.evidence_object_id) == (
            EVENT_OBJECT_TYPE,
            str(past.uuid),
        )
    assert CalendarFeed.objects.filter(person=demo.people["maelle"]).exists()
    calendar = Calendar.from_ical(calendar_ics(person=demo.people["theo"]))
    assert len(calendar.walk("VEVENT")) >= 1
