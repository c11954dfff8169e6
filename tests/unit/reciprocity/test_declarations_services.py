"""Yearly declarations: declare, amend, invoice, cancel (services)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cercle.core.errors import Conflict, InvalidTransition, NotAllowed
from cercle.core.models import JournalEntry
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import DeclarationStatus
from cercle.reciprocity.models import DeclarationLine, LedgerTransaction, YearlyDeclaration
from cercle.reciprocity.services import declarations as services
from tests.factories.missions import (
    MissionFactory,
    OfferFactory,
    TeamFactory,
    add_member,
    consultant,
)
from tests.factories.network import PersonFactory
from tests.factories.reciprocity_declarations import declared, invoiced, paid, steward

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1


def mission_led_by(person, *, awarded_year: int = LAST_YEAR):
    team = TeamFactory(lead=person)
    offer = OfferFactory(team=team, request=team.request)
    return MissionFactory(
        offer=offer, awarded_at=timezone.make_aware(datetime.datetime(awarded_year, 5, 1))
    )


def test_a_consultant_declares_globally():
    person = consultant()
    declaration = services.declaration_create(
        actor=person.user, year=LAST_YEAR, amount_ht="600,50", note="Comme convenu"
    )
    assert declaration.amount_ht == Decimal("600.50")
    assert declaration.status == DeclarationStatus.DECLARED
    assert JournalEntry.objects.filter(verb="declaration.declared").count() == 1


def test_split_per_mission_must_sum_exactly():
    person = consultant()
    first, second = mission_led_by(person), mission_led_by(person)
    with pytest.raises(ValidationError) as error:
        services.declaration_create(
            actor=person.user,
            year=LAST_YEAR,
            amount_ht="600",
            lines=[
                {"mission": str(first.uuid), "amount_ht": "400"},
                {"mission": str(second.uuid), "amount_ht": "100"},
            ],
        )
    assert "lines" in error.value.message_dict
    assert not YearlyDeclaration.objects.exists()
    declaration = services.declaration_create(
        actor=person.user,
        year=LAST_YEAR,
        amount_ht="600",
        lines=[
            {"mission": str(first.uuid), "amount_ht": "400"},
            {"mission": str(second.uuid), "amount_ht": "200"},
        ],
    )
    assert DeclarationLine.objects.filter(declaration=declaration).count() == 2


def test_lines_only_name_ones_own_missions_of_that_year_or_before():
    person = consultant()
    teammate = consultant()
    other = mission_led_by(consultant())
    later = mission_led_by(person, awarded_year=LAST_YEAR + 1)
    in_team = mission_led_by(teammate)
    add_member(in_team.team, person)
    for mission in (other, later):
        with pytest.raises(ValidationError):
            services.declaration_create(
                actor=person.user,
                year=LAST_YEAR,
                amount_ht="100",
                lines=[{"mission": str(mission.uuid), "amount_ht": "100"}],
            )
    declaration = services.declaration_create(
        actor=person.user,
        year=LAST_YEAR,
        amount_ht="100",
        lines=[{"mission": str(in_team.uuid), "amount_ht": "100"}],
    )
    assert declaration.lines.get().mission == in_team


@pytest.mark.parametrize("amount", ["-5", "abc", "0", "1.234", "NaN", "Infinity", ""])
def test_bad_amounts_are_refused(amount):
    person = consultant()
    with pytest.raises(ValidationError) as error:
        services.declaration_create(actor=person.user, year=LAST_YEAR, amount_ht=amount)
    assert "amount_ht" in error.value.message_dict
    assert not YearlyDeclaration.objects.exists()


def test_one_open_declaration_per_year():
    declaration = declared()
    with pytest.raises(ValidationError) as error:
        declared(person=declaration.person, year=declaration.year)
    with translation.override("fr"):
        assert "year" in error.value.message_dict


def test_outside_the_circle_one_cannot_declare():
    with pytest.raises(NotAllowed):
        services.declaration_create(actor=PersonFactory().user, year=LAST_YEAR, amount_ht="10")


def test_amend_while_declared_only():
    declaration = declared(amount="600")
    services.declaration_amend(
        actor=declaration.person.user, declaration=declaration, amount_ht="640", note="Revu"
    )
    declaration.refresh_from_db()
    assert declaration.amount_ht == Decimal("640.00")
    with pytest.raises(NotAllowed):
        services.declaration_amend(actor=consultant().user, declaration=declaration, amount_ht="1")
    services.declaration_invoice(actor=steward().user, declaration=declaration)
    with pytest.raises(Conflict):
        services.declaration_amend(
            actor=declaration.person.user, declaration=declaration, amount_ht="10"
        )


def test_invoicing_posts_the_receivable_and_sets_the_due_date():
    declaration = invoiced(amount="600")
    assert declaration.status == DeclarationStatus.INVOICED
    assert declaration.due_on == timezone.localdate() + datetime.timedelta(days=30)
    assert ledger.balance(ledger.receivable(person=declaration.person)) == Decimal("600.00")
    assert declaration.invoice_transaction.journal_code == "VT"
    assert ledger.trial_balance_is_zero()


def test_only_stewards_invoice_and_twice_is_refused():
    declaration = declared()
    with pytest.raises(NotAllowed):
        services.declaration_invoice(actor=declaration.person.user, declaration=declaration)
    services.declaration_invoice(actor=steward().user, declaration=declaration)
    with pytest.raises(InvalidTransition):
        services.declaration_invoice(actor=steward().user, declaration=declaration)


@pytest.mark.parametrize("amount_paid", ["600", "200"])
def test_a_paid_or_partly_paid_declaration_is_never_invoiced_again(amount_paid):
    # The transition table lets a refund take a paid declaration back to "invoiced";
    # invoicing it again would post the receivable a second time (found by hypothesis).
    declaration = invoiced(amount="600")
    paid(declaration, amount_paid)
    with pytest.raises(InvalidTransition):
        services.declaration_invoice(actor=steward().user, declaration=declaration)
    assert ledger.balance(ledger.receivable(person=declaration.person)) == Decimal("600") - Decimal(
        amount_paid
    )


def test_cancel_after_invoicing_reverses_the_receivable():
    declaration = invoiced(amount="600")
    services.declaration_cancel(actor=steward().user, declaration=declaration, reason="Erreur")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.CANCELLED
    assert ledger.balance(ledger.receivable(person=declaration.person)) == 0
    assert LedgerTransaction.objects.filter(reverses=declaration.invoice_transaction).exists()
    # A new declaration for the year is possible once the first is cancelled.
    assert declared(person=declaration.person, year=declaration.year).pk


def test_cancel_needs_a_reason_and_no_payment():
    declaration = invoiced(amount="600")
    with pytest.raises(ValidationError):
        services.declaration_cancel(actor=steward().user, declaration=declaration, reason=" ")
    paid(declaration, "100")
    with pytest.raises(Conflict) as error:
        services.declaration_cancel(actor=steward().user, declaration=declaration, reason="x")
    with translation.override("fr"):
        assert error.value.message == _(
            "Payments were received for this declaration: refund them first."
        )
