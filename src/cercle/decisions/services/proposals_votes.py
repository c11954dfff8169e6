"""Votes and stand-asides on an open proposal.

Choices, per kind (see `decisions.tally` for what the values mean):
- a sequence of option keys: each chosen with value 1, or, for a ranked choice, ranked
  in the order given; a single key is a one-item sequence;
- a mapping `{option key: value}`: a score, a rank, a number of dots, or a meeting-time
  answer (2 yes, 1 if need be, 0 no).
A vote replaces the voter's previous one (kept as history, `is_latest=False`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.decisions.enums import ConsentChoice, PollKind, ProposalStatus, ReasonRequired
from cercle.decisions.models import PollOption, Proposal, StandAside, Vote, VoteChoice
from cercle.decisions.policies.proposals import check_can_stand_aside, check_can_vote
from cercle.decisions.services.proposals import clean_text, journal_visibility
from cercle.decisions.tally import MEETING_NO, MEETING_YES
from cercle.network.models import Person
from cercle.network.services import person_of

DISSENT = {ConsentChoice.DISAGREE, ConsentChoice.BLOCK, ConsentChoice.OBJECTION}
Choices = Mapping[str, Any] | Sequence[str] | str


def _as_mapping(kind: str, choices: Choices) -> dict[str, Any]:
    if isinstance(choices, str):
        choices = [choices] if choices else []
    if isinstance(choices, Mapping):
        return {str(k): v for k, v in choices.items()}
    keys = [str(k) for k in choices]
    if len(set(keys)) != len(keys):
        raise ValidationError({"choices": [_("An option is chosen twice.")]})
    if kind == PollKind.RANKED_CHOICE:
        return {key: rank for rank, key in enumerate(keys, start=1)}
    return dict.fromkeys(keys, 1)


def _int_value(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({"choices": [_("Enter a whole number for each option.")]}) from None


def clean_choices(
    proposal: Proposal, options: list[PollOption], choices: Choices
) -> dict[int, int]:
    """`{option id: value}` for a valid vote of the proposal's kind, or ValidationError."""
    kind = proposal.kind
    by_key = {o.key: o for o in options if o.key}
    raw = _as_mapping(kind, choices)
    unknown = [k for k in raw if k not in by_key]
    if unknown:
        raise ValidationError(
            {"choices": [_("Unknown option: %(keys)s.") % {"keys": ", ".join(unknown[:5])}]}
        )
    values = {by_key[k].pk: _int_value(v) for k, v in raw.items()}
    if any(v < 0 for v in values.values()):
        raise ValidationError({"choices": [_("A value cannot be negative.")]})
    if kind in (PollKind.PROPOSAL, PollKind.OBJECTION, PollKind.SINGLE_CHOICE):
        picked = {k: v for k, v in values.items() if v}
        if len(picked) != 1 or set(picked.values()) != {1}:
            raise ValidationError({"choices": [_("Choose one option.")]})
        return picked
    if kind == PollKind.MULTIPLE_CHOICE:
        picked = {k: 1 for k, v in values.items() if v}
        low, high = proposal.min_choices or 1, proposal.max_choices or len(options)
        if not low <= len(picked) <= high:
            raise ValidationError(
                {
                    "choices": [
                        _("Choose from %(low)d to %(high)d options.") % {"low": low, "high": high}
                    ]
                }
            )
        return picked
    if kind == PollKind.SCORE:
        top = proposal.max_score or 0
        if not values:
            raise ValidationError({"choices": [_("Give at least one score.")]})
        if any(v > top for v in values.values()):
            raise ValidationError({"choices": [_("Scores go from 0 to %(max)d.") % {"max": top}]})
        return values
    if kind == PollKind.RANKED_CHOICE:
        ranks = sorted(v for v in values.values() if v)
        if not ranks or ranks != list(range(1, len(ranks) + 1)):
            raise ValidationError(
                {"choices": [_("Rank the options 1, 2, 3… without gaps or ties.")]}
            )
        return {k: v for k, v in values.items() if v}
    if kind == PollKind.DOT_VOTE:
        budget = proposal.dots_per_voter or 0
        spent = sum(values.values())
        if spent < 1:
            raise ValidationError({"choices": [_("Place at least one dot.")]})
        if spent > budget:
            raise ValidationError(
                {
                    "choices": [
                        _("You placed %(spent)d dots; you have %(budget)d.")
                        % {"spent": spent, "budget": budget}
                    ]
                }
            )
        return {k: v for k, v in values.items() if v}
    if kind == PollKind.MEETING:
        if not values:
            raise ValidationError({"choices": [_("Answer for at least one time.")]})
        if any(not MEETING_NO <= v <= MEETING_YES for v in values.values()):
            raise ValidationError({"choices": [_("Answer each time with yes, if need be, or no.")]})
        return values
    raise ValidationError({"choices": [_("This kind of poll cannot take votes.")]})


def _check_open(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.OPEN or timezone.now() >= proposal.closes_at:
        moment = formats.date_format(timezone.localtime(proposal.closes_at), "DATETIME_FORMAT")
        raise Conflict(_("Voting closed on %(when)s.") % {"when": moment})


def vote_cast(
    *,
    actor: User,
    proposal: Proposal,
    choices: Choices,
    reason: str = "",
    alternative: str = "",
) -> Vote:
    """Vote, or change one's vote (the previous one stays in the history)."""
    check_can_vote(actor, proposal)
    person = person_of(actor)
    # The state as it is now, not as the caller loaded it: a late vote is a 409.
    _check_open(Proposal.objects.only("status", "closes_at").get(pk=proposal.pk))
    options = list(proposal.options.all())
    values = clean_choices(proposal, options, choices)
    errors: dict[str, list[str]] = {}
    try:
        reason = clean_text(reason, "reason", required=False)
    except ValidationError as error:
        errors.update(error.message_dict)
        reason = "x"  # stands for the refused reason while the rest is checked
    try:
        alternative = clean_text(alternative, "alternative", required=False)
    except ValidationError as error:
        errors.update(error.message_dict)
        alternative = "x"
    keys = {o.key for o in options if o.pk in values}
    is_block = ConsentChoice.BLOCK in keys and proposal.kind == PollKind.PROPOSAL
    if is_block and not alternative:
        errors.setdefault("alternative", []).append(
            _("A block comes with an alternative proposal.")
        )
    dissent = proposal.is_consent and bool(keys & DISSENT)
    if not reason and (
        proposal.reason_required == ReasonRequired.ALWAYS
        or (proposal.reason_required == ReasonRequired.DISSENT and dissent)
        or is_block
    ):
        errors.setdefault("reason", []).append(_("Give the reason for your vote."))
    if errors:
        raise ValidationError(errors)
    if not is_block:
        alternative = ""
    try:
        with transaction.atomic():
            # One vote at a time per proposal: the lock orders concurrent votes, the
            # partial unique constraint backs it up.
            locked = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
            _check_open(locked)
            if StandAside.objects.filter(proposal=locked, person=person).exists():
                raise Conflict(
                    _("You stand aside on this proposal: your vote would not be counted.")
                )
            replaced = Vote.objects.filter(proposal=locked, voter=person, is_latest=True).update(
                is_latest=False
            )
            vote = Vote(
                proposal=locked,
                voter=person,
                reason=reason,
                alternative=alternative,
                cast_at=timezone.now(),
                is_latest=True,
            )
            vote.full_clean(validate_constraints=False)
            vote.save()
            VoteChoice.objects.bulk_create(
                [VoteChoice(vote=vote, option_id=o, value=v) for o, v in values.items()]
            )
            hidden = locked.anonymous or locked.hide_results_until_closed
            journal.record(
                actor=actor,
                verb="proposal.voted",
                obj=locked,
                payload={
                    "changed": bool(replaced),
                    **({} if hidden else {"choices": sorted(keys)}),
                },
                visibility=Visibility.PRIVATE
                if locked.anonymous
                else journal_visibility(proposal.group),
                subject=None if locked.anonymous else actor,
            )
    except IntegrityError as error:
        raise Conflict(_("Another vote was being recorded at the same time: try again.")) from error
    return vote


def stand_aside_record(
    *, actor: User, proposal: Proposal, reason: str, person: Person | None = None
) -> StandAside:
    """Declare a conflict of interest (`person` None: oneself), or, as a steward, record
    one for someone else. Their vote, if any, is then no longer counted."""
    check_can_stand_aside(actor, proposal, person)
    recorder = person_of(actor)
    target = person or recorder
    reason = clean_text(reason, "reason", required=True)
    _check_open(proposal)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
        _check_open(locked)
        if StandAside.objects.filter(proposal=locked, person=target).exists():
            raise Conflict(_("This person already stands aside on this proposal."))
        stand_aside = StandAside(
            proposal=locked,
            person=target,
            reason=reason,
            recorded_by=recorder,
            recorded_at=timezone.now(),
        )
        stand_aside.full_clean(validate_constraints=False)
        stand_aside.save()
        journal.record(
            actor=actor,
            verb="proposal.stood_aside",
            obj=locked,
            payload={
                "person": target.slug,
                "reason": reason,
                "recorded_by_steward": target.pk != recorder.pk,
            },
            visibility=journal_visibility(proposal.group),
            subject=target.user if target.user_id else None,
        )
    return stand_aside
