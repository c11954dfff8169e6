"""Tender watch services: who may do what, deadlines, the request and team in one go."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import JournalEntry
from cercle.missions.enums import (
    MemberStatus,
    RequestSource,
    RequestStatus,
    TeamRole,
    TenderInterestKind,
)
from cercle.missions.models import SupportRequest, TeamMember, Tender, TenderInterest
from cercle.missions.services import tenders as services
from tests.factories.core import notified_emails
from tests.factories.membership_charter import MemberFactory
from tests.factories.missions import TenderFactory, consultant
from tests.factories.network import PersonFactory, SkillFactory, StewardFactory

pytestmark = pytest.mark.django_db


def later(days: int = 30) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def post(actor: Any, **overrides: Any) -> Tender:
    data = {
        "title": "AMO pour un réseau de tiers-lieux",
        "buyer": "Département du Nord",
        "link": "https://marches.example/avis/42",
        "deadline": later(),
        "cpv_code": "79411000-8",
        "lots": "Lot 1 : diagnostic\nLot 2 : animation",
        "description": "Accompagner six lieux.",
    }
    data.update(overrides)
    return services.tender_post(actor=actor.user, **data)


def to_request(actor: Any, tender: Tender, **overrides: Any) -> SupportRequest:
    data: dict[str, Any] = {
        "team_name": "Les Lieux Ensemble",
        "members": [],
        "budget_min_ht": Decimal("20000"),
        "budget_max_ht": Decimal("40000"),
        "offers_deadline": tender.deadline - datetime.timedelta(days=5),
        "territory": "59",
        "description": "",
        "skills": [],
    }
    data.update(overrides)
    return services.tender_to_request(actor=actor.user, tender=tender, **data)


# --- posting ---------------------------------------------------------------------------


def test_a_member_posts_a_tender_and_the_journal_records_it() -> None:
    member = MemberFactory()
    tender = post(member)
    assert tender.posted_by == member
    assert JournalEntry.objects.filter(verb="tender.posted", object_id=str(tender.uuid)).exists()


def test_a_non_member_cannot_post() -> None:
    with pytest.raises(NotAllowed):
        post(PersonFactory())
    assert not Tender.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cpv_code", "7941100"),
        ("cpv_code", "79411000-88"),
        ("cpv_code", "abcdefgh"),
        ("deadline", timezone.now() - datetime.timedelta(minutes=1)),
        ("link", "pas une adresse"),
        ("title", "   "),
        ("buyer", ""),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        post(MemberFactory(), **{field: value})
    assert field in caught.value.message_dict
    assert not Tender.objects.exists()


def test_a_cpv_code_without_check_digit_is_accepted() -> None:
    assert post(MemberFactory(), cpv_code="79411000").cpv_code == "79411000"


# --- interests ---------------------------------------------------------------------------


def test_interest_is_set_changed_and_removed() -> None:
    member = MemberFactory()
    tender = TenderFactory()
    services.tender_interest_set(actor=member.user, tender=tender, kind="looking")
    services.tender_interest_set(actor=member.user, tender=tender, kind="together")
    interest = TenderInterest.objects.get()
    assert interest.kind == TenderInterestKind.TOGETHER
    assert services.tender_interest_remove(actor=member.user, tender=tender) is True
    assert services.tender_interest_remove(actor=member.user, tender=tender) is False
    assert not TenderInterest.objects.exists()
    verbs = list(
        JournalEntry.objects.filter(object_id=str(tender.uuid))
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["tender.interest_set", "tender.interest_set", "tender.interest_removed"]


def test_interest_needs_a_valid_kind_and_an_open_tender() -> None:
    member = MemberFactory()
    with pytest.raises(ValidationError):
        services.tender_interest_set(actor=member.user, tender=TenderFactory(), kind="maybe")
    closed = TenderFactory(deadline=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(Conflict):
        services.tender_interest_set(actor=member.user, tender=closed, kind="looking")
    assert not TenderInterest.objects.exists()


# --- discussion --------------------------------------------------------------------------


def test_a_comment_notifies_the_poster_and_the_interested_but_not_the_author(
    django_capture_on_commit_callbacks: Any,
) -> None:
    poster = MemberFactory()
    tender = TenderFactory(posted_by=poster)
    looker, author = MemberFactory(), MemberFactory()
    services.tender_interest_set(actor=looker.user, tender=tender, kind="looking")
    services.tender_interest_set(actor=author.user, tender=tender, kind="together")
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.tender_comment_post(
            actor=author.user, tender=tender, text="  On y va ensemble ?  "
        )
    assert comment.text == "On y va ensemble ?"
    assert notified_emails() == sorted([poster.user.email, looker.user.email])


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001, "nul\x00"])
def test_an_empty_or_huge_comment_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        services.tender_comment_post(actor=MemberFactory().user, tender=TenderFactory(), text=text)


# --- turning a tender into a request ---------------------------------------------------------


def test_a_consortium_turns_the_tender_into_a_request_with_its_team() -> None:
    lead = consultant()
    partner, helper = consultant(), consultant()
    skill = SkillFactory()
    tender = TenderFactory(posted_by=lead, description="Six lieux à accompagner.")
    request = to_request(
        lead,
        tender,
        members=[(partner, TeamRole.CO_CONTRACTOR), (helper, TeamRole.HELPING_COMMONER)],
        skills=[skill.slug],
    )
    assert request.source == RequestSource.TENDER_WATCH
    assert request.tender == tender
    assert request.status == RequestStatus.NEW
    assert request.confirmed_at is not None
    assert request.client_name == tender.buyer
    assert request.contact_name == lead.full_name
    assert request.contact_email == lead.user.email
    assert request.description == "Six lieux à accompagner."
    assert list(request.required_skills.all()) == [skill]
    team = request.teams.get()
    assert team.lead == lead
    members = {m.person: (m.role, m.status) for m in TeamMember.objects.filter(team=team)}
    assert members == {
        lead: (TeamRole.LEAD, MemberStatus.ACCEPTED),
        partner: (TeamRole.CO_CONTRACTOR, MemberStatus.INVITED),
        helper: (TeamRole.HELPING_COMMONER, MemberStatus.INVITED),
    }
    assert JournalEntry.objects.filter(verb="tender.turned_into_request").count() == 1


def test_someone_who_said_together_may_convert_but_a_mere_looker_may_not() -> None:
    tender = TenderFactory()
    looker, together = consultant(), consultant()
    services.tender_interest_set(actor=looker.user, tender=tender, kind="looking")
    services.tender_interest_set(actor=together.user, tender=tender, kind="together")
    with pytest.raises(NotAllowed):
        to_request(looker, tender)
    assert to_request(together, tender).teams.get().lead == together


def test_a_steward_may_convert_when_in_the_circle() -> None:
    steward = consultant(engagement_level="soucieux")
    assert to_request(steward, TenderFactory()).submitted_by == steward


def test_a_lead_outside_the_circle_is_refused() -> None:
    poster = MemberFactory()
    with pytest.raises(NotAllowed):
        to_request(poster, TenderFactory(posted_by=poster))
    assert not SupportRequest.objects.exists()


def test_a_tender_becomes_one_request_only() -> None:
    lead = consultant()
    tender = TenderFactory(posted_by=lead)
    to_request(lead, tender)
    with pytest.raises(Conflict):
        to_request(lead, tender, team_name="Autre équipe")
    assert SupportRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"team_name": "  "}, "team_name"),
        ({"budget_min_ht": Decimal("50000")}, "budget_max_ht"),
        ({"budget_min_ht": "beaucoup"}, "budget_min_ht"),
        ({"budget_max_ht": Decimal("-1")}, "budget_max_ht"),
        ({"territory": "99999"}, "territory"),
        ({"skills": ["inconnue"]}, "skills"),
        ({"offers_deadline": timezone.now() - datetime.timedelta(hours=1)}, "offers_deadline"),
        ({"offers_deadline": timezone.now() + datetime.timedelta(days=60)}, "offers_deadline"),
    ],
)
def test_bad_request_input_changes_nothing(overrides: dict[str, Any], field: str) -> None:
    lead = consultant()
    tender = TenderFactory(posted_by=lead)
    with pytest.raises(ValidationError) as caught:
        to_request(lead, tender, **overrides)
    assert field in caught.value.message_dict
    assert not SupportRequest.objects.exists()


def test_invitations_must_go_to_circle_members_with_a_real_role() -> None:
    lead = consultant()
    tender = TenderFactory(posted_by=lead)
    outsider, partner = MemberFactory(), consultant()
    for members in (
        [(outsider, TeamRole.CO_CONTRACTOR)],
        [(partner, TeamRole.LEAD)],
        [(lead, TeamRole.CO_CONTRACTOR)],
        [(partner, TeamRole.CO_CONTRACTOR), (partner, TeamRole.SUB_CONTRACTOR)],
    ):
        with pytest.raises(ValidationError) as caught:
            to_request(lead, tender, members=members)
        assert "members" in caught.value.message_dict
    assert not SupportRequest.objects.exists()


def test_a_closed_tender_cannot_be_turned_into_a_request() -> None:
    lead = consultant()
    tender = TenderFactory(posted_by=lead, deadline=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(Conflict):
        to_request(lead, tender, offers_deadline=later(1))


# --- result ------------------------------------------------------------------------------


def test_the_result_is_recorded_after_the_deadline_by_the_poster() -> None:
    poster = MemberFactory()
    tender = TenderFactory(posted_by=poster)
    with pytest.raises(Conflict):
        services.tender_record_result(actor=poster.user, tender=tender, result="Gagné")
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    tender.refresh_from_db()
    services.tender_record_result(
        actor=poster.user,
        tender=tender,
        result="Marché attribué au groupement.",
        outcome="won",
        winner="Les Lieux Ensemble",
        amount_ht="35000",
    )
    tender.refresh_from_db()
    assert "Marché attribué au groupement." in tender.result
    assert "35000.00" in tender.result
    assert tender.result_recorded_at is not None
    entry = JournalEntry.objects.get(verb="tender.result_recorded")
    assert entry.payload["outcome"] == "won"
    assert entry.payload["amount_ht"] == "35000.00"


def test_only_the_consortium_or_a_steward_records_the_result() -> None:
    tender = TenderFactory(deadline=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(NotAllowed):
        services.tender_record_result(actor=MemberFactory().user, tender=tender, result="Perdu")
    services.tender_record_result(actor=StewardFactory().user, tender=tender, result="Perdu")


@pytest.mark.parametrize(
    "overrides",
    [{"result": ""}, {"outcome": "peut-être"}, {"amount_ht": "-5"}, {"winner": "x" * 201}],
)
def test_bad_result_input_is_refused(overrides: dict[str, Any]) -> None:
    poster = MemberFactory()
    tender = TenderFactory(posted_by=poster, deadline=timezone.now() - datetime.timedelta(days=1))
    data = {"result": "Perdu", **overrides}
    with pytest.raises(ValidationError):
        services.tender_record_result(actor=poster.user, tender=tender, **data)
    tender.refresh_from_db()
    assert tender.result == ""
