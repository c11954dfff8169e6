"""The mail server down: the page that notifies answers normally, the notifications
wait (unsent, with the failure's time), and `send_digests --retry-failed` delivers each
exactly once when the server is back."""

from __future__ import annotations

import json
import smtplib
from collections.abc import Sequence
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.test import Client

from cercle.core.models import Notification
from cercle.missions.enums import MemberStatus
from tests.factories.missions import QualifiedRequestFactory, TeamFactory, add_member, consultant
from tests.integration.core.conftest import bearer, token_secret

pytestmark = pytest.mark.django_db

DOWN = "tests.failure.test_mail_down.MailServerDown"
UP = "django.core.mail.backends.locmem.EmailBackend"


class MailServerDown(BaseEmailBackend):
    """An SMTP server that refuses every connection."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise smtplib.SMTPConnectError(421, "Service not available")


def test_an_offer_submitted_while_mail_is_down_notifies_later_exactly_once(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    team = TeamFactory(request=QualifiedRequestFactory())
    add_member(team, consultant(), status=MemberStatus.ACCEPTED)
    secret = token_secret(team.lead)
    settings.EMAIL_BACKEND = DOWN
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs, mail fails
        answer = Client().post(
            f"/api/v1/teams/{team.uuid}/offers",
            json.dumps({"price_ht": "9000", "days": "10", "method": "Ateliers partagés."}),
            content_type="application/json",
            **bearer(secret),
        )
    assert answer.status_code == 201, answer.content
    waiting = Notification.objects.filter(template="missions/email/offers_submitted.txt")
    assert waiting.count() == 2  # the lead and the co-contractor
    assert all(n.emailed_at is None and n.email_failed_at is not None for n in waiting)
    assert mail.outbox == []

    with pytest.raises(CommandError):  # still down: the sweep fails loudly, keeps them
        call_command("send_digests", "--retry-failed")
    assert all(n.emailed_at is None for n in waiting.all())

    settings.EMAIL_BACKEND = UP
    call_command("send_digests", "--retry-failed")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.user.email for n in waiting)
    assert all(n.emailed_at is not None and n.email_failed_at is None for n in waiting.all())
    call_command("send_digests", "--retry-failed")
    call_command("send_digests", "--frequency", "daily")
    assert len(mail.outbox) == 2  # exactly once
