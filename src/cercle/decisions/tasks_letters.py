"""Deferred work of support letters: deciding once the network's vote is over."""

from __future__ import annotations

from django_tasks import task


@task()
def decide_support_letter(letter_uuid: str) -> bool:
    """Enqueued (with `run_after`) when the letter's proposal opens, to run just after it
    closes. The `decide_support_letters` command backs it up. True when it decided."""
    from cercle.decisions.services.letters_decision import letter_decide

    return letter_decide(letter_uuid=letter_uuid) is not None
