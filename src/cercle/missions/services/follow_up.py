"""Every write on a mission after its award: start, progress, delivery, documentation, close.

A mission goes awarded → started → delivered → documented → closed (`MISSION_TRANSITIONS`).
Each step stamps its own time, moves `last_update_at`, is journaled for members, and the
start and progress updates count as evidence for the charter's "inform the network"
engagement of the member who posted them. A reminder is scheduled after each start or
update; `services.follow_up_feedback` holds the reminder, the survey and the quality review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.commons.models import Common
from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify, notify_address
from cercle.core.signed_links import make_token
from cercle.core.transitions import check_transition
from cercle.membership.enums import EngagementCheckStatus
from cercle.membership.models import CircleMembership, EngagementCheck
from cercle.missions.enums import MISSION_TRANSITIONS, MissionStatus, UpdateKind
from cercle.missions.models import (
    Mission,
    MissionCommonsUse,
    MissionDocumentation,
    MissionUpdate,
    SatisfactionSurvey,
)
from cercle.missions.policies.follow_up import (
    check_can_close,
    check_can_deliver,
    check_can_document,
    check_can_post_update,
    check_can_start,
    team_person_ids,
)
from cercle.network.models import Person
from cercle.network.services import person_of

# The charter's engagement that start and progress updates prove.
INFORM_NETWORK = "inform-network"
SURVEY_PURPOSE = "mission-survey"
SURVEY_DAYS = 60
TEXT_MAX = 10_000

# The timestamp each state stamps when it is reached.
STATUS_STAMP = {
    MissionStatus.STARTED: "started_at",
    MissionStatus.DELIVERED: "delivered_at",
    MissionStatus.DOCUMENTED: "documented_at",
    MissionStatus.CLOSED: "closed_at",
}


# ---------------------------------------------------------------- helpers


def _clean_text(value: str | None, field: str = "text") -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > TEXT_MAX:
        raise ValidationError({field: [_("Keep it under %(max)d characters.") % {"max": TEXT_MAX}]})
    if "\x00" in text:
        raise ValidationError({field: [_("Null characters are not allowed.")]})
    return text


def _locked(mission: Mission) -> Mission:
    locked = (
        Mission.objects.select_for_update(of=("self",))
        .select_related("request", "lead__user")
        .get(pk=mission.pk)
    )
    # Keep what the policy already computed about the team.
    if hasattr(mission, "_team_person_ids"):
        locked._team_person_ids = mission._team_person_ids  # type: ignore[attr-defined]
    return locked


def _move(mission: Mission, target: MissionStatus, now: datetime) -> list[str]:
    """Check the table, set the status and its timestamp; return the fields changed."""
    check_transition(MISSION_TRANSITIONS, MissionStatus(mission.status), target)
    mission.status = target
    setattr(mission, STATUS_STAMP[target], now)
    mission.last_update_at = now
    return ["status", STATUS_STAMP[target], "last_update_at"]


def _post(mission: Mission, author: Person, kind: str, text: str) -> MissionUpdate:
    update = MissionUpdate(mission=mission, author=author, kind=kind, text=text)
    update.full_clean()
    update.save()
    return update


def _record_charter_evidence(actor: User, person: Person, update: MissionUpdate) -> None:
    """The update proves the "inform the network" engagement for this year, when the
    person is in the circle and a check exists that no steward has confirmed yet."""
    from cercle.membership.selectors.circle import current_year
    from cercle.membership.services.circle import (
        engagement_check_record_evidence,
        engagement_checks_ensure,
    )

    if not CircleMembership.objects.filter(person=person, ended_at__isnull=True).exists():
        return
    year = current_year()
    engagement_checks_ensure(person=person, year=year)
    check = EngagementCheck.objects.filter(
        person=person, year=year, engagement_code=INFORM_NETWORK
    ).first()
    if check is None or check.status == EngagementCheckStatus.DONE:
        return
    line = _("Mission “%(title)s”: %(kind)s update on %(date)s.") % {
        "title": update.mission.request.title,
        "kind": update.get_kind_display(),
        "date": timezone.localdate().isoformat(),
    }
    note = f"{check.evidence_note}\n{line}".strip() if check.evidence_note else line
    engagement_check_record_evidence(
        actor=actor,
        check=check,
        evidence_url=check.evidence_url,
        evidence_note=note,
        evidence_object_type="missions.missionupdate",
        evidence_object_id=str(update.uuid),
    )


def _schedule_reminder(mission: Mission) -> None:
    """After commit, a task checks in six weeks whether the team went silent.

    Backends that cannot defer (the immediate one, in tests) skip it: the
    `remind_silent_missions` sweep catches what a lost or skipped task would miss.
    """
    from django_tasks import default_task_backend

    from cercle.missions.services.follow_up_feedback import SILENCE
    from cercle.missions.tasks_follow_up import remind_if_silent

    if mission.last_update_at is None:
        return
    run_after = mission.last_update_at + SILENCE
    args = (str(mission.uuid), mission.last_update_at.isoformat())

    def enqueue() -> None:
        if default_task_backend.supports_defer:
            remind_if_silent.using(run_after=run_after).enqueue(*args)

    transaction.on_commit(enqueue)


def _circle_users_except(mission: Mission) -> list[User]:
    team = team_person_ids(mission)
    people = (
        # Exists: `circle_memberships__ended_at__isnull=True` is a LEFT JOIN that is also
        # true for people never in the circle.
        Person.objects.filter(
            Exists(CircleMembership.objects.filter(person=OuterRef("pk"), ended_at__isnull=True))
        )
        .exclude(pk__in=team)
        .select_related("user")
        .distinct()
    )
    return [p.user for p in people]


def _team_users(mission: Mission) -> list[User]:
    people = Person.objects.filter(pk__in=team_person_ids(mission)).select_related("user")
    return [p.user for p in people]


# ---------------------------------------------------------------- the states


def mission_start(*, actor: User, mission: Mission, text: str) -> Mission:
    """A member of the team says the mission has started; the circle is told."""
    check_can_start(actor, mission)
    text = _clean_text(text)
    author = person_of(actor)
    now = timezone.now()
    with transaction.atomic():
        mission = _locked(mission)
        fields = _move(mission, MissionStatus.STARTED, now)
        mission.full_clean()
        mission.save(update_fields=fields)
        update = _post(mission, author, UpdateKind.START, text)
        _record_charter_evidence(actor, author, update)
        journal.record(
            actor=actor,
            verb="mission.started",
            obj=mission,
            payload={"update": str(update.uuid)},
            visibility=Visibility.MEMBERS,
        )
        notify(
            kind=NotificationKind.MISSION,
            url=mission.get_absolute_url(),
            users=_circle_users_except(mission),
            subject=gettext_lazy("A mission of the circle has started"),
            template="missions/email/follow_up_started.txt",
            context={
                "title": mission.request.title,
                "author": author.full_name,
                "url": mission.get_absolute_url(),
            },
        )
        _schedule_reminder(mission)
    return mission


def mission_update_post(*, actor: User, mission: Mission, text: str) -> MissionUpdate:
    """A member of the team tells the circle how the running mission goes."""
    check_can_post_update(actor, mission)
    text = _clean_text(text)
    author = person_of(actor)
    now = timezone.now()
    with transaction.atomic():
        mission = _locked(mission)
        if mission.status != MissionStatus.STARTED:
            raise Conflict(_("Progress updates are posted while the mission is running."))
        update = _post(mission, author, UpdateKind.PROGRESS, text)
        mission.last_update_at = now
        mission.save(update_fields=["last_update_at"])
        _record_charter_evidence(actor, author, update)
        journal.record(
            actor=actor,
            verb="mission.updated",
            obj=mission,
            payload={"update": str(update.uuid)},
            visibility=Visibility.MEMBERS,
        )
        _schedule_reminder(mission)
    return update


def survey_token(mission: Mission) -> str:
    return make_token(SURVEY_PURPOSE, str(mission.uuid))


def survey_url(mission: Mission) -> str:
    return reverse(
        "missions:mission_survey", kwargs={"uuid": mission.uuid, "token": survey_token(mission)}
    )


def mission_deliver(*, actor: User, mission: Mission, text: str) -> Mission:
    """The lead declares the delivery; the client receives the satisfaction survey."""
    check_can_deliver(actor, mission)
    text = _clean_text(text)
    author = person_of(actor)
    now = timezone.now()
    with transaction.atomic():
        mission = _locked(mission)
        fields = _move(mission, MissionStatus.DELIVERED, now)
        mission.full_clean()
        mission.save(update_fields=fields)
        update = _post(mission, author, UpdateKind.DELIVERY, text)
        _survey, _created = SatisfactionSurvey.objects.get_or_create(
            mission=mission, defaults={"sent_at": now}
        )
        journal.record(
            actor=actor,
            verb="mission.delivered",
            obj=mission,
            payload={"update": str(update.uuid), "survey_sent": True},
            visibility=Visibility.MEMBERS,
        )
        if mission.request.contact_email:
            notify_address(
                to=mission.request.contact_email,
                subject=gettext_lazy("How did the support mission go?"),
                template="missions/email/follow_up_survey.txt",
                context={
                    "title": mission.request.title,
                    "contact_name": mission.request.contact_name,
                    "url": survey_url(mission),
                    "days": SURVEY_DAYS,
                },
            )
    return mission


@dataclass(frozen=True)
class CommonsUseInput:
    common: Common
    how_used: str
    given_back: str = ""


RESOURCE_FIELDS = (
    "social_link",
    "community_primacy",
    "pooling",
    "territorial_impact",
    "resources_produced",
)


def _clean_links(value: str | None) -> str:
    """One link a line; every line must be a web address."""
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    check = URLValidator(schemes=["http", "https"])
    for line in lines:
        try:
            check(line)
        except ValidationError:
            raise ValidationError(
                {
                    "resources_links": [
                        _("“%(line)s” is not a web address (one link a line).") % {"line": line}
                    ]
                }
            ) from None
    return "\n".join(lines)


def _clean_uses(uses: list[CommonsUseInput]) -> list[CommonsUseInput]:
    seen: set[int] = set()
    cleaned = []
    for use in uses:
        if use.common.pk in seen:
            raise ValidationError(
                {
                    "commons_used": [
                        _("“%(name)s” is listed twice.") % {"name": use.common.name},
                    ]
                }
            )
        seen.add(use.common.pk)
        how = (use.how_used or "").strip()
        if not how:
            raise ValidationError(
                {
                    "commons_used": [
                        _("Say how “%(name)s” was used.") % {"name": use.common.name},
                    ]
                }
            )
        cleaned.append(CommonsUseInput(use.common, how, (use.given_back or "").strip()))
    return cleaned


def mission_document(
    *,
    actor: User,
    mission: Mission,
    social_link: str,
    community_primacy: str,
    pooling: str,
    territorial_impact: str,
    resources_produced: str,
    resources_links: str = "",
    commons_used: list[CommonsUseInput] | None = None,
) -> Mission:
    """The lead documents the delivered mission against the four objectives of a
    tiers-lieu, with what it produced and shared and the commons it used."""
    check_can_document(actor, mission)
    values = {
        "social_link": social_link,
        "community_primacy": community_primacy,
        "pooling": pooling,
        "territorial_impact": territorial_impact,
        "resources_produced": resources_produced,
    }
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for field, value in values.items():
        try:
            cleaned[field] = _clean_text(value, field)
        except ValidationError as error:
            errors.update(error.message_dict)
    try:
        links = _clean_links(resources_links)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        uses = _clean_uses(list(commons_used or []))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    author = person_of(actor)
    now = timezone.now()
    with transaction.atomic():
        mission = _locked(mission)
        fields = _move(mission, MissionStatus.DOCUMENTED, now)
        documentation = MissionDocumentation(
            mission=mission, resources_links=links, written_by=author, **cleaned
        )
        documentation.full_clean()
        documentation.save()
        MissionCommonsUse.objects.bulk_create(
            MissionCommonsUse(
                mission=mission, common=u.common, how_used=u.how_used, given_back=u.given_back
            )
            for u in uses
        )
        mission.full_clean()
        mission.save(update_fields=fields)
        journal.record(
            actor=actor,
            verb="mission.documented",
            obj=mission,
            payload={"commons": [u.common.slug for u in uses]},
            visibility=Visibility.MEMBERS,
        )
    return mission


def mission_close(*, actor: User, mission: Mission) -> Mission:
    """A steward outside the team closes the documented mission."""
    check_can_close(actor, mission)
    now = timezone.now()
    with transaction.atomic():
        mission = _locked(mission)
        fields = _move(mission, MissionStatus.CLOSED, now)
        mission.full_clean()
        mission.save(update_fields=fields)
        journal.record(
            actor=actor, verb="mission.closed", obj=mission, visibility=Visibility.MEMBERS
        )
        notify(
            kind=NotificationKind.MISSION,
            url=mission.get_absolute_url(),
            users=_team_users(mission),
            subject=gettext_lazy("Your mission is closed"),
            template="missions/email/follow_up_closed.txt",
            context={"title": mission.request.title, "url": mission.get_absolute_url()},
        )
    return mission
