from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cercle.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Save the database and the media files in one .tar.gz with a manifest "
        "(record counts, journal head, ledger balance, sha256 of every file)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="The archive's path, or a folder for cercle-backup-<UTC time>.tar.gz "
            "(default: the current folder). An existing file is never overwritten.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(options["output"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(
                _("The database could not be read: %(error)s") % {"error": error}
            ) from error
        facts = result.manifest["facts"]
        self.stdout.write(
            _(
                "Archive %(path)s: %(size)s in %(seconds).1f s — %(vendor)s database, "
                "%(records)s records, journal head #%(seq)s, %(media)s media files."
            )
            % {
                "path": result.path,
                "size": filesizeformat(result.size),
                "seconds": result.seconds,
                "vendor": result.manifest["database"]["vendor"],
                "records": sum(facts["counts"].values()),
                "seq": facts["journal_seq"],
                "media": result.manifest["media"]["files"],
            }
        )
