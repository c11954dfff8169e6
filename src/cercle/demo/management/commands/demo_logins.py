from typing import Any

from django.core.management.base import BaseCommand

from cercle.demo import data
from cercle.demo.loader import email_for


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [
            ("Soucieux·se (steward)", f"{f} {last}", email_for(k))
            for k, f, last, *_ in data.STEWARDS
        ]
        rows += [
            ("Accompagnateur·ice (consultant)", f"{c[1]} {c[2]}", email_for(c[0]))
            for c in data.CONSULTANTS
        ]
        rows += [
            ("Adhérent·e, admin de structure (member)", f"{f} {last}", email_for(k))
            for k, f, last, _t in data.MEMBERS
        ]
        width = max(len(r[0]) for r in rows)
        self.stdout.write(f"Demo logins — password for all: {data.DEMO_PASSWORD}")
        for role, name, email in rows:
            self.stdout.write(f"  {role:<{width}}  {email:<34} {name}")
