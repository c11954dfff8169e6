"""Retention: what expires, and the purge that applies it (`manage.py purge_expired`).

The periods are those of docs/privacy.md; change both together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import ApiToken, Notification, OutboxEmail, User

NOTIFICATIONS_KEPT = timedelta(days=365)
REVOKED_TOKENS_KEPT = timedelta(days=90)
UNACTIVATED_ACCOUNTS_KEPT = timedelta(days=30)
REFUSED_ADHESIONS_KEPT = timedelta(days=365)
# E-mails to addresses without an account: sent ones, and those given up after every retry.
OUTBOX_SENT_KEPT = timedelta(days=30)
OUTBOX_UNSENT_KEPT = timedelta(days=90)


@dataclass
class PurgeReport:
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    erased_accounts: list[int] = field(default_factory=list)


def _unactivated_accounts(now: datetime) -> list[User]:
    """Signed up, never confirmed an address, never logged in, and nothing done since."""
    from allauth.account.models import EmailAddress

    from cercle.core.models import JournalEntry
    from cercle.core.privacy.erasure import ERASED_EMAIL_DOMAIN

    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    acted = JournalEntry.objects.filter(actor=OuterRef("pk"))
    return list(
        User.objects.filter(
            last_login__isnull=True,
            date_joined__lt=now - UNACTIVATED_ACCOUNTS_KEPT,
            is_staff=False,
            is_superuser=False,
        )
        .exclude(email__endswith="@" + ERASED_EMAIL_DOMAIN)
        .exclude(Exists(verified))
        .exclude(Exists(acted))
        .order_by("pk")
    )


def purge_expired(*, dry_run: bool = False, now: datetime | None = None) -> PurgeReport:
    """Delete or pseudonymise what has outlived its period; journal what was done."""
    from cercle.core.privacy.erasure import person_erase
    from cercle.membership.enums import ContractStatus
    from cercle.membership.models import AdhesionContract

    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        removed = _("(removed after the retention period)")
    report = PurgeReport(dry_run=dry_run)
    notifications = Notification.objects.filter(created_at__lt=now - NOTIFICATIONS_KEPT)
    sessions = Session.objects.filter(expire_date__lt=now)
    tokens = ApiToken.objects.filter(revoked_at__lt=now - REVOKED_TOKENS_KEPT)
    outbox = OutboxEmail.objects.filter(
        Q(sent_at__lt=now - OUTBOX_SENT_KEPT) | Q(created_at__lt=now - OUTBOX_UNSENT_KEPT)
    )
    refused = AdhesionContract.objects.filter(
        status=ContractStatus.REFUSED, decided_at__lt=now - REFUSED_ADHESIONS_KEPT
    ).filter(~Q(motivation="") | ~Q(refusal_reason=removed))
    accounts = _unactivated_accounts(now)
    report.counts = {
        "notifications": notifications.count(),
        "expired_sessions": sessions.count(),
        "revoked_tokens": tokens.count(),
        "outgoing_emails": outbox.count(),
        "refused_adhesion_texts": refused.count(),
        "unactivated_accounts": len(accounts),
    }
    if dry_run:
        return report
    with transaction.atomic():
        notifications.delete()
        sessions.delete()
        tokens.delete()
        outbox.delete()
        # The refusal stays (who, when); the texts that explain a person's situation go
        # (a refusal keeps a reason: the database requires one).
        refused.update(motivation="", refusal_reason=removed)
        for user in accounts:
            person_erase(actor=None, user=user)
            report.erased_accounts.append(user.pk)
        journal.record(
            actor=None,
            verb="retention.purged",
            object_type="core.retention",
            object_id=now.date().isoformat(),
            payload={"counts": report.counts},
            visibility=Visibility.MEMBERS,
        )
    return report
