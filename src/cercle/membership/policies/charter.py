"""Who may do what with the charter, the circle, engagement follow-up and regulation.

- stewards publish charter versions, open a year of engagement follow-up, review other
  members' engagement checks, record hearings and decide regulation cases;
- a member (validated adhesion) signs the current charter and, once signed, joins the
  circle; anyone in the circle may leave it at any time;
- an excluded person cannot join the circle again (see `services.circle`);
- a contributor or a steward raises a concern about another circle member;
- the person concerned never records the hearing or decides their own case, and the
  person who raised a concern does not decide it.

Each `can_*` returns a bool for templates; each `check_can_*` raises `NotAllowed`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.membership.models import CharterSignature, EngagementCheck, RegulationCase
from cercle.network.models import Person
from cercle.network.policies import is_contributor, is_member, is_steward
from cercle.network.policies import person_or_none as person_of_user


def _is(person: Person | None, other_id: int | None) -> bool:
    return person is not None and other_id is not None and person.pk == other_id


# ---------------------------------------------------------------- charter


def can_publish_charter(user: Any) -> bool:
    return bool(is_steward(user))


def check_can_publish_charter(user: Any) -> None:
    if not can_publish_charter(user):
        raise NotAllowed(_("Only stewards can publish a version of the charter."))


def can_sign_charter(user: Any) -> bool:
    return bool(is_member(user))


def check_can_sign_charter(user: Any) -> None:
    if not can_sign_charter(user):
        raise NotAllowed(_("Only members whose adhesion is validated can sign the charter."))


def can_view_signature(user: Any, signature: CharterSignature) -> bool:
    return _is(person_of_user(user), signature.person_id) or bool(is_steward(user))


def check_can_view_signature(user: Any, signature: CharterSignature) -> None:
    if not can_view_signature(user, signature):
        raise NotAllowed(_("Only the signatory and the stewards can see this signature."))


# ---------------------------------------------------------------- circle


def can_view_circle(user: Any) -> bool:
    return bool(is_member(user))


def check_can_view_circle(user: Any) -> None:
    if not can_view_circle(user):
        raise NotAllowed(_("The list of circle members is open to members of the network."))


def check_can_join_circle(user: Any) -> None:
    """Membership of the network is a permission; the other conditions are states."""
    if not is_member(user):
        raise NotAllowed(_("Only members whose adhesion is validated can join the circle."))


# ---------------------------------------------------------------- engagement follow-up


def can_follow_engagements(user: Any) -> bool:
    return bool(is_steward(user))


def check_can_follow_engagements(user: Any) -> None:
    if not can_follow_engagements(user):
        raise NotAllowed(_("Only stewards follow the engagements of circle members."))


def can_record_evidence(user: Any, check: EngagementCheck) -> bool:
    return _is(person_of_user(user), check.person_id)


def check_can_record_evidence(user: Any, check: EngagementCheck) -> None:
    if not can_record_evidence(user, check):
        raise NotAllowed(_("Only the member concerned can record evidence for this engagement."))


def can_review_check(user: Any, check: EngagementCheck) -> bool:
    # A steward's own engagements are reviewed by another steward.
    return bool(is_steward(user)) and not _is(person_of_user(user), check.person_id)


def check_can_review_check(user: Any, check: EngagementCheck) -> None:
    if not can_review_check(user, check):
        raise NotAllowed(
            _("Only a steward other than the member concerned can review this engagement.")
        )


# ---------------------------------------------------------------- regulation


def can_raise_concern(user: Any, person: Person | None = None) -> bool:
    if not is_contributor(user):
        return False
    return person is None or not _is(person_of_user(user), person.pk)


def check_can_raise_concern(user: Any, person: Person | None = None) -> None:
    if not is_contributor(user):
        raise NotAllowed(_("Only contributors and stewards can raise a concern."))
    if person is not None and _is(person_of_user(user), person.pk):
        raise NotAllowed(_("You cannot raise a concern about yourself."))


def can_view_case(user: Any, case: RegulationCase) -> bool:
    me = person_of_user(user)
    return _is(me, case.person_id) or _is(me, case.raised_by_id) or bool(is_steward(user))


def check_can_view_case(user: Any, case: RegulationCase) -> None:
    if not can_view_case(user, case):
        raise NotAllowed(
            _("Only stewards, the member concerned and who raised it can see this case.")
        )


def can_hear_case(user: Any, case: RegulationCase) -> bool:
    return bool(is_steward(user)) and not _is(person_of_user(user), case.person_id)


def check_can_hear_case(user: Any, case: RegulationCase) -> None:
    if not can_hear_case(user, case):
        raise NotAllowed(
            _("Only a steward other than the member concerned can record the hearing.")
        )


def can_decide_case(user: Any, case: RegulationCase) -> bool:
    me = person_of_user(user)
    return bool(is_steward(user)) and not _is(me, case.person_id) and not _is(me, case.raised_by_id)


def check_can_decide_case(user: Any, case: RegulationCase) -> None:
    if not can_decide_case(user, case):
        raise NotAllowed(
            _(
                "Only a steward who is neither the member concerned nor the one who raised "
                "the concern can decide this case."
            )
        )
