"""Reminders: the yearly call to declare, and overdue invoiced declarations.

- The yearly call: in the month the stewards set (`declaration_call_month`), every
  consultant of the circle without a declaration for the past year is notified (kind
  DECLARATION_DUE), once per year (journal `declarations.called`, object = the year).
- Overdue: an invoiced or partially paid declaration past its due date is reminded to
  its author at most once a week (`reminders_sent`, `last_reminded_at`), journaled as
  `declaration.reminded` for the stewards' dashboard.

`manage.py remind_declarations` runs both every day (cron backstop); invoicing also
enqueues `tasks_declarations.remind_if_overdue` for the day after the due date.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.models import JournalEntry, User
from cercle.core.notifications import notify
from cercle.membership.models import CircleMembership
from cercle.reciprocity.enums import DeclarationStatus
from cercle.reciprocity.models import YearlyDeclaration
from cercle.reciprocity.services.declarations import (
    contribution_settings,
    declaration_paid_total,
)

REMIND_EVERY = timedelta(days=7)
CALL_VERB = "declarations.called"
CALL_OBJECT = "reciprocity.declarationcall"
OVERDUE = (DeclarationStatus.INVOICED, DeclarationStatus.PARTIALLY_PAID)


def declarations_call(*, now: datetime.datetime | None = None) -> int:
    """Call the circle to declare for the past year, in the configured month, once.
    Returns how many people were notified (0 outside the month or when done)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if today.month != contribution_settings().declaration_call_month:
        return 0
    year = today.year - 1
    with transaction.atomic():
        if JournalEntry.objects.filter(
            verb=CALL_VERB, object_type=CALL_OBJECT, object_id=str(year)
        ).exists():
            return 0
        declared = YearlyDeclaration.objects.filter(year=year).exclude(
            status=DeclarationStatus.CANCELLED
        )
        users = list(
            User.objects.filter(
                is_active=True,
                pk__in=CircleMembership.objects.filter(ended_at__isnull=True).values(
                    "person__user"
                ),
            )
            .exclude(person__in=declared.values("person"))
            .distinct()
        )
        journal.record(
            actor=None,
            verb=CALL_VERB,
            object_type=CALL_OBJECT,
            object_id=str(year),
            payload={"year": year, "notified": len(users)},
            visibility=Visibility.MEMBERS,
        )
        url = reverse("reciprocity:declaration_create") + f"?annee={year}"
        notify(
            users=users,
            kind=NotificationKind.DECLARATION_DUE,
            subject=gettext_lazy("Declare your contribution for the past year"),
            template="reciprocity/email/declarations_call.txt",
            context={"year": year, "url": url},
            url=url,
        )
    return len(users)


def _due_for_reminder(now: datetime.datetime) -> Q:
    return Q(
        status__in=OVERDUE,
        due_on__lt=timezone.localdate(now),
    ) & (Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMIND_EVERY))


def declaration_remind(
    *, declaration: YearlyDeclaration, now: datetime.datetime | None = None
) -> bool:
    """Remind the author of an overdue declaration, unless reminded in the past week."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            YearlyDeclaration.objects.select_for_update(of=("self",))
            .filter(_due_for_reminder(now), pk=declaration.pk)
            .select_related("person__user")
            .first()
        )
        if locked is None:
            return False
        left = locked.amount_ht - declaration_paid_total(locked)
        locked.reminders_sent += 1
        locked.last_reminded_at = now
        locked.save(update_fields=["reminders_sent", "last_reminded_at"])
        journal.record(
            actor=None,
            verb="declaration.reminded",
            obj=locked,
            payload={
                "year": locked.year,
                "left": str(left),
                "due_on": locked.due_on.isoformat() if locked.due_on else "",
                "reminders_sent": locked.reminders_sent,
            },
            visibility=Visibility.PRIVATE,
            subject=locked.person.user,
        )
        url = locked.get_absolute_url()
        notify(
            users=[locked.person.user],
            kind=NotificationKind.DECLARATION_DUE,
            subject=gettext_lazy("Reminder: your contribution is overdue"),
            template="reciprocity/email/declarations_overdue.txt",
            context={
                "year": locked.year,
                "left": str(left),
                "due_on": locked.due_on.isoformat() if locked.due_on else "",
                "url": url,
            },
            url=url,
        )
    return True


def declarations_remind_overdue(*, now: datetime.datetime | None = None) -> int:
    """Remind every overdue declaration that was not reminded in the past week."""
    now = now or timezone.now()
    count = 0
    for declaration in YearlyDeclaration.objects.filter(_due_for_reminder(now)).order_by("id"):
        count += declaration_remind(declaration=declaration, now=now)
    return count


def declaration_remind_by_uuid(uuid: str) -> bool:
    """What the task runs: remind, then schedule the next reminder a week later while
    the declaration stays unpaid."""
    from cercle.reciprocity.tasks_declarations import remind_if_overdue

    declaration = YearlyDeclaration.objects.filter(uuid=uuid).first()
    if declaration is None:
        return False
    reminded = declaration_remind(declaration=declaration)
    declaration.refresh_from_db(fields=["status"])
    if declaration.status in OVERDUE:
        run_after = timezone.now() + REMIND_EVERY
        transaction.on_commit(lambda: remind_if_overdue.using(run_after=run_after).enqueue(uuid))
    return reminded
