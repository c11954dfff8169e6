from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from cercle.core.backup import BackupError, inspect, restore


class Command(BaseCommand):
    help = (
        "Replace the configured database and MEDIA_ROOT with an archive made by "
        "`manage.py backup`, then check the journal chain, the ledger and the record "
        "counts; exit 1 if the archive is refused or a check fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm replacing a database that already holds data.",
        )
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="Only check the archive (manifest, sha256 of every file); change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check_only"]:
                manifest = inspect(options["archive"])
                self.stdout.write(
                    _(
                        "Archive intact: %(files)s files, made %(created)s (%(vendor)s, Cercle %(version)s)."
                    )
                    % {
                        "files": len(manifest["files"]),
                        "created": manifest.get("created_at"),
                        "vendor": manifest["database"]["vendor"],
                        "version": manifest.get("cercle_version"),
                    }
                )
                return
            result = restore(options["archive"], force=options["yes"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(
                _("The configured database could not be used: %(error)s") % {"error": error}
            ) from error
        manifest = result.manifest
        self.stdout.write(
            _(
                "Restored the archive made %(created)s (%(vendor)s, Cercle %(version)s) in %(seconds).1f s."
            )
            % {
                "created": manifest.get("created_at"),
                "vendor": manifest["database"]["vendor"],
                "version": manifest.get("cercle_version"),
                "seconds": result.seconds,
            }
        )
        for check in result.checks:
            line = f"  {'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}"
            self.stdout.write(self.style.SUCCESS(line) if check.ok else self.style.ERROR(line))
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        if not result.ok:
            raise CommandError(_("The restored data failed its checks (see above)."))
        self.stdout.write(self.style.SUCCESS(_("Every check passed.")))
