from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cercle.core.privacy.retention import purge_expired


class Command(BaseCommand):
    help = (
        "Apply the retention policy (docs/privacy.md): delete or pseudonymise what has "
        "outlived its period, and journal it. --dry-run counts without changing anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count only.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = purge_expired(dry_run=options["dry_run"])
        prefix = "Would purge" if report.dry_run else "Purged"
        for what, count in report.counts.items():
            self.stdout.write(f"{prefix} {count} {what.replace('_', ' ')}")
