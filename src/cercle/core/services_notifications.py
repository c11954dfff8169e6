"""Writes on notifications: read marks, preferences, unsubscribing, and e-mailing them
(one at a time, in digests, and again after the mail server failed).

An e-mail leaves at most once. Whoever sends a notification first claims it: under a
row lock, it checks `emailed_at` is still empty and sets it, then sends after the lock
is released; when the mail server refuses, `emailed_at` goes back to empty and
`email_failed_at` says when, so the retry sweep or the next digest sends it again.
Whether it leaves is decided when it leaves, by the preference at that moment.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import NotificationFrequency as Frequency
from cercle.core.enums import NotificationKind as Kind
from cercle.core.enums import Visibility
from cercle.core.errors import NotAllowed
from cercle.core.models import Notification, NotificationPreference, User
from cercle.core.notifications import (
    DIGESTS,
    frequencies_of,
    read_unsubscribe_token,
    user_message,
)

logger = logging.getLogger(__name__)

# A notification due at once that still has not left after this long (the worker was
# down, or the mail server refused) is sent again by the sweep.
RETRY_AFTER = datetime.timedelta(minutes=10)
DIGEST_BODY_LENGTH = 300


def _pending() -> Q:
    return Q(emailed_at__isnull=True, email_skipped=False)


# --- Read marks ----------------------------------------------------------------------


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of my notifications read (again is harmless)."""
    if notification.user_id != actor.pk:
        raise NotAllowed(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, actor: User) -> int:
    """Mark all my unread notifications read; how many were unread."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Preferences ---------------------------------------------------------------------


def notification_preferences_set(*, actor: User, frequencies: Mapping[str, str]) -> dict[str, str]:
    """Choose how often each kind is e-mailed. Kinds left out keep their frequency.

    Choosing "never" also gives up the e-mails of that kind still waiting for a digest.
    Returns the changes made.
    """
    if not frequencies:
        raise ValidationError({"frequencies": [_("Choose how often for at least one kind.")]})
    errors: dict[str, list[str]] = {}
    for kind, frequency in frequencies.items():
        if kind not in Kind.values:
            errors[str(kind)] = [_("This kind of notification does not exist.")]
        elif frequency not in Frequency.values:
            errors[kind] = [_("Choose immediately, daily, weekly or never.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = frequencies_of([actor.pk], frequencies)
        changed = {
            kind: frequency
            for kind, frequency in frequencies.items()
            if current[(actor.pk, kind)] != frequency
        }
        _apply(actor, changed)
        if changed:
            journal.record(
                actor=actor,
                verb="notification_preferences.changed",
                obj=actor,
                payload={"frequencies": changed},
                visibility=Visibility.PRIVATE,
                subject=actor,
            )
    return changed


def _apply(user: User, changed: Mapping[str, str]) -> None:
    for kind, frequency in changed.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"frequency": frequency}
        )
    never = [kind for kind, frequency in changed.items() if frequency == Frequency.NEVER]
    if never:
        Notification.objects.filter(_pending(), user=user, kind__in=never).update(
            email_skipped=True
        )


def unsubscribe_describe(*, token: str) -> tuple[User, str]:
    """Who and what a one-click unsubscribe link is about (for its confirmation page)."""
    return read_unsubscribe_token(token)


def unsubscribe(*, token: str) -> list[str]:
    """Apply a one-click unsubscribe link: no more e-mail of that kind, or none of the
    kinds in that digest. No login: the signed link is the proof. Returns the kinds."""
    user, what = read_unsubscribe_token(token)
    with transaction.atomic():
        if what in DIGESTS:
            current = frequencies_of([user.pk], Kind.values)
            kinds = [k for k in Kind.values if current[(user.pk, k)] == what]
        else:
            kinds = [what]
        _apply(user, dict.fromkeys(kinds, Frequency.NEVER))
        journal.record(
            actor=user,
            verb="notification_preferences.unsubscribed",
            obj=user,
            payload={"kinds": kinds},
            visibility=Visibility.PRIVATE,
            subject=user,
        )
    return kinds


# --- E-mailing one notification ------------------------------------------------------


def notification_email_send(*, notification_id: int) -> bool:
    """Send a notification's own e-mail if its kind is e-mailed at once; True if sent.

    Run by the `send_notification` task after commit. A mail server error is recorded
    and raised again, so the task fails visibly and the sweep retries later.
    """
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(_pending(), pk=notification_id)
            .first()
        )
        if notification is None:
            return False  # already sent, in a digest or by the sweep, or skipped
        user = notification.user
        frequency = frequencies_of([user.pk], [notification.kind])[(user.pk, notification.kind)]
        if frequency == Frequency.NEVER or not user.is_active or not user.email:
            notification.email_skipped = True
            notification.save(update_fields=["email_skipped"])
            return False
        if frequency != Frequency.IMMEDIATELY:
            return False  # the person now prefers a digest: it will go there
        message = _single_message(notification)
        notification.emailed_at = now
        notification.save(update_fields=["emailed_at"])
    _send(message, [notification.pk])
    return True


def _single_message(notification: Notification) -> EmailMessage:
    user = notification.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body: str
        if notification.template:
            body = render_to_string(
                notification.template, {**notification.context, "site_url": settings.SITE_URL}
            )
        else:
            body = f"{notification.body}\n\n{settings.SITE_URL}{notification.url}"
        return user_message(
            user=user, subject=notification.title, body=body, what=notification.kind
        )


def _send(message: EmailMessage, notification_ids: list[int]) -> None:
    """Send; on failure give the notifications back to the next attempt and re-raise."""
    try:
        message.send()
    except Exception:
        Notification.objects.filter(pk__in=notification_ids).update(
            emailed_at=None, email_failed_at=timezone.now()
        )
        logger.exception("E-mail to %s failed", message.to)
        raise
    Notification.objects.filter(pk__in=notification_ids, email_failed_at__isnull=False).update(
        email_failed_at=None
    )


def failed_emails_retry(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Send again what is due at once and has not left (the mail server refused, or the
    worker was down); (sent, failed)."""
    now = now or timezone.now()
    rows = list(
        Notification.objects.filter(_pending())
        .filter(Q(email_failed_at__isnull=False) | Q(created_at__lt=now - RETRY_AFTER))
        .values_list("pk", "user_id", "kind")
    )
    frequencies = frequencies_of({r[1] for r in rows}, {r[2] for r in rows})
    sent = failed = 0
    for pk, user_id, kind in rows:
        if frequencies[(user_id, kind)] != Frequency.IMMEDIATELY:
            continue
        try:
            sent += notification_email_send(notification_id=pk)
        except Exception:  # recorded on the row; the next sweep tries again
            failed += 1
    return sent, failed


# --- Digests ---------------------------------------------------------------------------


@dataclass
class DigestRun:
    emails: int = 0
    notifications: int = 0
    failed: int = 0


def digests_send(*, frequency: str, now: datetime.datetime | None = None) -> DigestRun:
    """One e-mail per person listing what waits for this digest, grouped by kind.

    Idempotent: what a digest sent is marked, so a second run sends nothing new; a
    person with nothing waiting gets nothing.
    """
    if frequency not in DIGESTS:
        raise ValidationError({"frequency": [_("Choose the daily or the weekly digest.")]})
    now = now or timezone.now()
    run = DigestRun()
    user_ids = (
        Notification.objects.filter(_pending(), user__is_active=True)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user in User.objects.filter(pk__in=user_ids).order_by("pk").iterator():
        claimed = _digest_claim(user, frequency, now)
        if claimed is None:
            continue
        message, ids = claimed
        try:
            _send(message, ids)
        except Exception:  # recorded on the rows; the next digest sends them
            run.failed += 1
            continue
        run.emails += 1
        run.notifications += len(ids)
    return run


def _digest_claim(
    user: User, frequency: str, now: datetime.datetime
) -> tuple[EmailMessage, list[int]] | None:
    kinds = set(Notification.objects.filter(_pending(), user=user).values_list("kind", flat=True))
    current = frequencies_of([user.pk], kinds)
    due = [kind for kind in kinds if current[(user.pk, kind)] == frequency]
    if not due or not user.email:
        return None
    with transaction.atomic():
        items = list(
            Notification.objects.select_for_update()
            .filter(_pending(), user=user, kind__in=due)
            .order_by("created_at", "pk")
        )
        if not items:
            return None
        message = _digest_message(user, frequency, items)
        ids = [n.pk for n in items]
        Notification.objects.filter(pk__in=ids).update(emailed_at=now)
    return message, ids


def _digest_item(notification: Notification) -> dict[str, str]:
    body = notification.body
    if len(body) > DIGEST_BODY_LENGTH:
        body = body[: DIGEST_BODY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return {
        "title": notification.title,
        "body": "\n  ".join(line for line in body.splitlines() if line.strip()),
        "url": notification.url,
    }


def _digest_message(user: User, frequency: str, items: list[Notification]) -> EmailMessage:
    grouped: dict[str, list[Notification]] = defaultdict(list)
    for notification in items:
        grouped[notification.kind].append(notification)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        groups = [
            {"label": Kind(kind).label, "items": [_digest_item(n) for n in grouped[kind]]}
            for kind in Kind.values
            if kind in grouped
        ]
        if frequency == Frequency.DAILY:
            subject = _("Your daily digest from Cercle (%(count)s)") % {"count": len(items)}
        else:
            subject = _("Your weekly digest from Cercle (%(count)s)") % {"count": len(items)}
        body = render_to_string(
            "core/email/digest.txt",
            {
                "groups": groups,
                "count": len(items),
                "daily": frequency == Frequency.DAILY,
                "site_url": settings.SITE_URL,
            },
        )
        return user_message(user=user, subject=subject, body=body, what=frequency)
