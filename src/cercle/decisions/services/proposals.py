"""Every write on a proposal's life: opening, closing (on time or early), extending,
reminding, the outcome. Votes and stand-asides are in `proposals_votes`.

A proposal closes by itself at `closes_at`: on opening, a task is scheduled for that
instant and a reminder for 24 hours before; `close_proposals` (a management command)
sweeps what a lost task would miss, and `vote_cast` refuses late votes by the clock in
any case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.core.transitions import check_transition
from cercle.decisions.enums import (
    CONSENT_OPTIONS,
    PROPOSAL_TRANSITIONS,
    ConsentChoice,
    GroupKind,
    GroupVisibility,
    PollKind,
    ProposalStatus,
    ReasonRequired,
)
from cercle.decisions.models import Group, Outcome, PollOption, Proposal, Thread
from cercle.decisions.policies.groups import group_members
from cercle.decisions.policies.proposals import (
    check_can_create_proposal,
    check_can_manage_proposal,
    eligible_voters,
)
from cercle.network.models import Person
from cercle.network.services import person_of

TEXT_MAX = 10_000
MAX_OPTIONS = 50
MAX_OPEN_DAYS = 366
REMINDER_BEFORE = timedelta(hours=24)
DEFAULT_MAX_SCORE = 5
DEFAULT_DOTS = 10
SCORE_LIMIT = 100
DOTS_LIMIT = 1000

OptionInput = str | datetime | Mapping[str, Any]


# ---------------------------------------------------------------- helpers


def journal_visibility(group: Group) -> Visibility:
    """A public group's decisions are public; the others' are for members."""
    return Visibility.PUBLIC if group.visibility == GroupVisibility.PUBLIC else Visibility.MEMBERS


def clean_text(value: str | None, field: str, *, required: bool, max_length: int = TEXT_MAX) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > max_length:
        raise ValidationError(
            {field: [_("Keep it under %(max)d characters.") % {"max": max_length}]}
        )
    if "\x00" in text:
        raise ValidationError({field: [_("Null characters are not allowed.")]})
    return text


def users_of(people: QuerySet[Person]) -> list[User]:
    return list(User.objects.filter(person__in=people.values("pk"), is_active=True))


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("group", "author__user")
        .get(pk=proposal.pk)
    )


def _check_closes_at(closes_at: Any, now: datetime, field: str = "closes_at") -> datetime:
    if not isinstance(closes_at, datetime):
        raise ValidationError({field: [_("Enter a valid date and time.")]})
    if timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at)
    if closes_at <= now:
        raise ValidationError({field: [_("The closing time must be in the future.")]})
    if closes_at > now + timedelta(days=MAX_OPEN_DAYS):
        raise ValidationError({field: [_("A proposal stays open for one year at most.")]})
    return closes_at


def _option_rows(kind: str, options: Sequence[OptionInput] | None) -> list[PollOption]:
    """Unsaved options: the fixed ones of the consent forms, or the poll's own."""
    if kind in CONSENT_OPTIONS:
        if options:
            raise ValidationError(
                {"options": [_("A consent proposal has fixed options: leave them out.")]}
            )
        return [
            PollOption(key=key, label=str(ConsentChoice(key).label), position=position)
            for position, key in enumerate(CONSENT_OPTIONS[PollKind(kind)], start=1)
        ]
    rows: list[PollOption] = []
    errors: list[str] = []
    for item in options or []:
        starts_at: Any = None
        if isinstance(item, datetime):
            label, starts_at = "", item
        elif isinstance(item, Mapping):
            label, starts_at = str(item.get("label") or ""), item.get("starts_at")
        else:
            label = str(item or "")
        label = label.strip()
        if starts_at is not None and not isinstance(starts_at, datetime):
            errors.append(_("Option %(n)s: enter a valid date and time.") % {"n": len(rows) + 1})
            continue
        if starts_at is not None and timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        if not label and starts_at is None:
            continue
        position = len(rows) + 1
        if kind == PollKind.MEETING:
            if starts_at is None:
                errors.append(_("Option %(n)s: a meeting time needs a date.") % {"n": position})
                continue
            if not label:
                local = timezone.localtime(starts_at)
                label = local.strftime("%d/%m/%Y %H:%M")
        if len(label) > 200:
            errors.append(_("Option %(n)s is longer than 200 characters.") % {"n": position})
        if "\x00" in label:
            errors.append(_("Null characters are not allowed."))
        rows.append(
            PollOption(key=f"o{position}", label=label, position=position, starts_at=starts_at)
        )
    if errors:
        raise ValidationError({"options": errors})
    if len(rows) < 2:
        raise ValidationError({"options": [_("A poll needs at least two options.")]})
    if len(rows) > MAX_OPTIONS:
        raise ValidationError(
            {"options": [_("A poll has %(max)d options at most.") % {"max": MAX_OPTIONS}]}
        )
    labels = [r.label.casefold() for r in rows]
    if len(set(labels)) != len(labels):
        raise ValidationError({"options": [_("Two options have the same text.")]})
    return rows


def _bounded(value: Any, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("Enter a whole number.")]}) from None
    if not low <= number <= high:
        raise ValidationError(
            {field: [_("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high}]}
        )
    return number


def _poll_settings(
    kind: str,
    n_options: int,
    *,
    min_choices: Any,
    max_choices: Any,
    max_score: Any,
    dots_per_voter: Any,
) -> dict[str, int | None]:
    """The settings that apply to the kind; the others are left empty."""
    values: dict[str, int | None] = {
        "min_choices": None,
        "max_choices": None,
        "max_score": None,
        "dots_per_voter": None,
    }
    if kind == PollKind.MULTIPLE_CHOICE:
        low = _bounded(1 if min_choices in (None, "") else min_choices, "min_choices", 1, n_options)
        high = _bounded(
            n_options if max_choices in (None, "") else max_choices, "max_choices", 1, n_options
        )
        if low > high:
            raise ValidationError({"max_choices": [_("“At most” cannot be less than “at least”.")]})
        values.update(min_choices=low, max_choices=high)
    elif kind == PollKind.SCORE:
        values["max_score"] = _bounded(
            DEFAULT_MAX_SCORE if max_score in (None, "") else max_score,
            "max_score",
            1,
            SCORE_LIMIT,
        )
    elif kind == PollKind.DOT_VOTE:
        values["dots_per_voter"] = _bounded(
            DEFAULT_DOTS if dots_per_voter in (None, "") else dots_per_voter,
            "dots_per_voter",
            1,
            DOTS_LIMIT,
        )
    return values


def _schedule(proposal: Proposal) -> None:
    """After commit: the closing task at `closes_at`, the reminder 24 hours before.

    Backends that cannot defer (the immediate one, in tests) skip it: the
    `close_proposals` sweep catches what a lost or skipped task would miss.
    """
    from django_tasks import default_task_backend

    from cercle.decisions.tasks import close_proposal_when_due, remind_proposal_voters

    uuid, closes_at = str(proposal.uuid), proposal.closes_at
    remind_at = closes_at - REMINDER_BEFORE

    def enqueue() -> None:
        if not default_task_backend.supports_defer:
            return
        close_proposal_when_due.using(run_after=closes_at).enqueue(uuid)
        if remind_at > timezone.now():
            remind_proposal_voters.using(run_after=remind_at).enqueue(uuid)

    transaction.on_commit(enqueue)


def _context(proposal: Proposal) -> dict[str, Any]:
    return {
        "title": proposal.title,
        "group": proposal.group.name,
        "closes_at": timezone.localtime(proposal.closes_at).strftime("%d/%m/%Y %H:%M"),
        "url": proposal.get_absolute_url(),
    }


# ---------------------------------------------------------------- opening


def proposal_create(
    *,
    actor: User | None,
    group: Group,
    kind: str,
    title: str,
    details: str,
    closes_at: datetime,
    thread: Thread | None = None,
    options: Sequence[OptionInput] | None = None,
    anonymous: bool = False,
    hide_results_until_closed: bool = False,
    reason_required: str = ReasonRequired.DISSENT,
    voters: Sequence[Person] | None = None,
    min_choices: int | None = None,
    max_choices: int | None = None,
    max_score: int | None = None,
    dots_per_voter: int | None = None,
) -> Proposal:
    """Open a proposal or a poll in `group` (and `thread`, when given).

    `options` are labels, or for a meeting-time poll datetimes or mappings with `label`
    and `starts_at`; the consent forms have fixed options. `voters`, when not empty,
    limits the vote to those people (members of the group). `actor=None` is the system
    opening a proposal in the association's group (a support letter): it has no author.
    """
    if actor is None:
        if group.kind != GroupKind.ASSOCIATION:
            raise NotAllowed(_("Only the association's group takes proposals opened by Cercle."))
        author = None
    else:
        check_can_create_proposal(actor, group)
        author = person_of(actor)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if kind not in PollKind.values:
        errors["kind"] = [_("Select a valid choice.")]
    if reason_required not in ReasonRequired.values:
        errors["reason_required"] = [_("Select a valid choice.")]
    if thread is not None and thread.group_id != group.pk:
        errors["thread"] = [_("This thread belongs to another group.")]
    if errors:
        raise ValidationError(errors)
    title = clean_text(title, "title", required=True, max_length=200)
    details = clean_text(details, "details", required=False)
    closes_at = _check_closes_at(closes_at, now)
    option_rows = _option_rows(kind, options)
    settings = _poll_settings(
        kind,
        len(option_rows),
        min_choices=min_choices,
        max_choices=max_choices,
        max_score=max_score,
        dots_per_voter=dots_per_voter,
    )
    listed = list({p.pk: p for p in voters or []}.values())
    if listed:
        members = set(
            group_members(group).filter(pk__in=[p.pk for p in listed]).values_list("pk", flat=True)
        )
        outsiders = [p.full_name for p in listed if p.pk not in members]
        if outsiders:
            raise ValidationError(
                {
                    "voters": [
                        _("Not members of the group: %(names)s.") % {"names": ", ".join(outsiders)}
                    ]
                }
            )
    with transaction.atomic():
        proposal = Proposal(
            group=group,
            thread=thread,
            kind=kind,
            title=title,
            details=details,
            author=author,
            opened_at=now,
            closes_at=closes_at,
            anonymous=bool(anonymous),
            hide_results_until_closed=bool(hide_results_until_closed),
            reason_required=reason_required,
            voters_limited=bool(listed),
            **settings,
        )
        proposal.full_clean()
        proposal.save()
        for row in option_rows:
            row.proposal = proposal
        PollOption.objects.bulk_create(option_rows)
        if listed:
            proposal.voters.set(listed)
        journal.record(
            actor=actor,
            verb="proposal.opened",
            obj=proposal,
            payload={
                "group": group.slug,
                "kind": kind,
                "closes_at": closes_at.isoformat(),
                "options": [r.label for r in option_rows],
                "anonymous": proposal.anonymous,
                "voters_limited": proposal.voters_limited,
            },
            visibility=journal_visibility(group),
        )
        recipients = eligible_voters(proposal)
        if author is not None:
            recipients = recipients.exclude(pk=author.pk)
        notify(
            users=users_of(recipients),
            kind=NotificationKind.VOTE_OPENED,
            subject=gettext_lazy("A new proposal awaits your vote"),
            template="decisions/email/proposals_opened.txt",
            context=_context(proposal),
            url=proposal.get_absolute_url(),
        )
        _schedule(proposal)
    return proposal


# ---------------------------------------------------------------- closing


def _close(proposal: Proposal, actor: User | None, *, early: bool) -> Proposal:
    """Inside a transaction, on a locked row: close, journal the final tally, notify."""
    from cercle.decisions.selectors.proposals_results import final_tally_payload

    now = timezone.now()
    check_transition(PROPOSAL_TRANSITIONS, ProposalStatus(proposal.status), ProposalStatus.CLOSED)
    proposal.status = ProposalStatus.CLOSED
    proposal.closed_at = now
    proposal.full_clean()
    proposal.save(update_fields=["status", "closed_at"])
    journal.record(
        actor=actor,
        verb="proposal.closed",
        obj=proposal,
        payload={"early": early, **final_tally_payload(proposal)},
        visibility=journal_visibility(proposal.group),
    )
    url = proposal.get_absolute_url()
    members = group_members(proposal.group)
    if proposal.author_id:
        members = members.exclude(pk=proposal.author_id)
    notify(
        users=users_of(members),
        kind=NotificationKind.OUTCOME,
        subject=gettext_lazy("A proposal has closed"),
        template="decisions/email/proposals_closed.txt",
        context=_context(proposal),
        url=url,
    )
    if proposal.author is not None and proposal.author.user_id:
        notify(
            users=[proposal.author.user],
            kind=NotificationKind.OUTCOME,
            subject=gettext_lazy("Your proposal has closed: write its outcome"),
            template="decisions/email/proposals_write_outcome.txt",
            context=_context(proposal),
            url=url,
        )
    return proposal


def proposal_close(*, actor: User, proposal: Proposal) -> Proposal:
    """Close early: the author or a steward, while it is open."""
    check_can_manage_proposal(actor, proposal)
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != ProposalStatus.OPEN:
            raise Conflict(_("This proposal is already closed."))
        return _close(locked, actor, early=timezone.now() < locked.closes_at)


def proposal_close_when_due(*, proposal_uuid: str) -> bool:
    """Close on time (the task and the sweep). True when it closed the proposal now."""
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("group", "author__user")
            .filter(uuid=proposal_uuid)
            .first()
        )
        if proposal is None or proposal.status != ProposalStatus.OPEN:
            return False
        if timezone.now() < proposal.closes_at:
            return False  # extended since the task was scheduled
        _close(proposal, None, early=False)
    return True


def proposals_close_due() -> int:
    """The sweep: close every open proposal past its time. Returns how many closed."""
    due = Proposal.objects.filter(
        status=ProposalStatus.OPEN, closes_at__lte=timezone.now()
    ).values_list("uuid", flat=True)
    return sum(proposal_close_when_due(proposal_uuid=str(u)) for u in list(due))


def proposal_extend(*, actor: User, proposal: Proposal, closes_at: datetime) -> Proposal:
    """Move the closing time later, while the proposal is open."""
    check_can_manage_proposal(actor, proposal)
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != ProposalStatus.OPEN or now >= locked.closes_at:
            raise Conflict(_("This proposal is closed: it can no longer be extended."))
        new_closes_at = _check_closes_at(closes_at, now)
        if new_closes_at <= locked.closes_at:
            raise ValidationError(
                {"closes_at": [_("Choose a time later than the current closing time.")]}
            )
        previous = locked.closes_at
        locked.closes_at = new_closes_at
        locked.reminder_sent_at = None
        locked.full_clean()
        locked.save(update_fields=["closes_at", "reminder_sent_at"])
        journal.record(
            actor=actor,
            verb="proposal.extended",
            obj=locked,
            payload={"from": previous.isoformat(), "to": new_closes_at.isoformat()},
            visibility=journal_visibility(locked.group),
        )
        _schedule(locked)
    return locked


# ---------------------------------------------------------------- reminding


def proposal_remind_voters(*, proposal_uuid: str) -> int:
    """Remind, once, the eligible people who have not voted, in the last 24 hours.
    Returns how many people were reminded."""
    from cercle.decisions.selectors.proposals_results import not_voted

    now = timezone.now()
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("group")
            .filter(uuid=proposal_uuid)
            .first()
        )
        if (
            proposal is None
            or proposal.status != ProposalStatus.OPEN
            or proposal.reminder_sent_at is not None
            or not (proposal.closes_at - REMINDER_BEFORE <= now < proposal.closes_at)
        ):
            return 0
        proposal.reminder_sent_at = now
        proposal.save(update_fields=["reminder_sent_at"])
        users = users_of(not_voted(proposal))
        notify(
            users=users,
            kind=NotificationKind.VOTE_CLOSING,
            subject=gettext_lazy("A vote closes in less than 24 hours"),
            template="decisions/email/proposals_closing.txt",
            context=_context(proposal),
            url=proposal.get_absolute_url(),
        )
    return len(users)


def proposals_remind_due() -> int:
    """The sweep's reminders: every open proposal in its last 24 hours not yet reminded."""
    now = timezone.now()
    due = Proposal.objects.filter(
        status=ProposalStatus.OPEN,
        reminder_sent_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + REMINDER_BEFORE,
    ).values_list("uuid", flat=True)
    return sum(proposal_remind_voters(proposal_uuid=str(u)) for u in list(due))


# ---------------------------------------------------------------- outcome


def outcome_create(*, actor: User, proposal: Proposal, statement: str) -> Outcome:
    """The author or a steward states the outcome of a closed proposal; a later one
    replaces the earlier on screen, all stay in the journal."""
    check_can_manage_proposal(actor, proposal)
    statement = clean_text(statement, "statement", required=True)
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != ProposalStatus.CLOSED:
            raise Conflict(_("An outcome is written once the proposal is closed."))
        outcome = Outcome(
            proposal=locked,
            statement=statement,
            author=person_of(actor),
            created_at=timezone.now(),
        )
        outcome.full_clean()
        outcome.save()
        journal.record(
            actor=actor,
            verb="proposal.outcome",
            obj=locked,
            payload={"outcome": str(outcome.uuid), "statement": statement},
            visibility=journal_visibility(locked.group),
        )
        members = group_members(locked.group).exclude(user=actor)
        notify(
            users=users_of(members),
            kind=NotificationKind.OUTCOME,
            subject=gettext_lazy("The outcome of a decision"),
            template="decisions/email/proposals_outcome.txt",
            context={**_context(locked), "statement": statement},
            url=locked.get_absolute_url(),
        )
    return outcome
