"""Close the proposals past their time and remind the voters of those closing soon."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cercle.decisions.services.proposals import proposals_close_due, proposals_remind_due


class Command(BaseCommand):
    help = (
        "Close every open proposal past its closing time and send the 24-hour reminders "
        "not yet sent (a backstop for the tasks worker)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = proposals_remind_due()
        closed = proposals_close_due()
        self.stdout.write(f"{closed} proposal(s) closed, {reminded} reminder(s) sent.")
