"""Builders shared by the selection's tests: a delegated request past its deadline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cercle.missions.enums import SelectionMode
from cercle.missions.models import Evaluator, Offer, SupportRequest, Team
from tests.factories.missions import (
    EvaluatorFactory,
    OfferFactory,
    QualifiedRequestFactory,
    TeamFactory,
)
from tests.factories.network import StewardFactory

PAST = datetime.timedelta(days=1)


@dataclass
class Selection:
    request: SupportRequest
    teams: list[Team]
    offers: list[Offer]
    steward: Any
    evaluators: list[Evaluator] = field(default_factory=list)


def selection(
    *,
    offers: int = 3,
    evaluators: int = 2,
    mode: str = SelectionMode.DELEGATED,
    prices: list[Decimal] | None = None,
    past_deadline: bool = True,
    grid: Any = None,
) -> Selection:
    deadline = timezone.now() + (-PAST if past_deadline else PAST)
    kwargs: dict[str, Any] = {"selection_mode": mode, "offers_deadline": deadline}
    if grid is not None:
        kwargs["grid"] = grid
    request = QualifiedRequestFactory(**kwargs)
    teams = [TeamFactory(request=request) for _ in range(offers)]
    made = [
        OfferFactory(
            team=team,
            label=chr(65 + i),
            price_ht=(prices[i] if prices else Decimal(10000 + 1000 * i)),
        )
        for i, team in enumerate(teams)
    ]
    steward = StewardFactory()
    chosen = [EvaluatorFactory(request=request, appointed_by=steward) for _ in range(evaluators)]
    return Selection(request, teams, made, steward, chosen)


def no_ties(s: Selection) -> dict[str, tuple[str, str]]:
    return {str(t.uuid): ("none", "") for t in s.teams}


def all_marks(s: Selection, mark: Any = "7") -> dict[tuple[str, int], Any]:
    positions = [c.position for c in s.request.criteria.filter(is_price=False)]
    return {(o.label, p): mark for o in s.offers for p in positions}


@pytest.mark.django_db
def test_builder_makes_a_delegated_request_past_its_deadline() -> None:
    s = selection()
    assert s.request.deadline_passed()
    assert len(s.offers) == 3
    assert len(s.evaluators) == 2
