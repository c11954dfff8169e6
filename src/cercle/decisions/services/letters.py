"""Every write on support letters up to the review: the request, the reviewer, the
review (which opens the network's decision), withdrawal.

The decision itself (the proposal's closing, the PDF, the holder's invitation) is in
`letters_decision.py`; the reading criteria in `letters_criteria.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.core.transitions import check_transition
from cercle.core.uploads import check_upload
from cercle.decisions.enums import (
    LETTER_TRANSITIONS,
    CriterionAssessment,
    GroupKind,
    LetterStatus,
)
from cercle.decisions.models import (
    Group,
    LetterAssessment,
    ReadingCriterion,
    SupportLetterRequest,
)
from cercle.decisions.policies.letters import (
    check_can_appoint_reviewer,
    check_can_request_letter,
    check_can_review_letter,
    check_can_withdraw_letter,
    person_can_review,
)
from cercle.missions.conflicts import organization_conflict_reasons
from cercle.network.enums import ActorType, EngagementLevel
from cercle.network.models import Organization, Person
from cercle.network.services import person_of

DOSSIER_KINDS = frozenset({"pdf", "odt", "docx"})
# A call must leave the network time to read, review and decide.
MIN_NOTICE = timedelta(days=3)
# The network's vote may last a year at most (the proposals' limit).
MAX_NOTICE = timedelta(days=365)
OPEN_STATUSES = (LetterStatus.SUBMITTED, LetterStatus.IN_REVIEW)


def _stewards() -> list[User]:
    return list(
        User.objects.filter(person__engagement_level=EngagementLevel.SOUCIEUX, is_active=True)
    )


def _letter_url(letter: SupportLetterRequest) -> str:
    return letter.get_absolute_url()


def association_group() -> Group | None:
    """The group where the network decides on letters: the association's."""
    return Group.objects.filter(kind=GroupKind.ASSOCIATION).order_by("created_at", "pk").first()


def check_association_group() -> Group:
    group = association_group()
    if group is None:
        raise Conflict(
            _(
                "The association has no decision group yet: a steward must create the group "
                "of kind “The association” before the network can decide on support letters."
            )
        )
    return group


def letter_conflict_reasons(person: Person, letter: SupportLetterRequest) -> list[str]:
    """Why `person` may not review `letter`: tied to the holder or an operator, or the
    requester. The same wording as the circle's conflicts."""
    reasons: list[str] = []
    if person.pk == letter.requested_by_id:
        reasons.append(_("asked for this letter"))
    organizations = [letter.holder, *letter.operators.all()]
    reasons += organization_conflict_reasons(person, organizations)
    return reasons


# ---------------------------------------------------------------- the request


def _clean_request_fields(
    *,
    person: Person,
    is_steward: bool,
    project_name: str,
    project_summary: str,
    holder: Organization | None,
    call_name: str,
    call_url: str,
    call_deadline: datetime | None,
    operators: Sequence[Organization],
    contact_email: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    required = _("This field is required.")
    if not project_name:
        errors["project_name"] = [required]
    elif not slugify(project_name):
        errors["project_name"] = [_("Give the project a name made of letters or digits.")]
    if not project_summary:
        errors["project_summary"] = [required]
    if not call_name:
        errors["call_name"] = [required]
    if call_url:
        try:
            URLValidator(schemes=["http", "https"])(call_url)
        except ValidationError:
            errors["call_url"] = [_("Enter a valid web address (https://…).")]
    if not contact_email:
        errors["contact_email"] = [required]
    else:
        try:
            EmailValidator()(contact_email)
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid e-mail address.")]
    if call_deadline is None:
        errors["call_deadline"] = [required]
    elif call_deadline <= timezone.now():
        errors["call_deadline"] = [_("The call's deadline must be in the future.")]
    elif call_deadline > timezone.now() + MAX_NOTICE:
        errors["call_deadline"] = [
            _("The call's deadline is more than a year away: ask again closer to it.")
        ]
    elif call_deadline < timezone.now() + MIN_NOTICE:
        errors["call_deadline"] = [
            _(
                "The call's deadline is too close: the network needs at least three days "
                "to review the dossier and decide."
            )
        ]
    if holder is None:
        errors["holder"] = [required]
    elif holder.actor_type == ActorType.PRESTATAIRE:
        errors["holder"] = [
            _(
                "A service provider cannot hold the project: the association supports "
                "projects, never their operators."
            )
        ]
    elif any(o.pk == holder.pk for o in operators):
        errors["operators"] = [
            _(
                "The project holder cannot also be listed among the operators: the "
                "association supports projects, never their operators."
            )
        ]
    elif not is_steward and not holder.memberships.filter(person=person).exists():
        errors["holder"] = [_("You can ask for a letter only for an organization you belong to.")]
    return errors


def _duplicate_error() -> ValidationError:
    return ValidationError(
        {
            "project_name": [
                _(
                    "This organization already asked for a letter for this project: one "
                    "letter per project."
                )
            ]
        }
    )


def letter_request_create(
    *,
    actor: User,
    project_name: str,
    project_summary: str,
    holder: Organization | None,
    call_name: str,
    call_deadline: datetime | None,
    dossier: Any,
    contact_email: str,
    call_url: str = "",
    operators: Iterable[Organization] = (),
) -> SupportLetterRequest:
    """A project asks for the association's backing. The holder is the organization
    carrying the project (never a provider); one letter per project and holder."""
    check_can_request_letter(actor)
    person = person_of(actor)
    is_steward = person.engagement_level == EngagementLevel.SOUCIEUX
    operators = list({o.pk: o for o in operators}.values())
    project_name = (project_name or "").strip()
    errors = _clean_request_fields(
        person=person,
        is_steward=is_steward,
        project_name=project_name,
        project_summary=(project_summary or "").strip(),
        holder=holder,
        call_name=(call_name or "").strip(),
        call_url=(call_url or "").strip(),
        call_deadline=call_deadline,
        operators=operators,
        contact_email=(contact_email or "").strip(),
    )
    checked = None
    if dossier is None:
        errors["dossier"] = [_("Attach the dossier (PDF, ODT or DOCX).")]
    else:
        try:
            checked = check_upload(dossier, field="dossier", kinds=DOSSIER_KINDS)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    assert holder is not None
    assert checked is not None
    assert call_deadline is not None
    letter = SupportLetterRequest(
        project_name=project_name,
        project_key=slugify(project_name)[:200],
        project_summary=project_summary.strip(),
        holder=holder,
        call_name=call_name.strip(),
        call_url=(call_url or "").strip(),
        call_deadline=call_deadline,
        requested_by=person,
        contact_email=contact_email.strip(),
    )
    live = SupportLetterRequest.objects.filter(
        holder=holder, project_key=letter.project_key
    ).exclude(status__in=[LetterStatus.REFUSED, LetterStatus.WITHDRAWN])
    if live.exists():
        raise _duplicate_error()
    letter.dossier.name = "pending"  # full_clean needs a value; the file is saved below
    letter.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            letter.dossier.save(f"dossier.{checked.kind}", dossier, save=False)
            letter.save()
            letter.operators.set(operators)
            journal.record(
                actor=actor,
                verb="letter.requested",
                obj=letter,
                payload={
                    "holder": str(holder.uuid),
                    "call": letter.call_name,
                    "deadline": letter.call_deadline.isoformat(),
                    "operators": [str(o.uuid) for o in operators],
                },
                visibility=Visibility.MEMBERS,
            )
            notify(
                users=_stewards(),
                kind=NotificationKind.SUPPORT_LETTER,
                subject=gettext_lazy("A project asks for a support letter"),
                template="decisions/email/letters_requested.txt",
                context={
                    "project": letter.project_name,
                    "holder": holder.name,
                    "call": letter.call_name,
                    "url": _letter_url(letter),
                },
                url=_letter_url(letter),
            )
    except IntegrityError as error:
        # Two requests for the same project at once: the constraint keeps one.
        raise _duplicate_error() from error
    return letter


# ---------------------------------------------------------------- the reviewer


def _check_before_deadline(letter: SupportLetterRequest) -> None:
    if timezone.now() >= letter.call_deadline:
        raise Conflict(_("The call's deadline has passed: the network can no longer decide."))


def letter_reviewer_appoint(
    *, actor: User, letter: SupportLetterRequest, person: Person | None
) -> SupportLetterRequest:
    """A steward appoints the reviewer: a contributor or a steward with no tie to the
    holder or the operators, who did not ask for the letter. Re-appointing replaces
    the reviewer as long as the review is not submitted."""
    check_can_appoint_reviewer(actor, letter)
    if letter.status not in OPEN_STATUSES:
        raise Conflict(_("This request is no longer waiting for a review."))
    _check_before_deadline(letter)
    check_association_group()
    if person is None:
        raise ValidationError({"person": [_("Nobody has this identifier.")]})
    if not person_can_review(person):
        raise ValidationError(
            {"person": [_("The reviewer must be a contributor or a steward of the network.")]}
        )
    if letter.reviewer_id == person.pk:
        raise ValidationError({"person": [_("This person is already the reviewer.")]})
    reasons = letter_conflict_reasons(person, letter)
    if reasons:
        message = _("%(name)s cannot review this request: %(reasons)s.") % {
            "name": person.full_name,
            "reasons": "; ".join(reasons),
        }
        raise Conflict(message, errors={"person": [message]})
    with transaction.atomic():
        locked = SupportLetterRequest.objects.select_for_update().get(pk=letter.pk)
        if locked.status not in OPEN_STATUSES:
            raise Conflict(_("This request is no longer waiting for a review."))
        if locked.status == LetterStatus.SUBMITTED:
            check_transition(LETTER_TRANSITIONS, locked.status, LetterStatus.IN_REVIEW)
        previous = locked.reviewer_id
        locked.status = LetterStatus.IN_REVIEW
        locked.reviewer = person
        locked.reviewer_appointed_by = person_of(actor)
        locked.save(update_fields=["status", "reviewer", "reviewer_appointed_by"])
        journal.record(
            actor=actor,
            verb="letter.reviewer_appointed",
            obj=locked,
            payload={"reviewer": person.slug, "replaces": previous is not None},
            visibility=Visibility.MEMBERS,
            subject=person.user,
        )
        notify(
            users=[person.user],
            kind=NotificationKind.SUPPORT_LETTER,
            subject=gettext_lazy("You are asked to review a support letter request"),
            template="decisions/email/letters_reviewer.txt",
            context={
                "project": locked.project_name,
                "holder": letter.holder.name,
                "deadline": timezone.localtime(locked.call_deadline).strftime("%d/%m/%Y %H:%M"),
                "url": _letter_url(locked),
            },
            url=_letter_url(locked),
        )
    return locked


# ---------------------------------------------------------------- the review


def _clean_assessments(
    assessments: Mapping[str, Mapping[str, Any]], criteria: Sequence[ReadingCriterion]
) -> tuple[list[LetterAssessment], dict[str, list[str]]]:
    built: list[LetterAssessment] = []
    errors: dict[str, list[str]] = {}
    allowed = set(CriterionAssessment.values)
    for criterion in criteria:
        row = assessments.get(str(criterion.uuid)) or {}
        value = str(row.get("assessment") or "").strip()
        field = f"criterion_{criterion.uuid}"
        if value not in allowed:
            errors[field] = [
                _("Assess the criterion “%(title)s”: met, partly met or not met.")
                % {"title": criterion.title}
            ]
            continue
        built.append(
            LetterAssessment(
                criterion=criterion,
                assessment=value,
                comment=str(row.get("comment") or "").strip(),
            )
        )
    known = {str(c.uuid) for c in criteria}
    unknown = [key for key in assessments if key not in known]
    if unknown:
        errors["assessments"] = [_("Some criteria are unknown or no longer in use.")]
    return built, errors


def letter_review_submit(
    *,
    actor: User,
    letter: SupportLetterRequest,
    assessments: Mapping[str, Mapping[str, Any]],
    summary: str,
) -> SupportLetterRequest:
    """The reviewer reads the dossier against every active criterion (keyed by the
    criterion's uuid: `{"assessment": "met"|"partly"|"not_met", "comment": "…"}`) and
    sums up. The network's consent proposal opens at once; the letter is then decided."""
    from cercle.decisions.services.letters_decision import letter_proposal_open

    check_can_review_letter(actor, letter)
    if letter.status != LetterStatus.IN_REVIEW:
        raise Conflict(_("This request is not waiting for a review."))
    _check_before_deadline(letter)
    group = check_association_group()
    criteria = list(ReadingCriterion.objects.filter(is_active=True).order_by("position", "id"))
    built, errors = _clean_assessments(assessments, criteria)
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = [_("Sum up your reading of the dossier.")]
    if not criteria:
        errors["assessments"] = [_("No reading criterion is in use: ask a steward.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = SupportLetterRequest.objects.select_for_update().get(pk=letter.pk)
        if locked.status != LetterStatus.IN_REVIEW or locked.reviewer_id != letter.reviewer_id:
            raise Conflict(_("This request is not waiting for a review."))
        check_transition(LETTER_TRANSITIONS, locked.status, LetterStatus.IN_DECISION)
        for row in built:
            row.letter = locked
        LetterAssessment.objects.filter(letter=locked).delete()
        LetterAssessment.objects.bulk_create(built)
        locked.review_summary = summary
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["review_summary", "reviewed_at"])
        journal.record(
            actor=actor,
            verb="letter.reviewed",
            obj=locked,
            payload={
                "assessments": {str(r.criterion.uuid): r.assessment for r in built},
            },
            visibility=Visibility.MEMBERS,
        )
        letter_proposal_open(letter=locked, group=group)
    return locked


# ---------------------------------------------------------------- withdrawal


def letter_withdraw(*, actor: User, letter: SupportLetterRequest) -> SupportLetterRequest:
    """The requester (or a steward) withdraws the request before the network decides;
    the project may then ask again."""
    check_can_withdraw_letter(actor, letter)
    with transaction.atomic():
        locked = SupportLetterRequest.objects.select_for_update().get(pk=letter.pk)
        if locked.status not in OPEN_STATUSES:
            raise Conflict(_("Only a request not yet decided by the network can be withdrawn."))
        check_transition(LETTER_TRANSITIONS, locked.status, LetterStatus.WITHDRAWN)
        locked.status = LetterStatus.WITHDRAWN
        locked.save(update_fields=["status"])
        journal.record(
            actor=actor,
            verb="letter.withdrawn",
            obj=locked,
            visibility=Visibility.MEMBERS,
        )
        recipients = _stewards()
        if locked.reviewer is not None:
            recipients.append(locked.reviewer.user)
        notify(
            users={u.pk: u for u in recipients}.values(),
            kind=NotificationKind.SUPPORT_LETTER,
            subject=gettext_lazy("A support letter request was withdrawn"),
            template="decisions/email/letters_withdrawn.txt",
            context={"project": locked.project_name, "url": _letter_url(locked)},
            url=_letter_url(locked),
        )
    return locked
