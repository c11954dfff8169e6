"""Deferred work of yearly declarations: the overdue reminder after the due date."""

from __future__ import annotations

from django_tasks import task


@task()
def remind_if_overdue(declaration_uuid: str) -> bool:
    """Enqueued (with `run_after`) at invoicing for the day after the due date; reminds
    the author if still unpaid and schedules the next reminder a week later. The
    `remind_declarations` command backs it up every day."""
    from cercle.reciprocity.services.declarations_reminders import declaration_remind_by_uuid

    return declaration_remind_by_uuid(declaration_uuid)
