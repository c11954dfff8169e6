"""The reports' demo: commons lines paid into the funds and a payout, through services."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cercle.demo.loader import Demo, email_for
from cercle.demo.reciprocity_reports import load_reciprocity_reports
from cercle.network.models import Person
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import PaymentKind
from cercle.reciprocity.models import CommonPayout, Payment
from cercle.reciprocity.selectors.reports_yearly import yearly_report

pytestmark = pytest.mark.django_db


def test_demo_funds_commons_and_pays_one_out() -> None:
    call_command("load_demo")
    demo = Demo(people={"solene": Person.objects.get(user__email=email_for("solene"))})
    load_reciprocity_reports(demo)
    assert Payment.objects.filter(kind=PaymentKind.COMMONS).exists()
    payout = CommonPayout.objects.get()
    assert payout.transaction.journal_code == "BQ"
    assert ledger.trial_balance_is_zero()
    years = set(
        Payment.objects.filter(kind=PaymentKind.COMMONS).values_list("paid_on__year", flat=True)
    )
    assert sum(yearly_report(year=y).commons_paid_in for y in years) > 0
    assert yearly_report(year=payout.paid_on.year).commons_paid_out == payout.amount
