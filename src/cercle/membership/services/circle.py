"""Every write on the circle and on the yearly follow-up of the charter's engagements.

Joining the circle is the second stage after adhering: it needs a validated adhesion
and a signature of the current charter. Leaving is possible at any time and ends the
period with the reason "left"; joining again opens a new period, history stays.

Decision (kept simple on purpose): a person excluded by a regulation decision cannot
join the circle again, even after leaving it first. Re-admission would need its own
recorded process, which the network has not defined yet.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import User
from cercle.core.transitions import check_transition
from cercle.membership.enums import (
    ENGAGEMENT_CHECK_TRANSITIONS,
    CircleEndReason,
    EngagementCheckStatus,
)
from cercle.membership.models import CharterVersion, CircleMembership, EngagementCheck
from cercle.membership.policies.charter import (
    check_can_follow_engagements,
    check_can_join_circle,
    check_can_record_evidence,
    check_can_review_check,
)
from cercle.membership.selectors.charter import has_signed_current
from cercle.membership.selectors.circle import current_year, person_is_excluded
from cercle.network.models import Person
from cercle.network.services import person_of

_person = person_of


# ---------------------------------------------------------------- the circle


def circle_join(*, actor: User) -> CircleMembership:
    check_can_join_circle(actor)
    person = _person(actor)
    if person_is_excluded(person=person):
        raise NotAllowed(
            _(
                "You were excluded from the circle after a regulation decision and cannot join it again."
            )
        )
    if CircleMembership.objects.filter(person=person, ended_at__isnull=True).exists():
        raise Conflict(_("You are already in the circle."))
    if not has_signed_current(person=person):
        raise Conflict(_("Sign the current version of the charter before joining the circle."))
    with transaction.atomic():
        membership = CircleMembership(person=person, joined_at=timezone.now())
        membership.full_clean()
        membership.save()
        journal.record(
            actor=actor,
            verb="circle.joined",
            obj=membership,
            visibility=Visibility.MEMBERS,
            subject=actor,
        )
        engagement_checks_ensure(person=person)
    return membership


def circle_leave(*, actor: User) -> CircleMembership:
    person = _person(actor)
    membership = CircleMembership.objects.filter(person=person, ended_at__isnull=True).first()
    if membership is None:
        raise Conflict(_("You are not in the circle."))
    return circle_membership_end(actor=actor, membership=membership, reason=CircleEndReason.LEFT)


def circle_membership_end(
    *, actor: User, membership: CircleMembership, reason: str
) -> CircleMembership:
    """End a period in the circle. Called by `circle_leave` and by regulation decisions,
    which check who may do it; this only records it."""
    if reason not in CircleEndReason.values:
        raise ValidationError({"reason": [_("Select a valid reason.")]})
    with transaction.atomic():
        locked = CircleMembership.objects.select_for_update().get(pk=membership.pk)
        if locked.ended_at is not None:
            raise Conflict(_("This period in the circle has already ended."))
        locked.ended_at = timezone.now()
        locked.end_reason = reason
        locked.full_clean()
        locked.save(update_fields=["ended_at", "end_reason"])
        journal.record(
            actor=actor,
            verb="circle.excluded" if reason == CircleEndReason.EXCLUDED else "circle.left",
            obj=locked,
            payload={"reason": reason},
            visibility=Visibility.MEMBERS,
            subject=locked.person.user,
        )
    return locked


# ---------------------------------------------------------------- engagement follow-up


def engagement_checks_ensure(
    *, person: Person, year: int | None = None, version: CharterVersion | None = None
) -> int:
    """Create the missing checks of `person` for `year` (one per engagement of the current
    version). Internal: callers have checked who may do it. Returns how many were created."""
    version = version or CharterVersion.objects.order_by("-number").first()
    if version is None:
        return 0
    year = year or current_year()
    codes = list(version.engagements.values_list("code", flat=True))
    existing = set(
        EngagementCheck.objects.filter(person=person, year=year).values_list(
            "engagement_code", flat=True
        )
    )
    rows = [
        EngagementCheck(person=person, year=year, engagement_code=code)
        for code in codes
        if code not in existing
    ]
    EngagementCheck.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def engagement_year_open(*, actor: User, year: int) -> int:
    """A steward opens a year: every circle member gets one check per engagement."""
    check_can_follow_engagements(actor)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("Enter a year between 2000 and 2100.")]})
    version = CharterVersion.objects.order_by("-number").first()
    if version is None:
        raise Conflict(_("No charter has been published yet."))
    codes = list(version.engagements.values_list("code", flat=True))
    people = list(
        CircleMembership.objects.filter(ended_at__isnull=True).values_list("person_id", flat=True)
    )
    existing = set(
        EngagementCheck.objects.filter(year=year, person_id__in=people).values_list(
            "person_id", "engagement_code"
        )
    )
    rows = [
        EngagementCheck(person_id=pid, year=year, engagement_code=code)
        for pid in people
        for code in codes
        if (pid, code) not in existing
    ]
    with transaction.atomic():
        EngagementCheck.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        journal.record(
            actor=actor,
            verb="engagement.year_opened",
            object_type="membership.engagementcheck",
            object_id=str(year),
            payload={"year": year, "created": len(rows)},
            visibility=Visibility.MEMBERS,
        )
    return len(rows)


def engagement_check_record_evidence(
    *,
    actor: User,
    check: EngagementCheck,
    evidence_url: str = "",
    evidence_note: str = "",
    evidence_object_type: str = "",
    evidence_object_id: str = "",
) -> EngagementCheck:
    """The member concerned shows how they honoured an engagement (a link or a note)."""
    check_can_record_evidence(actor, check)
    if check.status == EngagementCheckStatus.DONE:
        raise Conflict(_("A steward has already confirmed this engagement."))
    evidence_url = (evidence_url or "").strip()
    evidence_note = (evidence_note or "").strip()
    if not (evidence_url or evidence_note or evidence_object_id):
        raise ValidationError(
            {"evidence_note": [_("Give a link or a note that shows how you honoured it.")]}
        )
    with transaction.atomic():
        check.evidence_url = evidence_url
        check.evidence_note = evidence_note
        check.evidence_object_type = (evidence_object_type or "").strip()
        check.evidence_object_id = (evidence_object_id or "").strip()
        check.full_clean()
        check.save()
        journal.record(
            actor=actor,
            verb="engagement.evidence_recorded",
            obj=check,
            payload={"year": check.year, "engagement": check.engagement_code},
            visibility=Visibility.MEMBERS,
            subject=actor,
        )
    return check


def engagement_check_review(*, actor: User, check: EngagementCheck, status: str) -> EngagementCheck:
    """A steward confirms an engagement as done or marks it missed."""
    check_can_review_check(actor, check)
    if status not in (EngagementCheckStatus.DONE, EngagementCheckStatus.MISSED):
        raise ValidationError({"status": [_("Choose “done” or “missed”.")]})
    check_transition(ENGAGEMENT_CHECK_TRANSITIONS, check.status, status)
    previous = check.status
    with transaction.atomic():
        check.status = status
        check.checked_by = _person(actor)
        check.full_clean()
        check.save()
        journal.record(
            actor=actor,
            verb="engagement.reviewed",
            obj=check,
            payload={
                "year": check.year,
                "engagement": check.engagement_code,
                "from": previous,
                "to": status,
            },
            visibility=Visibility.MEMBERS,
            subject=check.person.user,
        )
    return check


def engagement_check_update(
    *,
    actor: User,
    check: EngagementCheck,
    evidence_url: str | None = None,
    evidence_note: str | None = None,
    evidence_object_type: str | None = None,
    evidence_object_id: str | None = None,
    status: str | None = None,
) -> EngagementCheck:
    """One edit from the API: evidence (the member concerned), then a review (a steward).

    Fields left out keep their value; both parts succeed or neither does.
    """
    evidence = {
        "evidence_url": evidence_url,
        "evidence_note": evidence_note,
        "evidence_object_type": evidence_object_type,
        "evidence_object_id": evidence_object_id,
    }
    if all(v is None for v in evidence.values()) and status is None:
        raise ValidationError({"__all__": [_("Nothing to change.")]})
    with transaction.atomic():
        if any(v is not None for v in evidence.values()):
            check = engagement_check_record_evidence(
                actor=actor,
                check=check,
                **{k: getattr(check, k) if v is None else v for k, v in evidence.items()},
            )
        if status is not None:
            check = engagement_check_review(actor=actor, check=check, status=status)
    return check
