"""Demo commons funding: the leads of the circle's missions pay part of their commons
budget lines into the commons' funds, and a steward pays a commoner out of one fund,
so that the commons' pages, the commons game and the yearly report have figures.

Runs after `load_circle` (missions with commons budget lines) and the policies' demo;
through the services. No animation time here: the policies' demo logs it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from cercle.missions.models import Mission, OfferCommonsLine
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import AccountKind, PaymentKind, PaymentMethod
from cercle.reciprocity.services.declarations_payments import (
    commons_line_remaining,
    payment_record,
)
from cercle.reciprocity.services.reports_commons import common_payout_record

if TYPE_CHECKING:
    from cercle.demo.loader import Demo

# Share of each budget line paid in by the lead: the first lines in full, then half.
SHARES = (Decimal("1"), Decimal("0.5"))
PAYOUT = Decimal("180.00")


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def load_reciprocity_reports(demo: Demo) -> None:
    steward = demo.user("solene")
    lines = list(
        OfferCommonsLine.objects.filter(offer__mission__isnull=False, amount_ht__gt=0)
        .select_related("common", "offer")
        .order_by("id")
    )
    missions = {
        m.offer_id: m
        for m in Mission.objects.filter(
            offer_id__in=[line.offer_id for line in lines]
        ).select_related("lead")
    }
    funded = None
    for i, line in enumerate(lines):
        mission = missions[line.offer_id]
        remaining = commons_line_remaining(mission=mission, common=line.common)
        if not remaining or remaining <= 0:
            continue
        amount = ledger.cents(remaining * SHARES[min(i, len(SHARES) - 1)])
        if amount <= 0:
            continue
        payment_record(
            actor=steward,
            kind=PaymentKind.COMMONS,
            method=PaymentMethod.TRANSFER,
            paid_on=_ago(20 - i),
            gross=str(amount),
            payer_person=mission.lead,
            payer_name=mission.lead.full_name,
            common=line.common,
            mission=mission,
        )
        funded = funded or line.common
    if funded is None:
        return
    held = -ledger.balance(ledger.common_account(AccountKind.COMMON_FUND, funded))
    if held >= PAYOUT:
        common_payout_record(
            actor=steward,
            common=funded,
            amount=PAYOUT,
            beneficiary="Collectif des contributeurs du commun",
            paid_on=_ago(3),
            note="Temps passé à documenter les recettes les plus utilisées.",
        )
