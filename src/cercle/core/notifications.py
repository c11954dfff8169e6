"""Notify people by e-mail once the transaction that concerns them has committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import translation

from cercle.core.models import User


def notify(
    *,
    users: Iterable[User],
    subject: Any,
    template: str,
    context: dict[str, Any] | None = None,
    kind: str | None = None,
    url: str = "",
) -> None:
    """Queue one e-mail per user, in their language, after the current transaction commits.

    `subject` may be a lazy translation; it is rendered in each recipient's language.
    `context` must be JSON-serialisable (it goes through the task queue).
    `kind` (a `NotificationKind`) and `url` (the page it is about): see the
    notifications module of the decisions issue; every caller passes them.
    """
    recipients = [(u.email, u.language or "fr") for u in users if u.email and u.is_active]
    _queue(recipients, subject=subject, template=template, context=context)


def notify_address(
    *,
    to: str,
    subject: Any,
    template: str,
    context: dict[str, Any] | None = None,
    language: str = "fr",
) -> None:
    """Queue one e-mail to an address, after commit. For people without an account (a
    client): they have no language of their own, so French, the default, unless given."""
    _queue([(to, language)], subject=subject, template=template, context=context)


def _queue(
    recipients: list[tuple[str, str]],
    *,
    subject: Any,
    template: str,
    context: dict[str, Any] | None,
) -> None:
    from cercle.core.tasks import send_email

    def enqueue() -> None:
        for email, language in recipients:
            with translation.override(language):
                rendered_subject = str(subject)
            send_email.enqueue(
                to=email,
                subject=rendered_subject,
                template=template,
                context=context or {},
                language=language,
            )

    transaction.on_commit(enqueue)
