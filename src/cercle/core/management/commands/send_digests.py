"""E-mail the daily or weekly digests, or send again the e-mails that failed: the
notifications due at once, and the outbox (e-mails to addresses without an account),
each with its backoff.

Cron (the task worker has no clock of its own):
    0 7 * * *    manage.py send_digests --frequency daily
    0 7 * * 1    manage.py send_digests --frequency weekly
    */15 * * * * manage.py send_digests --retry-failed
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cercle.core.notifications import DIGESTS
from cercle.core.notifications_outbox import outbox_retry
from cercle.core.services_notifications import digests_send, failed_emails_retry


class Command(BaseCommand):
    help = "Send the daily or weekly notification digests, or retry failed e-mails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--frequency", choices=[str(f) for f in DIGESTS])
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help=(
                "Send again the notifications due at once whose e-mail has not left, "
                "and the outgoing e-mails (to addresses without an account) that are due."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["frequency"] and not options["retry_failed"]:
            raise CommandError("Give --frequency daily|weekly, or --retry-failed.")
        failed = 0
        if options["retry_failed"]:
            sent, failures = failed_emails_retry()
            failed += failures
            self.stdout.write(f"Retried: {sent} e-mail(s) sent, {failures} failed.")
            sent, failures = outbox_retry()
            failed += failures
            self.stdout.write(f"Outbox: {sent} e-mail(s) sent, {failures} failed.")
        if options["frequency"]:
            run = digests_send(frequency=options["frequency"])
            failed += run.failed
            self.stdout.write(
                f"{options['frequency']} digests: {run.emails} e-mail(s) with "
                f"{run.notifications} notification(s), {run.failed} failed."
            )
        if failed:
            raise CommandError(f"{failed} e-mail(s) could not be sent; they will be retried.")
