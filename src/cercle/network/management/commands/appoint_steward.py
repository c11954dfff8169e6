from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cercle.network.models import Person
from cercle.network.services import person_appoint_steward_by_operator


class Command(BaseCommand):
    help = "Appoint a steward (soucieux) by e-mail: the operator's way to name the first one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        person = Person.objects.filter(user__email__iexact=email).first()
        if person is None:
            raise CommandError(f"No person has the e-mail address {email}.")
        person_appoint_steward_by_operator(person=person)
        self.stdout.write(self.style.SUCCESS(f"{person} is now a steward."))
