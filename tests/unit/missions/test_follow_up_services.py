"""Mission follow-up services: states, updates as charter evidence, delivery and survey,
documentation, close, reminders and the quality review."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from cercle.core.errors import Conflict, InvalidTransition, NotAllowed
from cercle.core.models import JournalEntry, Notification
from cercle.membership.enums import EngagementCheckStatus, RegulationStatus
from cercle.membership.models import EngagementCheck, RegulationCase
from cercle.missions.enums import MissionStatus, ReviewFinding, UpdateKind
from cercle.missions.models import (
    Mission,
    MissionCommonsUse,
    MissionDocumentation,
    MissionUpdate,
    OfferCommonsLine,
    QualityReview,
    SatisfactionSurvey,
)
from cercle.missions.services import follow_up as services
from cercle.missions.services import follow_up_feedback as feedback
from cercle.missions.services.follow_up import CommonsUseInput
from tests.factories.core import notified_emails
from tests.factories.membership_charter import RegulationCaseFactory
from tests.factories.missions import CommonFactory, MissionFactory, add_member, consultant
from tests.factories.network import StewardFactory

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


@dataclass
class Setup:
    mission: Mission
    lead: Any
    member: Any
    outsider: Any
    steward: Any


def build_mission(**fields: Any) -> Setup:
    """A mission awarded to a team of two circle members, with an outsider and a steward."""
    mission = MissionFactory(**fields)
    member = consultant()
    add_member(mission.team, member)
    return Setup(mission, mission.lead, member, consultant(), StewardFactory())


def doc_fields(**overrides: Any) -> dict[str, Any]:
    fields = {
        "social_link": "Des habitants se sont rencontrés chaque mois.",
        "community_primacy": "Le collectif a tenu la plume.",
        "pooling": "Un atelier partagé avec la recyclerie.",
        "territorial_impact": "Deux emplois créés sur la commune.",
        "resources_produced": "Un guide de gouvernance.",
        "resources_links": "https://communs.example/guide\n",
    }
    return {**fields, **overrides}


def run_to(s: Setup, target: str) -> Mission:
    mission = s.mission
    if target == MissionStatus.AWARDED:
        return mission
    mission = services.mission_start(actor=s.lead.user, mission=mission, text="C'est parti.")
    if target == MissionStatus.STARTED:
        return mission
    mission = services.mission_deliver(actor=s.lead.user, mission=mission, text="Livré.")
    if target == MissionStatus.DELIVERED:
        return mission
    mission = services.mission_document(actor=s.lead.user, mission=mission, **doc_fields())
    if target == MissionStatus.DOCUMENTED:
        return mission
    return services.mission_close(actor=s.steward.user, mission=mission)


@pytest.fixture
def s() -> Setup:
    return build_mission()


# ---------------------------------------------------------------- start and updates


def test_a_team_member_starts_the_mission(s: Setup) -> None:
    mission = services.mission_start(actor=s.member.user, mission=s.mission, text="Démarrage.")
    assert mission.status == MissionStatus.STARTED
    assert mission.started_at is not None
    assert mission.last_update_at == mission.started_at
    update = MissionUpdate.objects.get()
    assert (update.kind, update.author) == (UpdateKind.START, s.member)
    assert JournalEntry.objects.filter(verb="mission.started", visibility="members").exists()


def test_start_tells_the_circle_but_not_the_team(
    s: Setup, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_start(actor=s.lead.user, mission=s.mission, text="Démarrage.")
    recipients = set(notified_emails())
    assert s.outsider.user.email in recipients
    assert s.lead.user.email not in recipients
    assert s.member.user.email not in recipients


def test_outsiders_and_stewards_cannot_start(s: Setup) -> None:
    for person in (s.outsider, s.steward):
        with pytest.raises(NotAllowed):
            services.mission_start(actor=person.user, mission=s.mission, text="x")
    assert Mission.objects.get().status == MissionStatus.AWARDED
    assert not MissionUpdate.objects.exists()


def test_an_empty_text_is_refused_and_changes_nothing(s: Setup) -> None:
    with pytest.raises(ValidationError) as error:
        services.mission_start(actor=s.lead.user, mission=s.mission, text="   ")
    assert "text" in error.value.message_dict
    assert Mission.objects.get().status == MissionStatus.AWARDED


def test_starting_twice_is_a_conflict(s: Setup) -> None:
    run_to(s, MissionStatus.STARTED)
    with pytest.raises(InvalidTransition):
        services.mission_start(actor=s.lead.user, mission=s.mission, text="Encore.")
    assert MissionUpdate.objects.count() == 1


def test_progress_only_while_started(s: Setup) -> None:
    with pytest.raises(Conflict) as error:
        services.mission_update_post(actor=s.member.user, mission=s.mission, text="Avancée.")
    assert error.value.message == fr("Progress updates are posted while the mission is running.")
    run_to(s, MissionStatus.STARTED)
    update = services.mission_update_post(actor=s.member.user, mission=s.mission, text="Atelier.")
    assert update.kind == UpdateKind.PROGRESS
    assert Mission.objects.get().last_update_at >= update.created_at - datetime.timedelta(seconds=1)


def test_an_invited_member_is_not_on_the_team(s: Setup) -> None:
    invited = consultant()
    add_member(s.mission.team, invited, status="invited")
    with pytest.raises(NotAllowed):
        services.mission_start(actor=invited.user, mission=s.mission, text="x")


# ---------------------------------------------------------------- charter evidence


def test_start_and_progress_are_evidence_of_informing_the_network(s: Setup) -> None:
    services.mission_start(actor=s.member.user, mission=s.mission, text="Démarrage.")
    check = EngagementCheck.objects.get(person=s.member, engagement_code="inform-network")
    start = MissionUpdate.objects.get(kind=UpdateKind.START)
    assert check.evidence_object_type == "missions.missionupdate"
    assert check.evidence_object_id == str(start.uuid)
    progress = services.mission_update_post(actor=s.member.user, mission=s.mission, text="Suite.")
    check.refresh_from_db()
    assert check.evidence_object_id == str(progress.uuid)
    assert check.evidence_note.count("\n") == 1  # one line a update
    assert JournalEntry.objects.filter(verb="engagement.evidence_recorded").count() == 2


def test_a_confirmed_engagement_is_left_alone(s: Setup) -> None:
    year = timezone.localdate().year
    EngagementCheck.objects.create(
        person=s.lead, year=year, engagement_code="inform-network", status="done"
    )
    services.mission_start(actor=s.lead.user, mission=s.mission, text="Démarrage.")
    check = EngagementCheck.objects.get(person=s.lead, engagement_code="inform-network")
    assert check.status == EngagementCheckStatus.DONE
    assert check.evidence_object_id == ""


# ---------------------------------------------------------------- delivery and survey


def test_delivery_sends_the_survey_to_the_client(
    s: Setup, django_capture_on_commit_callbacks: Any
) -> None:
    run_to(s, MissionStatus.STARTED)
    with django_capture_on_commit_callbacks(execute=True):
        mission = services.mission_deliver(actor=s.lead.user, mission=s.mission, text="Livré.")
    assert mission.status == MissionStatus.DELIVERED
    assert mission.delivered_at
    survey = SatisfactionSurvey.objects.get(mission=mission)
    assert survey.answered_at is None
    (message,) = [m for m in mail.outbox if m.to == [mission.request.contact_email]]
    assert f"/missions/{mission.uuid}/satisfaction/" in message.body


def test_only_the_lead_delivers(s: Setup) -> None:
    run_to(s, MissionStatus.STARTED)
    with pytest.raises(NotAllowed):
        services.mission_deliver(actor=s.member.user, mission=s.mission, text="Livré.")
    assert not SatisfactionSurvey.objects.exists()


def answer(mission: Mission, token: str, **overrides: Any) -> SatisfactionSurvey:
    fields: dict[str, Any] = {
        "overall": 5,
        "objectives_met": 4,
        "would_recommend": True,
        "comment": "Très bien.",
    }
    return feedback.satisfaction_survey_answer(
        mission=mission, token=token, **{**fields, **overrides}
    )


def test_the_client_answers_once(s: Setup) -> None:
    mission = run_to(s, MissionStatus.DELIVERED)
    token = services.survey_token(mission)
    survey = answer(mission, token)
    assert (survey.overall, survey.objectives_met, survey.would_recommend) == (5, 4, True)
    with pytest.raises(Conflict):
        answer(mission, token, overall=1)
    assert SatisfactionSurvey.objects.get().overall == 5


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"overall": 0}, "overall"),
        ({"overall": 6}, "overall"),
        ({"objectives_met": "x"}, "objectives_met"),
        ({"overall": True}, "overall"),
        ({"would_recommend": None}, "would_recommend"),
    ],
)
def test_bad_answers_are_refused(s: Setup, overrides: dict[str, Any], field: str) -> None:
    mission = run_to(s, MissionStatus.DELIVERED)
    with pytest.raises(ValidationError) as error:
        answer(mission, services.survey_token(mission), **overrides)
    assert field in error.value.message_dict
    assert SatisfactionSurvey.objects.get().answered_at is None


def test_a_wrong_or_expired_link_is_refused(s: Setup) -> None:
    mission = run_to(s, MissionStatus.DELIVERED)
    other = build_mission().mission
    with pytest.raises(NotAllowed):
        answer(mission, services.survey_token(other))
    with pytest.raises(NotAllowed):
        answer(mission, "nimporte-quoi")
    token = services.survey_token(mission)
    later = timezone.now() + datetime.timedelta(days=61)
    with (
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("time.time", lambda: later.timestamp())
        with pytest.raises(NotAllowed):
            answer(mission, token)
    assert SatisfactionSurvey.objects.get().answered_at is None


# ---------------------------------------------------------------- documentation and close


def test_documentation_records_the_four_objectives_and_the_commons(s: Setup) -> None:
    run_to(s, MissionStatus.DELIVERED)
    wiki, atlas = CommonFactory(), CommonFactory()
    mission = services.mission_document(
        actor=s.lead.user,
        mission=s.mission,
        commons_used=[
            CommonsUseInput(wiki, "Recettes d'animation", "Deux fiches ajoutées"),
            CommonsUseInput(atlas, "Cartographie"),
        ],
        **doc_fields(),
    )
    assert mission.status == MissionStatus.DOCUMENTED
    assert mission.documented_at
    doc = MissionDocumentation.objects.get()
    assert doc.written_by == s.lead
    assert doc.resources_links == "https://communs.example/guide"
    assert MissionCommonsUse.objects.filter(mission=mission).count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"social_link": ""}, "social_link"),
        ({"community_primacy": " "}, "community_primacy"),
        ({"pooling": ""}, "pooling"),
        ({"territorial_impact": ""}, "territorial_impact"),
        ({"resources_produced": ""}, "resources_produced"),
        ({"resources_links": "pas un lien"}, "resources_links"),
    ],
)
def test_documentation_needs_every_objective(
    s: Setup, overrides: dict[str, Any], field: str
) -> None:
    run_to(s, MissionStatus.DELIVERED)
    with pytest.raises(ValidationError) as error:
        services.mission_document(actor=s.lead.user, mission=s.mission, **doc_fields(**overrides))
    assert field in error.value.message_dict
    assert Mission.objects.get().status == MissionStatus.DELIVERED
    assert not MissionDocumentation.objects.exists()


def test_a_common_listed_twice_or_without_use_is_refused(s: Setup) -> None:
    run_to(s, MissionStatus.DELIVERED)
    wiki = CommonFactory()
    for uses in (
        [CommonsUseInput(wiki, "a"), CommonsUseInput(wiki, "b")],
        [CommonsUseInput(wiki, "")],
    ):
        with pytest.raises(ValidationError) as error:
            services.mission_document(
                actor=s.lead.user, mission=s.mission, commons_used=uses, **doc_fields()
            )
        assert "commons_used" in error.value.message_dict
    assert not MissionCommonsUse.objects.exists()


def test_documenting_before_delivery_is_a_conflict(s: Setup) -> None:
    run_to(s, MissionStatus.STARTED)
    with pytest.raises(InvalidTransition):
        services.mission_document(actor=s.lead.user, mission=s.mission, **doc_fields())
    assert not MissionDocumentation.objects.exists()


def test_a_steward_outside_the_team_closes(s: Setup) -> None:
    run_to(s, MissionStatus.DOCUMENTED)
    with pytest.raises(NotAllowed):
        services.mission_close(actor=s.lead.user, mission=s.mission)
    mission = services.mission_close(actor=s.steward.user, mission=s.mission)
    assert mission.status == MissionStatus.CLOSED
    assert mission.closed_at


def test_a_steward_on_the_team_does_not_close_their_own_mission(s: Setup) -> None:
    steward_member = StewardFactory()
    add_member(s.mission.team, steward_member)
    run_to(s, MissionStatus.DOCUMENTED)
    with pytest.raises(NotAllowed):
        services.mission_close(actor=steward_member.user, mission=s.mission)


# ---------------------------------------------------------------- reminders


def test_the_deferred_check_reminds_a_silent_team(s: Setup) -> None:
    mission = run_to(s, MissionStatus.STARTED)
    iso = mission.last_update_at.isoformat()
    early = mission.last_update_at + datetime.timedelta(weeks=5)
    assert not feedback.mission_remind_if_silent(
        mission_uuid=mission.uuid, expected_last_update_iso=iso, now=early
    )
    late = mission.last_update_at + datetime.timedelta(weeks=6, minutes=1)
    mail.outbox.clear()
    assert feedback.mission_remind_if_silent(
        mission_uuid=mission.uuid, expected_last_update_iso=iso, now=late
    )
    assert Mission.objects.get().reminded_at == late
    assert JournalEntry.objects.filter(verb="mission.reminded").count() == 1
    # Twice the same check: one reminder.
    assert not feedback.mission_remind_if_silent(
        mission_uuid=mission.uuid, expected_last_update_iso=iso, now=late
    )


def test_the_deferred_check_does_nothing_after_a_newer_update(s: Setup) -> None:
    mission = run_to(s, MissionStatus.STARTED)
    iso = mission.last_update_at.isoformat()
    services.mission_update_post(actor=s.lead.user, mission=mission, text="Nouvelles.")
    late = timezone.now() + datetime.timedelta(weeks=7)
    assert not feedback.mission_remind_if_silent(
        mission_uuid=mission.uuid, expected_last_update_iso=iso, now=late
    )
    assert not feedback.mission_remind_if_silent(
        mission_uuid=mission.uuid, expected_last_update_iso="pas une date", now=late
    )


def test_the_sweep_reminds_once_and_only_running_missions(s: Setup) -> None:
    started = run_to(s, MissionStatus.STARTED)
    other = build_mission()
    run_to(other, MissionStatus.DELIVERED)
    later = timezone.now() + datetime.timedelta(weeks=6, hours=1)
    assert feedback.missions_remind_silent(now=later) == 1
    assert feedback.missions_remind_silent(now=later) == 0
    assert Mission.objects.get(pk=started.pk).reminded_at == later
    # Still silent six weeks after the reminder: said again.
    assert feedback.missions_remind_silent(now=later + datetime.timedelta(weeks=6)) == 1


def test_the_command_sweeps(s: Setup) -> None:
    mission = run_to(s, MissionStatus.STARTED)
    Mission.objects.filter(pk=mission.pk).update(
        last_update_at=timezone.now() - datetime.timedelta(weeks=7)
    )
    call_command("remind_silent_missions", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Mission.objects.get().reminded_at is not None


def test_a_reminder_is_mailed_to_the_team(
    s: Setup, django_capture_on_commit_callbacks: Any
) -> None:
    run_to(s, MissionStatus.STARTED)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        feedback.missions_remind_silent(now=timezone.now() + datetime.timedelta(weeks=7))
    assert set(notified_emails()) == {s.lead.user.email, s.member.user.email}


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_start_and_updates_schedule_the_check_six_weeks_later(
    s: Setup, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks import default_task_backend

    default_task_backend.clear()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        mission = services.mission_start(actor=s.lead.user, mission=s.mission, text="Go.")
        services.mission_update_post(actor=s.lead.user, mission=mission, text="Suite.")
    results = [
        r
        for r in default_task_backend.results  # type: ignore[attr-defined]
        if r.task.name == "remind_if_silent"
    ]
    assert len(results) == 2
    first = results[0]
    assert first.task.run_after == mission.started_at + datetime.timedelta(weeks=6)
    assert first.args == [str(mission.uuid), mission.started_at.isoformat()]


def test_the_task_calls_the_check(s: Setup) -> None:
    from cercle.missions.tasks_follow_up import remind_if_silent

    mission = run_to(s, MissionStatus.STARTED)
    assert remind_if_silent.call(str(mission.uuid), mission.last_update_at.isoformat()) is False


# ---------------------------------------------------------------- quality review


def review(s: Setup, **overrides: Any) -> QualityReview:
    fields: dict[str, Any] = {
        "year": timezone.localdate().year,
        "finding": ReviewFinding.CONFORMS,
        "note": "Conforme au cahier des charges.",
        "open_regulation": False,
    }
    return feedback.quality_review_record(
        actor=s.steward.user, mission=s.mission, **{**fields, **overrides}
    )


def test_a_steward_reviews_a_mission_once_a_year(s: Setup) -> None:
    done = review(s)
    assert done.finding == ReviewFinding.CONFORMS
    assert done.regulation_case is None
    with pytest.raises(Conflict):
        review(s, finding=ReviewFinding.CONCERN)
    assert QualityReview.objects.count() == 1


def test_a_concern_can_open_regulation_about_the_lead(s: Setup) -> None:
    done = review(s, finding=ReviewFinding.CONCERN, note="Livrables absents.", open_regulation=True)
    case = RegulationCase.objects.get()
    assert done.regulation_case == case
    assert case.person == s.lead
    assert case.status == RegulationStatus.RAISED
    assert "Livrables absents." in case.concern


def test_an_open_case_is_joined_not_duplicated(s: Setup) -> None:
    existing = RegulationCaseFactory(person=s.lead)
    done = review(s, finding=ReviewFinding.CONCERN, open_regulation=True)
    assert done.regulation_case == existing
    assert RegulationCase.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"open_regulation": True}, "open_regulation"),
        ({"finding": "bof"}, "finding"),
        ({"note": ""}, "note"),
        ({"year": 1999}, "year"),
        ({"year": 2100}, "year"),
        ({"year": 2001}, "year"),
    ],
)
def test_bad_reviews_are_refused(s: Setup, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        review(s, **overrides)
    assert field in error.value.message_dict
    assert not QualityReview.objects.exists()
    assert not RegulationCase.objects.exists()


def test_only_stewards_outside_the_team_review(s: Setup) -> None:
    for person in (s.lead, s.outsider):
        with pytest.raises(NotAllowed):
            feedback.quality_review_record(
                actor=person.user,
                mission=s.mission,
                year=timezone.localdate().year,
                finding=ReviewFinding.CONFORMS,
                note="x",
            )
    assert not QualityReview.objects.exists()


def test_offer_commons_are_listed_for_documentation(s: Setup) -> None:
    from cercle.missions.selectors.follow_up import offer_commons_lines

    common = CommonFactory()
    OfferCommonsLine.objects.create(offer=s.mission.offer, common=common, amount_ht=Decimal("500"))
    assert [line.common for line in offer_commons_lines(mission=s.mission)] == [common]
