"""Who runs a selection, who evaluates, who sees the results."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.missions.enums import RequestStatus
from cercle.missions.models import Evaluator, SupportRequest
from cercle.missions.policies.common import can_steward_requests, can_view_requests, refuse, viewer


def can_run_selection(user: Any, request: SupportRequest) -> bool:
    """Stewards send the client's link, appoint evaluators and record a delegated award."""
    return can_steward_requests(user)


def check_can_run_selection(user: Any, request: SupportRequest) -> None:
    refuse(can_run_selection(user, request), _("Only stewards run the selection."))


def can_act_as_evaluator(user: Any, evaluator: Evaluator) -> bool:
    """Only the appointed person acts on their own evaluation (conflicts are checked apart)."""
    person = viewer(user).person
    return person is not None and person.pk == evaluator.person_id


def check_can_act_as_evaluator(user: Any, evaluator: Evaluator) -> None:
    refuse(
        can_act_as_evaluator(user, evaluator),
        _("Only the appointed evaluator can do this."),
    )


def can_see_progress(user: Any, request: SupportRequest) -> bool:
    """Who declared, who submitted, who is conflicted: the stewards who run the process."""
    return can_steward_requests(user)


def can_see_results(user: Any, request: SupportRequest) -> bool:
    """The ranking with identities: stewards once revealed; the circle once awarded."""
    if request.status == RequestStatus.AWARDED:
        return can_view_requests(user)
    return request.revealed_at is not None and can_steward_requests(user)


def check_can_see_results(user: Any, request: SupportRequest) -> None:
    refuse(
        can_see_results(user, request),
        _("The results are shown to stewards once revealed, and to the circle after the award."),
    )
