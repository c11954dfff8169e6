"""Services of the selection: appointment, conflicts, ties, scores, reveal, award."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import JournalEntry
from cercle.core.signed_links import make_token
from cercle.missions.conflicts import conflict_reasons
from cercle.missions.enums import MissionStatus, RequestStatus, SelectionMode
from cercle.missions.models import Award, Evaluator, Mission, Positioning, Score
from cercle.missions.services import selection as services
from cercle.missions.services import selection_award as award_services
from tests.factories.missions import add_member, consultant
from tests.factories.network import (
    OrganizationFactory,
    OrganizationMembershipFactory,
    SupporterFactory,
)
from tests.unit.missions.test_selection_builders import all_marks, no_ties, selection

pytestmark = pytest.mark.django_db


def _evaluate_all(s: Any, mark: Any = "7") -> None:
    for e in s.evaluators:
        services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
        services.score_set(actor=e.person.user, evaluator=e, marks=all_marks(s, mark))
        services.evaluation_submit(actor=e.person.user, evaluator=e)


# ---------------------------------------------------------------- conflicts


def test_conflicts_are_detected() -> None:
    s = selection(evaluators=0)
    neutral = SupporterFactory()
    assert conflict_reasons(neutral, s.request) == []
    # a bidder, and an invited member
    assert conflict_reasons(s.teams[0].lead, s.request)
    invited = SupporterFactory()
    add_member(s.teams[1], invited, status="invited")
    assert conflict_reasons(invited, s.request)
    # positioned
    positioned = SupporterFactory()
    Positioning.objects.create(request=s.request, person=positioned)
    assert conflict_reasons(positioned, s.request)
    # colleague of a bidder
    org = OrganizationFactory()
    OrganizationMembershipFactory(organization=org, person=s.teams[2].lead)
    colleague = SupporterFactory()
    OrganizationMembershipFactory(organization=org, person=colleague)
    assert conflict_reasons(colleague, s.request)
    # the client's organization
    client_org = OrganizationFactory()
    s.request.client_organization = client_org
    s.request.save()
    client_side = SupporterFactory()
    OrganizationMembershipFactory(organization=client_org, person=client_side)
    assert conflict_reasons(client_side, s.request)


def test_appoint_refuses_a_detected_conflict_and_non_members() -> None:
    s = selection(evaluators=0)
    with pytest.raises(ValidationError) as error:
        services.evaluator_appoint(actor=s.steward.user, request=s.request, person=s.teams[0].lead)
    assert "person" in error.value.message_dict
    from tests.factories.network import PersonFactory

    with pytest.raises(ValidationError):
        services.evaluator_appoint(actor=s.steward.user, request=s.request, person=PersonFactory())
    member = SupporterFactory()
    with pytest.raises(NotAllowed):
        services.evaluator_appoint(actor=member.user, request=s.request, person=member)
    evaluator = services.evaluator_appoint(actor=s.steward.user, request=s.request, person=member)
    assert evaluator.person == member
    assert JournalEntry.objects.filter(verb="evaluator.appointed", visibility="private").exists()
    with pytest.raises(ValidationError):
        services.evaluator_appoint(actor=s.steward.user, request=s.request, person=member)


def test_declared_tie_makes_the_evaluator_conflicted_and_refused() -> None:
    s = selection()
    e = s.evaluators[0]
    ties = no_ties(s)
    ties[str(s.teams[1].uuid)] = ("collaborator", "Nous avons travaillé ensemble en 2023.")
    services.ties_declare(actor=e.person.user, evaluator=e, ties=ties)
    e.refresh_from_db()
    assert e.conflicted_at is not None
    with pytest.raises(NotAllowed):
        services.evaluation_access(actor=e.person.user, evaluator=e)
    with pytest.raises(NotAllowed):
        services.score_set(actor=e.person.user, evaluator=e, marks=all_marks(s))
    refused = JournalEntry.objects.filter(verb="evaluation.refused")
    assert refused.count() == 2
    assert all(r.visibility == "private" and r.subject == e.person.user for r in refused)
    assert not Score.objects.filter(evaluator=e).exists()


def test_a_conflict_arising_later_is_caught_on_access() -> None:
    s = selection()
    e = s.evaluators[0]
    services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
    add_member(s.teams[0], e.person, status="invited")
    with pytest.raises(NotAllowed):
        services.evaluation_access(actor=e.person.user, evaluator=e)
    e.refresh_from_db()
    assert e.conflicted_at is not None
    assert e.conflict_reason  # in the language of the moment, French here


def test_ties_need_every_team_and_a_note_for_a_tie() -> None:
    s = selection()
    e = s.evaluators[0]
    with pytest.raises(ValidationError) as error:
        services.ties_declare(actor=e.person.user, evaluator=e, ties={})
    assert len(error.value.message_dict) == 3
    ties = no_ties(s)
    ties[str(s.teams[0].uuid)] = ("personal", "")
    with pytest.raises(ValidationError):
        services.ties_declare(actor=e.person.user, evaluator=e, ties=ties)
    e.refresh_from_db()
    assert e.ties_declared_at is None


def test_ties_only_after_the_deadline() -> None:
    s = selection(past_deadline=False)
    e = s.evaluators[0]
    with pytest.raises(Conflict):
        services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))


def test_another_person_cannot_act_for_the_evaluator() -> None:
    s = selection()
    with pytest.raises(NotAllowed):
        services.ties_declare(
            actor=s.evaluators[1].person.user, evaluator=s.evaluators[0], ties=no_ties(s)
        )


# ---------------------------------------------------------------- scores and reveal


def test_scores_need_declared_ties_and_valid_marks() -> None:
    s = selection()
    e = s.evaluators[0]
    with pytest.raises(Conflict):
        services.score_set(actor=e.person.user, evaluator=e, marks=all_marks(s))
    services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
    for bad in ("11", "-1", "abc", "7.123", "NaN"):
        with pytest.raises(ValidationError):
            services.score_set(actor=e.person.user, evaluator=e, marks={("A", 2): bad})
    price = s.request.criteria.get(is_price=True).position
    with pytest.raises(ValidationError):
        services.score_set(actor=e.person.user, evaluator=e, marks={("A", price): "5"})
    with pytest.raises(ValidationError):
        services.score_set(actor=e.person.user, evaluator=e, marks={("Z", 2): "5"})
    assert not Score.objects.exists()
    services.score_set(actor=e.person.user, evaluator=e, marks={("A", 2): "5,5"})
    services.score_set(actor=e.person.user, evaluator=e, marks={("A", 2): "6"})
    assert Score.objects.get().mark == Decimal("6")


def test_submit_needs_every_mark_then_is_final() -> None:
    s = selection()
    e = s.evaluators[0]
    services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
    services.score_set(actor=e.person.user, evaluator=e, marks={("A", 2): "5"})
    with pytest.raises(ValidationError):
        services.evaluation_submit(actor=e.person.user, evaluator=e)
    services.score_set(actor=e.person.user, evaluator=e, marks=all_marks(s))
    services.evaluation_submit(actor=e.person.user, evaluator=e)
    with pytest.raises(Conflict):
        services.evaluation_submit(actor=e.person.user, evaluator=e)
    with pytest.raises(Conflict):
        services.score_set(actor=e.person.user, evaluator=e, marks={("A", 2): "1"})
    s.request.refresh_from_db()
    assert s.request.revealed_at is None  # the second evaluator has not submitted


def test_reveal_when_every_unconflicted_evaluator_submitted() -> None:
    s = selection()
    first, second = s.evaluators
    services.ties_declare(actor=first.person.user, evaluator=first, ties=no_ties(s))
    services.score_set(actor=first.person.user, evaluator=first, marks=all_marks(s))
    services.evaluation_submit(actor=first.person.user, evaluator=first)
    ties = no_ties(s)
    ties[str(s.teams[0].uuid)] = ("financial", "Client de mon cabinet.")
    services.ties_declare(actor=second.person.user, evaluator=second, ties=ties)
    s.request.refresh_from_db()
    assert s.request.revealed_at is not None
    assert JournalEntry.objects.filter(verb="request.revealed", visibility="members").exists()


# ---------------------------------------------------------------- award


def test_delegated_award_creates_the_mission_and_tells_bidders(
    django_capture_on_commit_callbacks: Any,
) -> None:
    s = selection()
    _evaluate_all(s)
    with pytest.raises(ValidationError):
        award_services.award_delegated(
            actor=s.steward.user, request=s.request, offer_uuid=s.offers[0].uuid, reasons=" "
        )
    with django_capture_on_commit_callbacks(execute=True):
        award = award_services.award_delegated(
            actor=s.steward.user,
            request=s.request,
            offer_uuid=s.offers[0].uuid,
            reasons="Le prix le plus bas et une bonne méthode.",
        )
    s.request.refresh_from_db()
    assert s.request.status == RequestStatus.AWARDED
    mission = Mission.objects.get()
    assert mission.status == MissionStatus.AWARDED
    assert mission.amount_ht == s.offers[0].price_ht
    assert mission.lead == s.teams[0].lead
    assert award.decided_by == s.steward
    assert len(mail.outbox) == 3  # one lead per bidding team
    assert any("bonne méthode" in m.body for m in mail.outbox)
    with pytest.raises(Conflict):
        award_services.award_delegated(
            actor=s.steward.user, request=s.request, offer_uuid=s.offers[1].uuid, reasons="x"
        )
    assert Award.objects.count() == 1


def test_delegated_award_needs_the_reveal() -> None:
    s = selection()
    with pytest.raises(Conflict):
        award_services.award_delegated(
            actor=s.steward.user, request=s.request, offer_uuid=s.offers[0].uuid, reasons="x"
        )


def test_client_link_and_choice(django_capture_on_commit_callbacks: Any) -> None:
    s = selection(mode=SelectionMode.CLIENT, evaluators=0)
    with django_capture_on_commit_callbacks(execute=True):
        path = award_services.client_link_send(actor=s.steward.user, request=s.request)
    assert mail.outbox[0].to == [s.request.contact_email]
    assert path in mail.outbox[0].body
    token = path.rstrip("/").rsplit("/", 1)[-1]
    with pytest.raises(NotAllowed):
        award_services.award_client(
            token=make_token("client-choice", "another"),
            request=s.request,
            offer_uuid=s.offers[1].uuid,
            reasons="x",
        )
    with pytest.raises(NotAllowed):
        award_services.award_client(
            token=token[:-2] + "xx", request=s.request, offer_uuid=s.offers[1].uuid, reasons="x"
        )
    with pytest.raises(ValidationError):
        award_services.award_client(
            token=token, request=s.request, offer_uuid=s.offers[1].uuid, reasons=""
        )
    award = award_services.award_client(
        token=token, request=s.request, offer_uuid=s.offers[1].uuid, reasons="Leur méthode."
    )
    assert award.mode == SelectionMode.CLIENT
    assert award.decided_by_client == s.request.contact_name
    with pytest.raises(Conflict):
        award_services.award_client(
            token=token, request=s.request, offer_uuid=s.offers[0].uuid, reasons="Encore."
        )


def test_client_link_refused_before_the_deadline_or_when_delegated() -> None:
    early = selection(mode=SelectionMode.CLIENT, evaluators=0, past_deadline=False)
    with pytest.raises(Conflict):
        award_services.client_link_send(actor=early.steward.user, request=early.request)
    delegated = selection(evaluators=0)
    with pytest.raises(Conflict):
        award_services.client_link_send(actor=delegated.steward.user, request=delegated.request)
    with pytest.raises(NotAllowed):
        award_services.client_link_send(actor=consultant().user, request=early.request)


def test_expired_client_link(monkeypatch: pytest.MonkeyPatch) -> None:
    s = selection(mode=SelectionMode.CLIENT, evaluators=0)
    token = make_token("client-choice", str(s.request.uuid))
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 24 * 3600)
    with pytest.raises(NotAllowed):
        award_services.client_token_check(request=s.request, token=token)
    assert timezone.now()  # the clock is only moved for the signer
    assert Evaluator.objects.count() == 0


def test_a_conflict_found_after_submitting_takes_the_marks_out_of_the_totals() -> None:
    from cercle.missions.selectors.selection import results_compute

    s = selection(evaluators=2)
    first, second = s.evaluators
    for e, mark in ((first, "2"), (second, "9")):
        services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
        services.score_set(actor=e.person.user, evaluator=e, marks=all_marks(s, mark))
        services.evaluation_submit(actor=e.person.user, evaluator=e)
    assert results_compute(request=s.request).counted == 2
    # The second evaluator turns out to be invited into a bidding team.
    add_member(s.teams[0], second.person, status="invited")
    with pytest.raises(NotAllowed):
        services.evaluation_access(actor=second.person.user, evaluator=second)
    second.refresh_from_db()
    assert second.conflicted_at is not None
    results = results_compute(request=s.request)
    assert results.counted == 1
    only_first = {row.offer.pk: row.result.total for row in results.rows}
    # Non-price marks are now only the first evaluator's 2/10: at most 70 × 0.2 + 30 (price).
    assert max(only_first.values()) == Decimal("44.00")
    assert JournalEntry.objects.filter(
        verb="evaluation.refused", subject=second.person.user
    ).exists()
