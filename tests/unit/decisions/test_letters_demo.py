"""The demo's support letters load through the services on top of the demo network."""

from __future__ import annotations

from typing import Any

import pytest

from cercle.decisions.enums import LetterStatus
from cercle.decisions.models import SupportLetterRequest
from cercle.demo import loader
from cercle.demo.decisions_letters import load_decisions_letters

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_letter_issued_one_in_decision_and_one_waiting(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    original = loader.load_circle

    def circle_then_letters(demo: loader.Demo) -> None:
        original(demo)
        load_decisions_letters(demo)

    monkeypatch.setattr(loader, "load_circle", circle_then_letters)
    assert loader.load_demo()
    statuses = dict(SupportLetterRequest.objects.values_list("project_name", "status"))
    assert statuses == {
        "Le Café des Dunes": LetterStatus.APPROVED,
        "L'Atelier des Communs": LetterStatus.IN_DECISION,
        "La Recyclerie Bleue": LetterStatus.SUBMITTED,
    }
    issued = SupportLetterRequest.objects.get(status=LetterStatus.APPROVED)
    assert issued.letter_pdf
