"""The outbox: e-mails to addresses without an account (a client), never lost.

`outbox_add(...)` (called by `notify_address`) writes an `OutboxEmail` row inside the
caller's transaction, rendered in the recipient's language: if the service rolls back,
nothing is sent; if it commits, the e-mail exists even when the mail server is down.
After commit the `send_outbox_email` task sends it; `send_digests --retry-failed` (every
15 minutes by cron) sends again what is due and has not left.

Sending is claimed under a row lock: the claim counts the attempt and pushes
`next_attempt_at` back (the backoff), so a second sender (the task, a sweep) finds it not
due and leaves it alone. Success sets `sent_at`: it is never sent again. A failure keeps
the error and the row waits for the backoff; after `MAX_ATTEMPTS` it is given up (logged
as an error; it stays visible until the retention purge).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cercle.core.models import OutboxEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_BACKOFF = datetime.timedelta(minutes=5)
LONGEST_BACKOFF = datetime.timedelta(hours=6)
# A sweep stops after this many failures in a row: the server is down, the rest waits.
SWEEP_FAILURES_IN_A_ROW = 3
# Seconds to wait for the mail server when settings.EMAIL_TIMEOUT says nothing.
DEFAULT_TIMEOUT = 30


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th attempt: 5 min, doubling, at most 6 h
    (ten attempts span about a day)."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), LONGEST_BACKOFF)


def outbox_add(
    *,
    to: str,
    subject: Any,
    template: str,
    context: dict[str, Any] | None = None,
    language: str = "fr",
) -> OutboxEmail:
    """Write the e-mail in the caller's transaction; send it after commit."""
    with translation.override(language):
        rendered_subject = str(subject)[:300]
        body = render_to_string(template, {**(context or {}), "site_url": settings.SITE_URL})
    email = OutboxEmail.objects.create(
        to=to, language=language, subject=rendered_subject, body=body, template=template
    )
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(outbox_id: int) -> None:
    from cercle.core.tasks import send_outbox_email

    try:
        send_outbox_email.enqueue(outbox_id=outbox_id)
    except Exception:  # the row waits for the sweep; the page must not fail
        logger.exception("Could not queue outgoing e-mail %s", outbox_id)


def _due(now: datetime.datetime) -> Any:
    return OutboxEmail.objects.filter(
        sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=now
    )


def outbox_email_send(*, outbox_id: int, now: datetime.datetime | None = None) -> bool:
    """Send one outgoing e-mail if it is due; True if it left now.

    A mail server error is recorded on the row and raised again (the task fails
    visibly; the sweep counts it)."""
    now = now or timezone.now()
    with transaction.atomic():
        email = _due(now).select_for_update().filter(pk=outbox_id).first()
        if email is None:
            return False  # sent already, being sent, waiting for its backoff, or given up
        email.attempts += 1
        email.next_attempt_at = now + backoff(email.attempts)
        email.save(update_fields=["attempts", "next_attempt_at"])
    message = EmailMessage(subject=email.subject, body=email.body, to=[email.to])
    try:
        timeout = getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_TIMEOUT
        get_connection(timeout=timeout).send_messages([message])
    except Exception as error:
        OutboxEmail.objects.filter(pk=email.pk).update(last_error=repr(error)[:500])
        if email.attempts >= MAX_ATTEMPTS:
            logger.error(
                "Gave up e-mail %s to %s after %s attempts", email.pk, email.to, MAX_ATTEMPTS
            )
        else:
            logger.warning(
                "E-mail %s to %s failed (attempt %s)", email.pk, email.to, email.attempts
            )
        raise
    OutboxEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now(), last_error="")
    return True


def outbox_retry(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Send what is due and has not left; (sent, failed). Stops early when the mail
    server refuses several in a row: the others keep their turn for the next sweep."""
    now = now or timezone.now()
    sent = failed = in_a_row = 0
    for pk in list(_due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)):
        try:
            sent += outbox_email_send(outbox_id=pk, now=now)
            in_a_row = 0
        except Exception:  # recorded on the row
            failed += 1
            in_a_row += 1
            if in_a_row >= SWEEP_FAILURES_IN_A_ROW:
                break
    return sent, failed
