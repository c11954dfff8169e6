"""Opening, closing, extending, reminding and concluding proposals."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import JournalEntry, Notification
from cercle.decisions.enums import GroupVisibility, PollKind, ProposalStatus, ReasonRequired
from cercle.decisions.models import Outcome, Proposal
from cercle.decisions.services.proposals import (
    outcome_create,
    proposal_close,
    proposal_close_when_due,
    proposal_create,
    proposal_extend,
    proposal_remind_voters,
    proposals_close_due,
)
from cercle.decisions.services.proposals_votes import vote_cast
from tests.factories.decisions_proposals import ProposalFactory, cast
from tests.factories.decisions_threads import (
    AssociationGroupFactory,
    GroupFactory,
    GroupMembershipFactory,
    ThreadFactory,
)
from tests.factories.network import StewardFactory, SupporterFactory

pytestmark = pytest.mark.django_db


@dataclass
class Setup:
    group: Any
    author: Any
    alice: Any
    bruno: Any
    outsider: Any
    steward: Any


@pytest.fixture
def s() -> Setup:
    group = GroupFactory()
    author, alice, bruno = SupporterFactory(), SupporterFactory(), SupporterFactory()
    for person in (author, alice, bruno):
        GroupMembershipFactory(group=group, person=person)
    return Setup(group, author, alice, bruno, SupporterFactory(), StewardFactory())


def soon(days: float = 7) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def create(s: Setup, **overrides: Any) -> Proposal:
    values: dict[str, Any] = {
        "actor": s.author.user,
        "group": s.group,
        "kind": PollKind.PROPOSAL,
        "title": "Adopter le budget 2025",
        "details": "Voir le fil.",
        "closes_at": soon(),
        **overrides,
    }
    return proposal_create(**values)


def fr(msgid: str) -> str:
    with translation.override("fr"):
        return _(msgid)


def test_a_consent_proposal_gets_its_four_fixed_options_and_is_journaled(s: Setup) -> None:
    proposal = create(s)
    assert [o.key for o in proposal.options.all()] == ["agree", "abstain", "disagree", "block"]
    assert proposal.status == ProposalStatus.OPEN
    assert proposal.author == s.author
    entry = JournalEntry.objects.get(verb="proposal.opened")
    assert entry.object_id == str(proposal.uuid)
    assert entry.visibility == "members"


def notified(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__email", flat=True))


def emails(*people: Any) -> list[str]:
    return sorted(p.user.email for p in people)


def test_opening_notifies_the_eligible_voters_but_the_author(s: Setup) -> None:
    proposal = create(s)
    assert notified("vote_opened") == emails(s.alice, s.bruno)
    assert Notification.objects.filter(url=proposal.get_absolute_url()).count() == 2


def test_an_objection_form_has_consent_and_objection(s: Setup) -> None:
    proposal = create(s, kind=PollKind.OBJECTION)
    assert [o.key for o in proposal.options.all()] == ["consent", "objection"]


def test_a_public_groups_proposal_is_journaled_publicly(s: Setup) -> None:
    s.group.visibility = GroupVisibility.PUBLIC
    s.group.save()
    create(s)
    assert JournalEntry.objects.get(verb="proposal.opened").visibility == "public"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"kind": "referendum"}, "kind"),
        ({"closes_at": timezone.now() - datetime.timedelta(minutes=1)}, "closes_at"),
        ({"closes_at": "demain"}, "closes_at"),
        ({"closes_at": timezone.now() + datetime.timedelta(days=400)}, "closes_at"),
        ({"options": ["A", "B"]}, "options"),
        ({"kind": PollKind.SINGLE_CHOICE, "options": ["Seule"]}, "options"),
        ({"kind": PollKind.SINGLE_CHOICE, "options": ["A", "a"]}, "options"),
        ({"kind": PollKind.MEETING, "options": ["Lundi", "Mardi"]}, "options"),
        (
            {"kind": PollKind.MULTIPLE_CHOICE, "options": ["A", "B"], "min_choices": 3},
            "min_choices",
        ),
        (
            {
                "kind": PollKind.MULTIPLE_CHOICE,
                "options": ["A", "B", "C"],
                "min_choices": 3,
                "max_choices": 2,
            },
            "max_choices",
        ),
        ({"kind": PollKind.SCORE, "options": ["A", "B"], "max_score": 0}, "max_score"),
        (
            {"kind": PollKind.DOT_VOTE, "options": ["A", "B"], "dots_per_voter": "x"},
            "dots_per_voter",
        ),
        ({"reason_required": "sometimes"}, "reason_required"),
        ({"details": "a\x00b"}, "details"),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(
    s: Setup, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        create(s, **overrides)
    assert field in error.value.message_dict
    assert not Proposal.objects.exists()
    assert not JournalEntry.objects.filter(verb__startswith="proposal.").exists()


def test_a_thread_of_another_group_is_refused(s: Setup) -> None:
    with pytest.raises(ValidationError) as error:
        create(s, thread=ThreadFactory())
    assert "thread" in error.value.message_dict


def test_listed_voters_must_belong_to_the_group(s: Setup) -> None:
    with pytest.raises(ValidationError) as error:
        create(s, voters=[s.alice, s.outsider])
    assert "voters" in error.value.message_dict
    proposal = create(s, voters=[s.alice])
    assert proposal.voters_limited
    assert list(proposal.voters.all()) == [s.alice]


def test_only_group_members_and_stewards_open_proposals(s: Setup) -> None:
    with pytest.raises(NotAllowed):
        create(s, actor=s.outsider.user)
    assert create(s, actor=s.steward.user).author == s.steward


def test_the_system_opens_proposals_only_in_the_association_group(s: Setup) -> None:
    with pytest.raises(NotAllowed):
        create(s, actor=None)
    association = AssociationGroupFactory()
    proposal = create(s, actor=None, group=association)
    assert proposal.author is None


def test_poll_settings_apply_to_their_kind_only(s: Setup) -> None:
    multiple = create(s, kind=PollKind.MULTIPLE_CHOICE, options=["A", "B", "C"], max_score=9)
    assert (multiple.min_choices, multiple.max_choices, multiple.max_score) == (1, 3, None)
    score = create(s, kind=PollKind.SCORE, options=["A", "B"])
    assert score.max_score == 5
    dots = create(s, kind=PollKind.DOT_VOTE, options=["A", "B"], dots_per_voter=4)
    assert dots.dots_per_voter == 4
    assert [o.key for o in dots.options.all()] == ["o1", "o2"]


def test_a_meeting_poll_keeps_its_times(s: Setup) -> None:
    monday = soon(3).replace(microsecond=0)
    proposal = create(
        s,
        kind=PollKind.MEETING,
        options=[monday, {"label": "Mardi matin", "starts_at": monday + datetime.timedelta(1)}],
    )
    options = list(proposal.options.all())
    assert options[0].starts_at == monday
    assert options[0].label
    assert options[1].label == "Mardi matin"


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_opening_schedules_the_close_and_the_reminder(
    s: Setup, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks import default_task_backend

    default_task_backend.clear()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        proposal = create(s)
    runs = {r.task.name: r for r in default_task_backend.results}  # type: ignore[attr-defined]
    assert runs["close_proposal_when_due"].task.run_after == proposal.closes_at
    assert runs["close_proposal_when_due"].args == [str(proposal.uuid)]
    assert runs["remind_proposal_voters"].task.run_after == proposal.closes_at - datetime.timedelta(
        hours=24
    )


# ---------------------------------------------------------------- closing


def test_the_close_task_does_nothing_before_time_and_closes_after(
    s: Setup, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = create(s)
    cast(proposal, s.alice, {"agree": 1})
    assert proposal_close_when_due(proposal_uuid=str(proposal.uuid)) is False
    Proposal.objects.filter(pk=proposal.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert proposal_close_when_due(proposal_uuid=str(proposal.uuid)) is True
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CLOSED
    assert proposal.closed_at is not None
    entry = JournalEntry.objects.get(verb="proposal.closed")
    assert entry.actor is None
    assert entry.payload["counted_voters"] == 1
    assert entry.payload["voters"]["agree"] == [s.alice.slug]
    assert notified("outcome") == emails(s.author, s.alice, s.bruno)
    prompt = Notification.objects.get(kind="outcome", user=s.author.user)
    assert prompt.template == "decisions/email/proposals_write_outcome.txt"
    assert proposal_close_when_due(proposal_uuid=str(proposal.uuid)) is False


def test_an_anonymous_vote_journals_counts_without_names(s: Setup) -> None:
    proposal = create(s, anonymous=True)
    cast(proposal, s.alice, {"agree": 1})
    proposal_close(actor=s.author.user, proposal=proposal)
    entry = JournalEntry.objects.get(verb="proposal.closed")
    assert "voters" not in entry.payload
    assert entry.payload["options"][0]["count"] == 1


def test_the_sweep_closes_what_is_due(s: Setup) -> None:
    due = create(s)
    later = create(s)
    Proposal.objects.filter(pk=due.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert proposals_close_due() == 1
    call_command("close_proposals", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Proposal.objects.get(pk=due.pk).status == ProposalStatus.CLOSED
    assert Proposal.objects.get(pk=later.pk).status == ProposalStatus.OPEN


def test_the_author_or_a_steward_close_early_others_cannot(s: Setup) -> None:
    proposal = create(s)
    with pytest.raises(NotAllowed):
        proposal_close(actor=s.alice.user, proposal=proposal)
    proposal_close(actor=s.steward.user, proposal=proposal)
    assert JournalEntry.objects.get(verb="proposal.closed").payload["early"] is True
    with pytest.raises(Conflict):
        proposal_close(actor=s.author.user, proposal=proposal)


def test_extending_moves_the_close_later_while_open(s: Setup) -> None:
    proposal = create(s)
    with pytest.raises(ValidationError):
        proposal_extend(actor=s.author.user, proposal=proposal, closes_at=soon(1))
    with pytest.raises(NotAllowed):
        proposal_extend(actor=s.alice.user, proposal=proposal, closes_at=soon(10))
    extended = proposal_extend(actor=s.author.user, proposal=proposal, closes_at=soon(10))
    assert extended.closes_at > proposal.opened_at + datetime.timedelta(days=9)
    assert JournalEntry.objects.filter(verb="proposal.extended").count() == 1
    proposal_close(actor=s.author.user, proposal=extended)
    with pytest.raises(Conflict):
        proposal_extend(actor=s.author.user, proposal=extended, closes_at=soon(20))


def test_a_proposal_past_its_time_cannot_be_extended_even_before_the_task_ran(s: Setup) -> None:
    proposal = create(s)
    Proposal.objects.filter(pk=proposal.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    proposal.refresh_from_db()
    with pytest.raises(Conflict):
        proposal_extend(actor=s.author.user, proposal=proposal, closes_at=soon(3))


# ---------------------------------------------------------------- reminding


def test_the_reminder_goes_once_to_who_has_not_voted_in_the_last_day(
    s: Setup, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = create(s)
    vote_cast(actor=s.alice.user, proposal=proposal, choices=["agree"])
    assert proposal_remind_voters(proposal_uuid=str(proposal.uuid)) == 0  # too early
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=soon(0.5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminded = proposal_remind_voters(proposal_uuid=str(proposal.uuid))
    assert reminded == 2  # the author and Bruno
    assert sorted(m.to[0] for m in mail.outbox) == sorted([s.author.user.email, s.bruno.user.email])
    assert proposal_remind_voters(proposal_uuid=str(proposal.uuid)) == 0


# ---------------------------------------------------------------- outcome


def test_an_outcome_is_written_after_closing_by_the_author_or_a_steward(
    s: Setup, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = create(s)
    with pytest.raises(Conflict):
        outcome_create(actor=s.author.user, proposal=proposal, statement="Adopté.")
    proposal_close(actor=s.author.user, proposal=proposal)
    with pytest.raises(NotAllowed):
        outcome_create(actor=s.alice.user, proposal=proposal, statement="Adopté.")
    with pytest.raises(ValidationError):
        outcome_create(actor=s.author.user, proposal=proposal, statement=" ")
    Notification.objects.all().delete()
    outcome_create(actor=s.author.user, proposal=proposal, statement="Adopté.")
    outcome_create(actor=s.steward.user, proposal=proposal, statement="Adopté, précisé.")
    assert Outcome.objects.filter(proposal=proposal).count() == 2
    assert proposal.outcomes.first().statement == "Adopté, précisé."  # type: ignore[union-attr]
    assert JournalEntry.objects.filter(verb="proposal.outcome").count() == 2
    # The author's outcome reaches the others; the steward's reaches the author too.
    assert notified("outcome").count(s.alice.user.email) == 2
    assert notified("outcome").count(s.author.user.email) == 1


def test_reason_setting_is_kept(s: Setup) -> None:
    proposal = create(s, reason_required=ReasonRequired.ALWAYS)
    assert proposal.reason_required == ReasonRequired.ALWAYS


def test_factory_builds_an_open_consent_proposal() -> None:
    proposal = ProposalFactory()
    assert proposal.options.count() == 4


def test_the_tasks_call_the_services(s: Setup) -> None:
    from cercle.decisions.tasks import close_proposal_when_due, remind_proposal_voters

    proposal = create(s)
    assert close_proposal_when_due.call(str(proposal.uuid)) is False
    assert remind_proposal_voters.call(str(proposal.uuid)) == 0
