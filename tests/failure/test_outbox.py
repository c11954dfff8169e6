"""The mail server down, for e-mails to people without an account (clients).

The pages that e-mail a client answer normally; the e-mail waits in the outbox (written
with the service's writes), and `send_digests --retry-failed` delivers it exactly once
when the server is back, after a backoff; retries are bounded; a rolled-back service
leaves no e-mail; sent e-mails are purged after the retention period."""

from __future__ import annotations

import datetime
import smtplib
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from cercle.core.models import OutboxEmail
from cercle.core.notifications import notify_address
from cercle.core.notifications_outbox import (
    MAX_ATTEMPTS,
    SWEEP_FAILURES_IN_A_ROW,
    backoff,
    outbox_email_send,
    outbox_retry,
)
from cercle.core.privacy.retention import purge_expired
from cercle.missions.enums import SelectionMode
from tests.integration.core.conftest import logged_in
from tests.integration.missions.test_requests_pages import form_data
from tests.unit.missions.test_selection_builders import selection

pytestmark = pytest.mark.django_db

DOWN = "tests.failure.test_outbox.MailServerDown"
UP = "django.core.mail.backends.locmem.EmailBackend"
TEMPLATE = "missions/email/requests_confirm.txt"
CONTEXT = {"title": "Une halle partagée", "url": "/demandes/x/", "days": 7}


class MailServerDown(BaseEmailBackend):
    """An SMTP server that refuses every connection."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise smtplib.SMTPConnectError(421, "Service not available")


@pytest.fixture
def travel(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.timedelta], None]:
    """Move the clock forward (every `timezone.now()` reads it)."""
    real = timezone.now

    def to(offset: datetime.timedelta) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real() + offset)

    return to


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Any) -> None:
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # the public form's rate limit


def test_pages_that_mail_a_client_answer_while_mail_is_down_and_deliver_once_when_back(
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    travel: Callable[[datetime.timedelta], None],
) -> None:
    s = selection(mode=SelectionMode.CLIENT, evaluators=0)
    settings.EMAIL_BACKEND = DOWN
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs, mail fails
        intake = Client().post("/demandes/deposer/", form_data())
        link = logged_in(s.steward).post(f"/demandes/{s.request.uuid}/lien-client/")
    assert intake.status_code == 302
    assert link.status_code == 302
    waiting = OutboxEmail.objects.order_by("pk")
    assert sorted(waiting.values_list("to", flat=True)) == sorted(
        ["gaelle@saint-aubin.example", s.request.contact_email]
    )
    assert all(e.sent_at is None and e.attempts == 1 and "421" in e.last_error for e in waiting)
    assert mail.outbox == []

    call_command("send_digests", "--retry-failed")  # within the backoff: nothing is tried
    assert [e.attempts for e in waiting.all()] == [1, 1]

    travel(backoff(1))
    with pytest.raises(CommandError):  # still down: the sweep fails loudly, keeps them
        call_command("send_digests", "--retry-failed")
    assert [(e.attempts, e.sent_at) for e in waiting.all()] == [(2, None), (2, None)]

    settings.EMAIL_BACKEND = UP
    travel(backoff(1) + backoff(2))
    call_command("send_digests", "--retry-failed")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.to for e in waiting)
    assert {m.subject for m in mail.outbox} == {e.subject for e in waiting}
    assert all(e.sent_at is not None and e.last_error == "" for e in waiting.all())

    travel(datetime.timedelta(days=2))
    call_command("send_digests", "--retry-failed")  # a second retry sends nothing more
    call_command("send_digests", "--frequency", "daily")
    assert len(mail.outbox) == 2


def test_a_rolled_back_service_leaves_no_email(django_capture_on_commit_callbacks: Any) -> None:
    def service() -> None:
        with transaction.atomic():
            notify_address(to="lea@halle.example", subject="Bonjour", template=TEMPLATE)
            raise RuntimeError("the service failed after writing")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        service()
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


def test_the_task_and_a_sweep_send_one_email_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_address(
            to="lea@halle.example", subject="Bonjour", template=TEMPLATE, context=CONTEXT
        )
    email = OutboxEmail.objects.get()
    assert "Une halle partagée" in email.body  # rendered when written
    assert outbox_retry() == (1, 0)  # the sweep came first (the worker was late)
    for callback in callbacks:
        callback()  # then the task runs: already sent
    assert outbox_email_send(outbox_id=email.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lea@halle.example"]
    assert "Une halle partagée" in mail.outbox[0].body


def test_retries_back_off_and_stop_after_the_last_attempt(
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    travel: Callable[[datetime.timedelta], None],
) -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [datetime.timedelta(minutes=m) for m in (5, 10, 20)]
    assert backoff(MAX_ATTEMPTS) == datetime.timedelta(hours=6)
    settings.EMAIL_BACKEND = DOWN
    with django_capture_on_commit_callbacks(execute=True):
        notify_address(to="lea@halle.example", subject="Bonjour", template=TEMPLATE)
    email = OutboxEmail.objects.get()
    elapsed = datetime.timedelta(0)
    for attempt in range(2, MAX_ATTEMPTS + 1):
        elapsed += backoff(attempt - 1)
        travel(elapsed)
        assert outbox_retry() == (0, 1)
        email.refresh_from_db()
        assert email.attempts == attempt
    assert elapsed < datetime.timedelta(days=2)  # about a day of retries
    settings.EMAIL_BACKEND = UP
    travel(elapsed + datetime.timedelta(days=1))
    assert outbox_retry() == (0, 0)  # given up: kept for the record, never sent
    email.refresh_from_db()
    assert (email.attempts, email.sent_at) == (MAX_ATTEMPTS, None)
    assert mail.outbox == []


def test_a_sweep_stops_after_failures_in_a_row_and_leaves_the_rest_their_turn(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # the worker is down too
        for n in range(SWEEP_FAILURES_IN_A_ROW + 2):
            notify_address(to=f"client{n}@halle.example", subject="Bonjour", template=TEMPLATE)
    settings.EMAIL_BACKEND = DOWN
    assert outbox_retry() == (0, SWEEP_FAILURES_IN_A_ROW)
    attempts = list(OutboxEmail.objects.order_by("pk").values_list("attempts", flat=True))
    assert attempts == [1] * SWEEP_FAILURES_IN_A_ROW + [0, 0]


def test_sent_emails_are_purged_after_30_days_and_abandoned_ones_after_90() -> None:
    now = timezone.now()
    day = datetime.timedelta(days=1)

    def email(created: datetime.datetime, sent: datetime.datetime | None) -> OutboxEmail:
        return OutboxEmail.objects.create(
            to="lea@halle.example", subject="s", body="b", created_at=created, sent_at=sent
        )

    old_sent = email(now - 40 * day, now - 31 * day)
    recent_sent = email(now - 29 * day, now - 29 * day)
    waiting = email(now - 80 * day, None)
    abandoned = email(now - 91 * day, None)
    assert purge_expired(dry_run=True).counts["outgoing_emails"] == 2
    purge_expired()
    assert set(OutboxEmail.objects.values_list("pk", flat=True)) == {recent_sent.pk, waiting.pk}
    assert not OutboxEmail.objects.filter(pk__in=[old_sent.pk, abandoned.pk]).exists()
