import sys
from typing import Any

from django.core.management.base import BaseCommand

from cercle.core.journal import verify


class Command(BaseCommand):
    help = "Re-compute the journal's hash chain; exit 1 and name the first bad entry if any."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"OK: {result.checked} entries, chain intact."))
            return
        self.stderr.write(
            f"Journal broken at entry #{result.bad_seq}: {result.reason} "
            f"({result.checked} entries checked before it)."
        )
        sys.exit(1)
