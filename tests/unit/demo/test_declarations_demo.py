"""The demo's declarations and payments load through the services and keep the ledger
exact."""

from __future__ import annotations

import pytest

from cercle.demo.loader import load_demo
from cercle.demo.reciprocity_declarations import load_reciprocity_declarations
from cercle.reciprocity import ledger
from cercle.reciprocity.models import Payment, YearlyDeclaration

pytestmark = pytest.mark.django_db


def test_the_demo_declarations_load():
    import cercle.demo.loader as loader

    captured = {}
    original = loader._later_parts

    def keep(demo):
        captured["demo"] = demo
        original(demo)

    loader._later_parts = keep
    try:
        load_demo()
    finally:
        loader._later_parts = original
    load_reciprocity_declarations(captured["demo"])
    assert YearlyDeclaration.objects.count() >= 4
    assert Payment.objects.filter(method="helloasso").count() == 4
    assert Payment.objects.filter(kind="contribution", declaration__isnull=True).count() == 1
    assert ledger.trial_balance_is_zero()
    assert ledger.unbalanced_transactions() == []
