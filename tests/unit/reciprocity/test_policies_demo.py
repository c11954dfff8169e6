"""The demo's contribution policies load through the services on top of the demo circle."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cercle.core.journal import verify
from cercle.demo.loader import Demo, email_for
from cercle.demo.reciprocity_policies import load_reciprocity_policies
from cercle.network.models import Person
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import ContributionStatus, InKindStatus, PolicyKind
from cercle.reciprocity.models import (
    AnimationTime,
    GuideSituation,
    InKindContribution,
    MissionContribution,
    TurnoverDeclaration,
)
from cercle.reciprocity.selectors.policies import mission_expected

pytestmark = pytest.mark.django_db

KEYS = ("solene", "yanis", "maelle", "theo", "ines", "gaspard", "louise", "noe", "agathe")


def test_the_demo_policies_load(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo")
    capsys.readouterr()
    demo = Demo(people={k: Person.objects.get(user__email=email_for(k)) for k in KEYS})
    load_reciprocity_policies(demo)
    assert GuideSituation.objects.count() == 4
    # Every awarded mission recorded a policy at its award, and pledged its commons lines.
    assert MissionContribution.objects.count() >= 2
    assert ledger.trial_balance_is_zero()
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
    assert verify().ok
