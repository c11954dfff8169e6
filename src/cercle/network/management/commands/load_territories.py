from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cercle.network.territories import territories_load


class Command(BaseCommand):
    help = "Load the French départements and communes (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            total = territories_load()
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"{total} territories available."))
