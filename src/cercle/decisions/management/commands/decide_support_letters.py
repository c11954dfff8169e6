"""Decide the support letters whose consent proposal has closed (backs up the task)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cercle.decisions.services.letters_decision import letters_decide_due


class Command(BaseCommand):
    help = "Decide the support letters whose network vote is over (approve or refuse)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = letters_decide_due()
        self.stdout.write(f"{count} support letter(s) decided.")
