"""Deferred work of mission follow-up: the six-week silence check."""

from __future__ import annotations

from django_tasks import task


@task()
def remind_if_silent(mission_uuid: str, expected_last_update_iso: str) -> bool:
    """Enqueued (with `run_after`) after each start or update; reminds the team when
    nothing was posted since. The `remind_silent_missions` sweep backs it up."""
    from cercle.missions.services.follow_up_feedback import mission_remind_if_silent

    return mission_remind_if_silent(
        mission_uuid=mission_uuid, expected_last_update_iso=expected_last_update_iso
    )
