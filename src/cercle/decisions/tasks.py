"""Deferred work of decisions: closing proposals on time, reminding voters."""

from __future__ import annotations

from django_tasks import task


@task()
def close_proposal_when_due(proposal_uuid: str) -> bool:
    """Enqueued with `run_after=closes_at` when a proposal opens or is extended; does
    nothing when the proposal was closed or extended since. The `close_proposals` sweep
    backs it up."""
    from cercle.decisions.services.proposals import proposal_close_when_due

    return proposal_close_when_due(proposal_uuid=proposal_uuid)


@task()
def remind_proposal_voters(proposal_uuid: str) -> int:
    """Enqueued with `run_after=closes_at - 24 h`: reminds, once, who has not voted."""
    from cercle.decisions.services.proposals import proposal_remind_voters

    return proposal_remind_voters(proposal_uuid=proposal_uuid)
