"""Reminders: the yearly call in the configured month, once; overdue reminders at most
once a week; the payment notification; the daily command."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cercle.core.enums import NotificationKind
from cercle.core.models import JournalEntry, Notification
from cercle.reciprocity.models import ContributionSettings, YearlyDeclaration
from cercle.reciprocity.services import declarations_reminders as reminders
from tests.factories.missions import consultant
from tests.factories.reciprocity_declarations import declared, invoiced, paid

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 9, 0))


def test_the_yearly_call_reaches_those_without_a_declaration_once():
    ContributionSettings.objects.create(id=1, declaration_call_month=1)
    already = consultant()
    missing = consultant()
    YearlyDeclaration.objects.create(
        person=already, year=2026, amount_ht=10, declared_at=timezone.now()
    )
    assert reminders.declarations_call(now=at(2027, 2, 1)) == 0  # not the month
    assert reminders.declarations_call(now=at(2027, 1, 15)) == 1
    notified = Notification.objects.filter(kind=NotificationKind.DECLARATION_DUE)
    assert [n.user_id for n in notified] == [missing.user_id]
    assert "2026" in notified.get().url
    assert reminders.declarations_call(now=at(2027, 1, 16)) == 0  # once a year
    assert JournalEntry.objects.filter(verb=reminders.CALL_VERB).count() == 1


def test_overdue_reminders_at_most_weekly_and_journaled():
    declaration = invoiced(amount="300")
    due = declaration.due_on
    day_after = timezone.make_aware(datetime.datetime.combine(due, datetime.time(10)))
    assert reminders.declarations_remind_overdue(now=day_after) == 0  # not yet overdue
    later = day_after + datetime.timedelta(days=1)
    assert reminders.declarations_remind_overdue(now=later) == 1
    assert reminders.declarations_remind_overdue(now=later + datetime.timedelta(days=3)) == 0
    assert reminders.declarations_remind_overdue(now=later + datetime.timedelta(days=7)) == 1
    declaration.refresh_from_db()
    assert declaration.reminders_sent == 2
    assert JournalEntry.objects.filter(verb="declaration.reminded").count() == 2
    paid(declaration, "300")
    assert reminders.declarations_remind_overdue(now=later + datetime.timedelta(days=30)) == 0


def test_a_declaration_not_invoiced_is_never_reminded():
    declared()
    assert (
        reminders.declarations_remind_overdue(now=timezone.now() + datetime.timedelta(days=400))
        == 0
    )


def test_the_task_reminds_by_uuid():
    declaration = invoiced(amount="300")
    YearlyDeclaration.objects.filter(pk=declaration.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    assert reminders.declaration_remind_by_uuid(str(declaration.uuid)) is True
    assert reminders.declaration_remind_by_uuid("00000000-0000-0000-0000-000000000000") is False


def test_payment_received_notifies_the_payer_with_the_receipt():
    declaration = invoiced(amount="300")
    payment = paid(declaration, "100")
    notice = Notification.objects.get(
        user=declaration.person.user, kind=NotificationKind.PAYMENT_RECEIVED
    )
    assert notice.url == f"/contributions/recus/{payment.receipt.uuid}.pdf"


def test_the_command_runs_both():
    out = StringIO()
    call_command("remind_declarations", stdout=out)
    assert "overdue reminders sent" in out.getvalue()
