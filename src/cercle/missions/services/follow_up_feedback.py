"""Feedback on missions: the reminder when a team goes silent, the client's satisfaction
survey, and the stewards' yearly quality review (which can open regulation)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import ApplicationError, Conflict, NotAllowed
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.core.signed_links import read_token
from cercle.membership.enums import RegulationStatus
from cercle.membership.models import RegulationCase
from cercle.missions.enums import MissionStatus, ReviewFinding
from cercle.missions.models import Mission, QualityReview, SatisfactionSurvey
from cercle.missions.policies.follow_up import check_can_review_quality
from cercle.missions.services.follow_up import (
    SURVEY_DAYS,
    SURVEY_PURPOSE,
    _clean_text,
    _team_users,
)
from cercle.network.services import person_of

# A running mission without an update for this long gets a reminder.
SILENCE = timedelta(weeks=6)


# ---------------------------------------------------------------- reminders


def _remind(mission: Mission, now: datetime) -> None:
    mission.reminded_at = now
    mission.save(update_fields=["reminded_at"])
    journal.record(
        actor=None,
        verb="mission.reminded",
        obj=mission,
        payload={"last_update_at": mission.last_update_at},
        visibility=Visibility.MEMBERS,
    )
    notify(
        kind=NotificationKind.MISSION,
        url=mission.get_absolute_url(),
        users=_team_users(mission),
        subject=gettext_lazy("Your mission has had no update for six weeks"),
        template="missions/email/follow_up_reminder.txt",
        context={
            "title": mission.request.title,
            "url": mission.get_absolute_url(),
            "weeks": SILENCE.days // 7,
        },
    )


def _is_silent(mission: Mission, now: datetime) -> bool:
    last = mission.last_update_at
    if mission.status != MissionStatus.STARTED or last is None or now - last < SILENCE:
        return False
    reminded = mission.reminded_at
    # Not reminded of this silence yet, or reminded long enough ago to say it again.
    return reminded is None or reminded < last or now - reminded >= SILENCE


def mission_remind_if_silent(
    *, mission_uuid: str | UUID, expected_last_update_iso: str, now: datetime | None = None
) -> bool:
    """The deferred check: remind the team unless someone posted since it was scheduled.

    Each update schedules its own check, so a check whose update was followed by another
    one does nothing. Returns whether a reminder went out.
    """
    now = now or timezone.now()
    expected = parse_datetime(expected_last_update_iso or "")
    with transaction.atomic():
        mission = (
            Mission.objects.select_for_update(of=("self",))
            .select_related("request")
            .filter(uuid=mission_uuid)
            .first()
        )
        if mission is None or expected is None or mission.last_update_at != expected:
            return False
        if not _is_silent(mission, now):
            return False
        _remind(mission, now)
    return True


def missions_remind_silent(*, now: datetime | None = None) -> int:
    """The sweep (`manage.py remind_silent_missions`): remind every silent running
    mission, so a lost task does not lose its reminder. Running it twice reminds once."""
    now = now or timezone.now()
    limit = now - SILENCE
    candidates = Mission.objects.filter(
        status=MissionStatus.STARTED, last_update_at__lte=limit
    ).filter(
        Q(reminded_at__isnull=True)
        | Q(reminded_at__lt=F("last_update_at"))
        | Q(reminded_at__lte=limit)
    )
    count = 0
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            mission = (
                Mission.objects.select_for_update(of=("self",)).select_related("request").get(pk=pk)
            )
            if _is_silent(mission, now):
                _remind(mission, now)
                count += 1
    return count


# ---------------------------------------------------------------- satisfaction survey


def survey_for_token(*, mission: Mission, token: str) -> SatisfactionSurvey:
    """The survey a valid link opens; `NotAllowed` for a wrong or expired link."""
    read_token(token, SURVEY_PURPOSE, str(mission.uuid), max_age_days=SURVEY_DAYS)
    survey = SatisfactionSurvey.objects.filter(mission=mission).first()
    if survey is None:
        raise NotAllowed(_("This link is not valid."))
    return survey


def _mark(value: Any, field: str) -> int:
    try:
        mark = int(value)
    except (TypeError, ValueError):
        mark = 0
    if isinstance(value, bool) or not 1 <= mark <= 5 or str(mark) != str(value).strip():
        raise ValidationError({field: [_("Choose a mark from 1 to 5.")]})
    return mark


def satisfaction_survey_answer(
    *,
    mission: Mission,
    token: str,
    overall: Any,
    objectives_met: Any,
    would_recommend: Any,
    comment: str = "",
) -> SatisfactionSurvey:
    """The client answers through the signed link, once."""
    survey = survey_for_token(mission=mission, token=token)
    if survey.answered_at is not None:
        raise Conflict(_("This questionnaire has already been answered. Thank you!"))
    errors: dict[str, list[str]] = {}
    marks: dict[str, int] = {}
    for field, value in (("overall", overall), ("objectives_met", objectives_met)):
        try:
            marks[field] = _mark(value, field)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not isinstance(would_recommend, bool):
        errors["would_recommend"] = [_("Say whether you would recommend the network.")]
    comment = (comment or "").strip()
    if len(comment) > 5000 or "\x00" in comment:
        errors["comment"] = [_("Keep the comment under 5,000 plain characters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        survey = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
        if survey.answered_at is not None:
            raise Conflict(_("This questionnaire has already been answered. Thank you!"))
        survey.overall = marks["overall"]
        survey.objectives_met = marks["objectives_met"]
        survey.would_recommend = would_recommend
        survey.comment = comment
        survey.answered_at = timezone.now()
        survey.full_clean()
        survey.save()
        # The answers themselves stay with the stewards and the team.
        journal.record(
            actor=None,
            verb="mission.survey_answered",
            obj=mission,
            visibility=Visibility.MEMBERS,
        )
    return survey


# ---------------------------------------------------------------- quality review


def quality_review_years(now: datetime | None = None) -> range:
    current = timezone.localdate(now).year if now else timezone.localdate().year
    return range(2000, current + 1)


def in_review_year(mission: Mission, year: int) -> bool:
    """A mission is reviewed for a year it was awarded, delivered or documented in."""
    stamps = (mission.awarded_at, mission.delivered_at, mission.documented_at)
    return any(s is not None and timezone.localtime(s).year == year for s in stamps)


def _open_case_for(mission: Mission, actor: User, concern: str) -> RegulationCase:
    """Open regulation about the lead, or join the case already open about them."""
    from cercle.membership.services.regulation import regulation_case_raise

    existing = (
        RegulationCase.objects.filter(person=mission.lead)
        .exclude(status=RegulationStatus.DECIDED)
        .first()
    )
    if existing is not None:
        return existing
    try:
        return regulation_case_raise(actor=actor, person=mission.lead, concern=concern)
    except ValidationError as error:
        messages = [m for msgs in error.message_dict.values() for m in msgs]
        raise ValidationError({"open_regulation": messages}) from error
    except ApplicationError as error:
        raise ValidationError({"open_regulation": [error.message]}) from error


def quality_review_record(
    *,
    actor: User,
    mission: Mission,
    year: int,
    finding: str,
    note: str,
    open_regulation: bool = False,
) -> QualityReview:
    """A steward's finding on a mission for a year; a concern may open regulation."""
    check_can_review_quality(actor, mission)
    errors: dict[str, list[str]] = {}
    if year not in quality_review_years():
        errors["year"] = [_("Choose a year that has begun.")]
    elif not in_review_year(mission, year):
        errors["year"] = [_("This mission was not awarded, delivered or documented that year.")]
    if finding not in ReviewFinding.values:
        errors["finding"] = [_("Select a valid choice.")]
    try:
        note = _clean_text(note, "note")
    except ValidationError as error:
        errors.update(error.message_dict)
    if open_regulation and finding != ReviewFinding.CONCERN:
        errors["open_regulation"] = [_("Regulation is opened only for a concern.")]
    if errors:
        raise ValidationError(errors)
    reviewer = person_of(actor)
    with transaction.atomic():
        Mission.objects.select_for_update().filter(pk=mission.pk).first()
        if QualityReview.objects.filter(mission=mission, year=year).exists():
            raise Conflict(_("This mission has already been reviewed for that year."))
        case = None
        if open_regulation:
            concern = _("Quality review %(year)d of the mission “%(title)s”: %(note)s") % {
                "year": year,
                "title": mission.request.title,
                "note": note,
            }
            case = _open_case_for(mission, actor, concern)
        review = QualityReview(
            mission=mission,
            year=year,
            finding=finding,
            note=note,
            reviewed_by=reviewer,
            regulation_case=case,
        )
        review.full_clean(validate_constraints=False)
        review.save()
        journal.record(
            actor=actor,
            verb="mission.quality_reviewed",
            obj=mission,
            payload={"year": year, "finding": finding, "regulation": case is not None},
            visibility=Visibility.PRIVATE,
            subject=mission.lead.user,
        )
    return review
