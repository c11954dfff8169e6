"""Deferred work shared by every app: sending e-mail, notifications and digests.

django-tasks does not retry by itself: a failed e-mail leaves its task failed, and its
notification waiting (`email_failed_at` set, `emailed_at` empty), or its outbox row
waiting (`sent_at` empty, `last_error` set), for the sweep (`send_digests
--retry-failed`, or the `retry_failed_emails` task) or the next digest.
"""

from __future__ import annotations

from django_tasks import task


@task()
def send_outbox_email(*, outbox_id: int) -> bool:
    """Send one e-mail of the outbox (to an address without an account) if it is due;
    people with an account go through `send_notification`."""
    from cercle.core.notifications_outbox import outbox_email_send

    return outbox_email_send(outbox_id=outbox_id)


@task()
def send_notification(*, notification_id: int) -> bool:
    """E-mail one notification now if its kind is e-mailed at once (at most once)."""
    from cercle.core.services_notifications import notification_email_send

    return notification_email_send(notification_id=notification_id)


@task()
def send_digests(*, frequency: str) -> dict[str, int]:
    """The daily or weekly digests (the `send_digests` command does the same)."""
    from cercle.core.services_notifications import digests_send

    run = digests_send(frequency=frequency)
    return {"emails": run.emails, "notifications": run.notifications, "failed": run.failed}


@task()
def retry_failed_emails() -> dict[str, int]:
    """Send again the notifications due at once whose e-mail has not left, and the
    outbox's e-mails that are due."""
    from cercle.core.notifications_outbox import outbox_retry
    from cercle.core.services_notifications import failed_emails_retry

    sent, failed = failed_emails_retry()
    outbox_sent, outbox_failed = outbox_retry()
    return {
        "sent": sent,
        "failed": failed,
        "outbox_sent": outbox_sent,
        "outbox_failed": outbox_failed,
    }
