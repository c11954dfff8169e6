import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cercle.core.models import User
from cercle.core.privacy.export import personal_data_export


class Command(BaseCommand):
    help = "Write the personal data of the account with this e-mail address to a ZIP file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--output", "-o", help="The ZIP file (default: <email>.zip).")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            self.stderr.write("No account has this e-mail address.")
            sys.exit(2)
        path = Path(options["output"] or f"{user.email}.zip")
        path.write_bytes(personal_data_export(actor=None, user=user))
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
