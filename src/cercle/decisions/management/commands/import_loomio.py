"""`manage.py import_loomio FILE [--dry-run] [--group-slug …]`: bring a Framavox
(Loomio) group export into Cercle. See `cercle.decisions.loomio.importer`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cercle.decisions.loomio.importer import TARGETS, ImportRefused, loomio_import


class Command(BaseCommand):
    help = (
        "Import a Loomio (Framavox) group export (JSON lines). Every line is checked first; "
        "if one is wrong nothing is imported. A second run of the same file creates nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the export file (one JSON object per line)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="say what would be created (and what already exists), write nothing",
        )
        parser.add_argument(
            "--group-slug",
            action="append",
            default=[],
            metavar="[LOOMIO_KEY=]SLUG",
            help=(
                "put the export's top group (or the Loomio group of that key, handle or id) "
                "into the existing Cercle group SLUG instead of a new working group; repeatable"
            ),
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--progress-every", type=int, default=10_000, help="lines between progress notes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            open(path, "rb").close()
        except OSError as exc:
            message = _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc}
            raise CommandError(message) from None
        try:
            report = loomio_import(
                actor=None,
                path=path,
                dry_run=options["dry_run"],
                group_slugs=options["group_slug"],
                batch_size=max(1, options["batch_size"]),
                progress=lambda text: self.stderr.write(text),
                progress_every=max(1, options["progress_every"]),
            )
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            for error in refused.errors:
                self.stderr.write(str(error))
            if refused.error_count > len(refused.errors):
                self.stderr.write(
                    _("… and %(n)d more.") % {"n": refused.error_count - len(refused.errors)}
                )
            raise CommandError(
                _("Nothing was imported: %(n)d line(s) are wrong.") % {"n": refused.error_count}
                if refused.error_count
                else _("Nothing was imported.")
            ) from None
        for table, count in sorted(report.skipped_tables.items()):
            self.stdout.write(
                _("Note: table “%(table)s” is not imported (%(n)d line(s) skipped).")
                % {"table": table, "n": count}
            )
        verb = _("would create") if report.dry_run else _("created")
        for table, result in report.tables.items():
            if not (result.created or result.existing or result.skipped):
                continue
            self.stdout.write(
                _(
                    "%(table)s → %(target)s: %(verb)s %(created)d, already there %(existing)d, "
                    "left aside %(skipped)d"
                )
                % {
                    "table": table,
                    "target": TARGETS[table],
                    "verb": verb,
                    "created": result.created,
                    "existing": result.existing,
                    "skipped": result.skipped,
                }
            )
        self.stdout.write(
            _(
                "People without an account before: %(n)d (they can claim it by resetting "
                "their password)."
            )
            % {"n": report.people_created}
        )
        if report.dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        elif report.created == 0:
            self.stdout.write(_("Nothing new: everything in this file was already imported."))
        else:
            self.stdout.write(
                _("Imported %(n)d row(s) from %(lines)d line(s) (SHA-256 %(sha)s).")
                % {"n": report.created, "lines": report.lines, "sha": report.sha256}
            )
