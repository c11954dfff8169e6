import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from cercle.core.errors import ApplicationError
from cercle.core.models import User
from cercle.core.privacy.erasure import person_erase


class Command(BaseCommand):
    help = (
        "Erase (pseudonymise) the person with this e-mail address, on their written "
        "request received by the network. Asks for confirmation unless --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            self.stderr.write("No account has this e-mail address.")
            sys.exit(2)
        if not options["yes"]:
            answer = input(f"Erase the account {user.email} for good? Type 'yes': ")
            if answer.strip().lower() != "yes":
                self.stderr.write("Nothing was done.")
                sys.exit(1)
        try:
            entry = person_erase(actor=None, user=user)
        except (ApplicationError, ValidationError) as error:
            self.stderr.write(f"Refused: {error}")
            sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased: now {entry.payload['pseudonym']} (journal entry #{entry.seq}, "
                f"{len(entry.payload['redacted'])} entries redacted)."
            )
        )
