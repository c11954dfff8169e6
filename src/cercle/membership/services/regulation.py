"""Every write on regulation: a concern is raised, the member is heard, stewards decide.

Each step goes through `REGULATION_TRANSITIONS` and into the journal (members-only;
the concern and the hearing notes stay out of it, with the people involved). An
exclusion ends the person's period in the circle; they cannot join it again.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.core.transitions import check_transition
from cercle.membership.enums import (
    REGULATION_TRANSITIONS,
    CircleEndReason,
    RegulationDecision,
    RegulationStatus,
)
from cercle.membership.models import CircleMembership, RegulationCase
from cercle.membership.policies.charter import (
    check_can_decide_case,
    check_can_hear_case,
    check_can_raise_concern,
)
from cercle.membership.selectors.circle import regulation_open_case_exists
from cercle.membership.services.circle import circle_membership_end
from cercle.network.models import Person
from cercle.network.services import person_of

_person = person_of


def _locked(case: RegulationCase) -> RegulationCase:
    return RegulationCase.objects.select_related("person__user").select_for_update().get(pk=case.pk)


def regulation_case_raise(*, actor: User, person: Person, concern: str) -> RegulationCase:
    """A contributor or a steward raises a concern about another circle member."""
    check_can_raise_concern(actor, person)
    raiser = _person(actor)
    concern = (concern or "").strip()
    if not concern:
        raise ValidationError({"concern": [_("Describe what the concern is about.")]})
    if not CircleMembership.objects.filter(person=person, ended_at__isnull=True).exists():
        raise ValidationError({"person": [_("This person is not in the circle.")]})
    if regulation_open_case_exists(person=person):
        raise Conflict(
            _("A case about this person is already open: add to it when they are heard.")
        )
    with transaction.atomic():
        case = RegulationCase(person=person, raised_by=raiser, concern=concern)
        case.full_clean()
        case.save()
        journal.record(
            actor=actor,
            verb="regulation.raised",
            obj=case,
            visibility=Visibility.MEMBERS,
            subject=person.user,
        )
        notify(
            kind=NotificationKind.ADHESION,
            url=case.get_absolute_url(),
            users=[person.user],
            subject=gettext_lazy("A concern was raised about your engagements in the circle"),
            template="membership/email/charter_regulation_raised.txt",
            context={"url": case.get_absolute_url()},
        )
    return case


def regulation_case_hear(*, actor: User, case: RegulationCase, notes: str) -> RegulationCase:
    """A steward records what the member concerned said."""
    check_can_hear_case(actor, case)
    notes = (notes or "").strip()
    with transaction.atomic():
        case = _locked(case)
        check_transition(REGULATION_TRANSITIONS, case.status, RegulationStatus.HEARING)
        if not notes:
            raise ValidationError({"notes": [_("Write down what the member said.")]})
        case.status = RegulationStatus.HEARING
        case.hearing_notes = notes
        case.heard_at = timezone.now()
        case.full_clean()
        case.save()
        journal.record(
            actor=actor,
            verb="regulation.heard",
            obj=case,
            visibility=Visibility.MEMBERS,
            subject=case.person.user,
        )
    return case


def regulation_case_decide(
    *, actor: User, case: RegulationCase, decision: str, reason: str
) -> RegulationCase:
    """A steward (neither the person concerned nor who raised it) decides, with reasons.

    An exclusion ends the person's current period in the circle (reason "excluded").
    """
    check_can_decide_case(actor, case)
    decider = _person(actor)
    reason = (reason or "").strip()
    with transaction.atomic():
        case = _locked(case)
        check_transition(REGULATION_TRANSITIONS, case.status, RegulationStatus.DECIDED)
        errors: dict[str, list[str]] = {}
        if decision not in RegulationDecision.values:
            errors["decision"] = [_("Select a valid decision.")]
        if not reason:
            errors["reason"] = [_("Give the reasons for the decision.")]
        if errors:
            raise ValidationError(errors)
        case.status = RegulationStatus.DECIDED
        case.decision = decision
        case.decision_reason = reason
        case.decided_by = decider
        case.decided_at = timezone.now()
        case.full_clean()
        case.save()
        journal.record(
            actor=actor,
            verb="regulation.decided",
            obj=case,
            payload={"decision": decision},
            visibility=Visibility.MEMBERS,
            subject=case.person.user,
        )
        if decision == RegulationDecision.EXCLUDE:
            membership = CircleMembership.objects.filter(
                person=case.person, ended_at__isnull=True
            ).first()
            if membership is not None:
                circle_membership_end(
                    actor=actor, membership=membership, reason=CircleEndReason.EXCLUDED
                )
        notify(
            kind=NotificationKind.ADHESION,
            url=reverse("membership:regulation_detail", kwargs={"case_id": case.uuid}),
            users=[case.person.user],
            subject=gettext_lazy("A decision was taken on the concern about your engagements"),
            template="membership/email/charter_regulation_decided.txt",
            context={
                "decision": decision,
                "url": reverse("membership:regulation_detail", kwargs={"case_id": case.uuid}),
            },
        )
    return case
