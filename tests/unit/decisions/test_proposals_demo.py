"""The demo's proposals load through the services after the threads' demo."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.decisions.enums import PollKind, ProposalStatus
from cercle.decisions.models import Outcome, Proposal, StandAside, Vote
from cercle.decisions.selectors.proposals_results import proposal_results
from cercle.demo.decisions_proposals import load_decisions_proposals

pytestmark = pytest.mark.django_db


def test_the_demo_proposals_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import cercle.demo.loader as loader

    captured: dict[str, Any] = {}
    original = loader._later_parts

    def keep(demo: Any) -> None:
        captured["demo"] = demo
        original(demo)

    monkeypatch.setattr(loader, "_later_parts", keep)
    loader.load_demo()
    # Once the lead wires this part into the loader, it has already run.
    if not Proposal.objects.filter(title__startswith="Adopter une trame").exists():
        load_decisions_proposals(captured["demo"])
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
