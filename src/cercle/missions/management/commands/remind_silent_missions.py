"""Remind the teams of running missions that have posted nothing for six weeks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cercle.missions.services.follow_up_feedback import missions_remind_silent


class Command(BaseCommand):
    help = "Remind the teams of running missions without an update for six weeks."

    def handle(self, *args: Any, **options: Any) -> None:
        count = missions_remind_silent()
        self.stdout.write(f"{count} mission(s) reminded.")
