"""manage.py import_helloasso FILE [--dry-run] [--as EMAIL]: import HelloAsso's CSV export
of payments (the rules are in `reciprocity.services.declarations_helloasso`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cercle.core.models import User
from cercle.reciprocity.services.declarations_helloasso import (
    helloasso_import_rows,
    read_csv,
)


class Command(BaseCommand):
    help = "Import HelloAsso's CSV export of payments; a wrong file imports nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")
        parser.add_argument(
            "--as", dest="actor", default="", help="E-mail of the steward the journal names."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email__iexact=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No user has the e-mail {options['actor']}")
        try:
            report = helloasso_import_rows(
                actor=actor, records=read_csv(path.read_bytes()), dry_run=options["dry_run"]
            )
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError("Nothing was imported.") from None
        prefix = "[dry run] " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}{report.created} created ({report.total} €), "
            f"{report.already} already imported, {report.matched} matched, "
            f"{len(report.unmatched)} to match, {report.refunds} refunds, "
            f"{len(report.skipped)} skipped"
        )
        for line in report.unmatched:
            self.stdout.write(f"  to match: {line}")
        for number, reason in report.skipped:
            self.stdout.write(f"  skipped line {number}: {reason}")
