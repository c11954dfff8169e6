"""manage.py remind_declarations: the yearly call to declare (in the configured month,
once a year) and the weekly reminders of overdue declarations. Run daily by cron, as a
backstop to the tasks the invoicing enqueues."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cercle.reciprocity.services.declarations_reminders import (
    declarations_call,
    declarations_remind_overdue,
)


class Command(BaseCommand):
    help = "Call the circle to declare (in the configured month) and remind overdue declarations."

    def handle(self, *args: Any, **options: Any) -> None:
        called = declarations_call()
        reminded = declarations_remind_overdue()
        self.stdout.write(f"{called} called to declare, {reminded} overdue reminders sent")
