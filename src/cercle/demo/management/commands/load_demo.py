from typing import Any

from django.core.management.base import BaseCommand

from cercle.demo.loader import load_demo


class Command(BaseCommand):
    help = "Build the invented demo network through the services (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if load_demo():
            self.stdout.write(self.style.SUCCESS("Demo network loaded."))
        else:
            self.stdout.write("Demo network already loaded: nothing created.")
