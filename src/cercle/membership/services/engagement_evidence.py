"""Engagement evidence that comes from another record of the network (e.g. attendance at
the yearly seminar), recorded by a steward and taken back when that record goes.

The member's own evidence goes through `circle.engagement_check_record_evidence`; this
service is for evidence *derived* from a fact another app keeps: the check follows the
fact. When the fact holds, the check is done with the record as evidence (unless a
steward already confirmed it on other evidence, which is left alone); when it no longer
holds, a check whose evidence was that kind of record goes back to "not yet shown" —
undoing what the fact did, not a steward's review going backwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.core.transitions import check_transition
from cercle.membership.enums import ENGAGEMENT_CHECK_TRANSITIONS, EngagementCheckStatus
from cercle.membership.models import CircleMembership, EngagementCheck
from cercle.membership.selectors.circle import current_year
from cercle.network.models import Person
from cercle.network.services import person_of


@dataclass(frozen=True)
class DerivedEvidence:
    object_type: str
    object_id: str
    note: str


def _locked_check(person: Person, year: int, code: str) -> EngagementCheck | None:
    from cercle.membership.services.circle import engagement_checks_ensure

    lookup = {"person": person, "year": year, "engagement_code": code}
    check = EngagementCheck.objects.select_for_update().filter(**lookup).first()
    # Follow-up of the current year starts for someone in the circle now.
    if (
        check is None
        and year == current_year()
        and CircleMembership.objects.filter(person=person, ended_at__isnull=True).exists()
    ):
        engagement_checks_ensure(person=person, year=year)
        check = EngagementCheck.objects.select_for_update().filter(**lookup).first()
    return check


def engagement_check_sync_derived(
    *,
    actor: User,
    person: Person,
    year: int,
    engagement_code: str,
    object_type: str,
    evidence: DerivedEvidence | None,
    is_own_note: Callable[[str], bool] | None = None,
) -> EngagementCheck | None:
    """Bring a check in line with a fact: `evidence` when the fact holds, None when it
    no longer does. `object_type` is the kind of record this caller derives evidence
    from; `is_own_note(text)` tells whether a note was written by this caller (so it is
    replaced or cleared, and a member's own note kept). Runs in the caller's transaction.
    """
    check = _locked_check(person, year, engagement_code)
    if check is None:
        return None
    owns_note = is_own_note or (lambda text: False)
    from_source = check.evidence_object_type == object_type
    if evidence is not None:
        if from_source and check.evidence_object_id == evidence.object_id:
            return check
        if check.status == EngagementCheckStatus.DONE and not from_source:
            return check  # already confirmed by a steward on other evidence
        if check.status != EngagementCheckStatus.DONE:
            check_transition(ENGAGEMENT_CHECK_TRANSITIONS, check.status, EngagementCheckStatus.DONE)
        check.evidence_object_type = object_type
        check.evidence_object_id = evidence.object_id
        if not check.evidence_note or owns_note(check.evidence_note):
            check.evidence_note = evidence.note
        check.status = EngagementCheckStatus.DONE
        check.checked_by = person_of(actor)
        verb = "engagement.fulfilled_by_event"
        payload = {"year": year, "engagement": engagement_code, "event": evidence.object_id}
    elif from_source:
        payload = {"year": year, "engagement": engagement_code, "event": check.evidence_object_id}
        check.evidence_object_type = ""
        check.evidence_object_id = ""
        if owns_note(check.evidence_note):
            check.evidence_note = ""
        if check.status == EngagementCheckStatus.DONE:
            check.status = EngagementCheckStatus.PENDING
            check.checked_by = None
        verb = "engagement.fulfilment_withdrawn"
    else:
        return check
    check.full_clean()
    check.save()
    journal.record(
        actor=actor,
        verb=verb,
        obj=check,
        payload=payload,
        visibility=Visibility.MEMBERS,
        subject=person.user,
    )
    return check
