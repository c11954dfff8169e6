"""Deferred work shared by every app: sending e-mail, notifications and digests.

django-tasks does not retry by itself: a failed e-mail leaves its task failed, and its
notification waiting (`email_failed_at` set, `emailed_at` empty) for the sweep
(`send_digests --retry-failed`, or the `retry_failed_emails` task) or the next digest.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_email(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, object],
    language: str = "fr",
    headers: dict[str, str] | None = None,
) -> None:
    """Render a text template in the recipient's language and send it (to an address
    without an account; people with one go through `send_notification`)."""
    with translation.override(language):
        body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    EmailMessage(subject=str(subject), body=body, to=[to], headers=headers or {}).send()


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
    """Send again the notifications due at once whose e-mail has not left."""
    from cercle.core.services_notifications import failed_emails_retry

    sent, failed = failed_emails_retry()
    return {"sent": sent, "failed": failed}
