"""The network decides on a support letter: the consent proposal opened after the
review, its result once closed, the letter's PDF and the holder's invitation.

`letter_decide_from_proposal(proposal)` is the hook: the task `decide_support_letter`
(enqueued at the proposal's closing instant) calls it, and the command
`decide_support_letters` sweeps whatever the worker missed. Both are idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.notifications import notify, notify_address
from cercle.core.pdf import render_pdf
from cercle.core.transitions import check_transition
from cercle.decisions import tally as tallying
from cercle.decisions.enums import LETTER_TRANSITIONS, LetterStatus, PollKind, ProposalStatus
from cercle.decisions.models import Group, Proposal, SupportLetterRequest, Vote, VoteChoice

# The proposal closes this long before the call's deadline, when there is time for it.
CLOSING_MARGIN = timedelta(hours=48)
# Under this much voting time, the proposal closes halfway to the deadline instead.
MIN_VOTING_TIME = timedelta(days=3)
# The decision task runs a little after the closing instant, once the proposal's own
# closing task has had its turn.
DECISION_DELAY = timedelta(seconds=30)


def proposal_closing_time(now: datetime, deadline: datetime) -> datetime:
    """When the network's vote on a letter closes: 48 hours before the call's deadline;
    if that leaves under three days of vote, halfway between now and the deadline.
    Always after `now` and never after the deadline (which must be after `now`)."""
    if deadline <= now:
        raise ValueError("the deadline has passed")
    closes_at = deadline - CLOSING_MARGIN
    if closes_at - now < MIN_VOTING_TIME:
        closes_at = now + (deadline - now) / 2
    return closes_at


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _proposal_details(letter: SupportLetterRequest) -> str:
    deadline = timezone.localtime(letter.call_deadline).strftime("%d/%m/%Y %H:%M")
    with translation.override("fr"):
        lines = [
            _("The project “%(project)s”, held by %(holder)s, asks for the association's support.")
            % {"project": letter.project_name, "holder": letter.holder.name},
            "",
            letter.project_summary,
            "",
            _("Call for projects: %(call)s (deadline %(deadline)s).")
            % {"call": letter.call_name, "deadline": deadline},
            "",
            _("The reviewer's reading:"),
            "",
            letter.review_summary,
            "",
            _("The dossier, the review and each criterion: %(url)s")
            % {"url": _site_url(letter.get_absolute_url())},
        ]
    return "\n".join(lines)


def letter_proposal_open(*, letter: SupportLetterRequest, group: Group) -> Proposal:
    """Open the consent proposal on a reviewed letter. Runs inside the review's
    transaction; the decision task is enqueued after it commits."""
    from cercle.decisions.services.proposals import proposal_create

    now = timezone.now()
    closes_at = proposal_closing_time(now, letter.call_deadline)
    with translation.override("fr"):
        title = _("Support letter for “%(project)s” (%(holder)s)") % {
            "project": letter.project_name,
            "holder": letter.holder.name,
        }
    proposal = proposal_create(
        actor=None,
        group=group,
        kind=PollKind.PROPOSAL,
        title=title[:200],
        details=_proposal_details(letter),
        closes_at=closes_at,
    )
    check_transition(LETTER_TRANSITIONS, letter.status, LetterStatus.IN_DECISION)
    letter.status = LetterStatus.IN_DECISION
    letter.proposal = proposal
    letter.save(update_fields=["status", "proposal"])
    journal.record(
        actor=None,
        verb="letter.in_decision",
        obj=letter,
        payload={"proposal": str(proposal.uuid), "closes_at": closes_at.isoformat()},
        visibility=Visibility.MEMBERS,
    )
    notify(
        users=[letter.requested_by.user],
        kind=NotificationKind.SUPPORT_LETTER,
        subject=gettext_lazy("The network is deciding on your support letter"),
        template="decisions/email/letters_in_decision.txt",
        context={
            "project": letter.project_name,
            "closes_at": timezone.localtime(closes_at).strftime("%d/%m/%Y %H:%M"),
            "url": letter.get_absolute_url(),
        },
        url=letter.get_absolute_url(),
    )
    _schedule_decision(letter, closes_at)
    return proposal


def _schedule_decision(letter: SupportLetterRequest, closes_at: datetime) -> None:
    from django_tasks import default_task_backend

    from cercle.decisions.tasks_letters import decide_support_letter

    letter_uuid = str(letter.uuid)

    def enqueue() -> None:
        # A backend that cannot wait (the tests' immediate one) leaves it to the sweep.
        if default_task_backend.supports_defer:
            decide_support_letter.using(run_after=closes_at + DECISION_DELAY).enqueue(letter_uuid)

    transaction.on_commit(enqueue)


# ---------------------------------------------------------------- the result


@dataclass(frozen=True)
class ConsentResult:
    agree: int
    abstain: int
    disagree: int
    block: int
    counted: int

    @property
    def agreed(self) -> bool:
        """Agreed: nobody blocks and more agree than disagree among counted votes."""
        return self.block == 0 and self.agree > self.disagree


def consent_result(proposal: Proposal) -> ConsentResult:
    """The latest vote of each person counts; people standing aside are not counted.
    Two queries, whatever the number of votes; counted by `decisions.tally`."""
    counted_votes = Vote.objects.filter(proposal=proposal, is_latest=True).exclude(
        voter_id__in=proposal.stand_asides.values("person_id")
    )
    rows = (
        VoteChoice.objects.filter(vote__in=counted_votes)
        .values_list("option_id", "value")
        .annotate(n=Count("vote_id"))
        .order_by()
    )
    options = [
        tallying.OptionSpec(id=o.pk, key=o.key, label=o.label) for o in proposal.options.all()
    ]
    counted = counted_votes.count()
    result = tallying.tally_from_counts(
        proposal.kind, options, [(o, v, n) for o, v, n in rows], counted
    )
    by_key = result.by_key()

    def count(key: str) -> int:
        return by_key[key].count if key in by_key else 0

    return ConsentResult(
        agree=count("agree"),
        abstain=count("abstain"),
        disagree=count("disagree"),
        block=count("block"),
        counted=counted,
    )


def letter_pdf_render(letter: SupportLetterRequest, *, issued_at: datetime) -> bytes:
    """The letter, in French: the association's letterhead, the date, the project, its
    holder, the call, and the signature block."""
    with translation.override("fr"):
        return render_pdf(
            "pdf/support_letter.html",
            {
                "letter": letter,
                "issued_at": issued_at,
                "association_name": settings.ASSOCIATION_NAME,
                "association_address": settings.ASSOCIATION_ADDRESS,
                "association_siren": settings.ASSOCIATION_SIREN,
                "LANGUAGE_CODE": "fr",
            },
        )


def _close_proposal_if_due(proposal: Proposal) -> None:
    """Close a proposal whose time is up if its own task has not run yet."""
    from cercle.decisions.services.proposals import proposal_close_when_due

    if proposal.status == ProposalStatus.OPEN:
        proposal_close_when_due(proposal_uuid=str(proposal.uuid))


def letter_decide_from_proposal(proposal: Proposal) -> SupportLetterRequest | None:
    """Decide the letter once its proposal is over (its time is up, or it was closed
    early). Agreed: the PDF is produced, the requester told, the holder invited to
    adhere. Otherwise: refused. Does nothing (returns None) while the vote is open or
    when the letter is already decided."""
    letter = (
        SupportLetterRequest.objects.select_related("holder", "requested_by__user")
        .filter(proposal=proposal)
        .first()
    )
    if letter is None or letter.status != LetterStatus.IN_DECISION:
        return None
    now = timezone.now()
    if proposal.status == ProposalStatus.OPEN and now < proposal.closes_at:
        return None
    _close_proposal_if_due(proposal)
    result = consent_result(proposal)
    # A cancelled proposal never agreed: the letter is refused.
    if result.agreed and proposal.status != ProposalStatus.CANCELLED:
        pdf = letter_pdf_render(letter, issued_at=now)
        return _approve(letter, result, pdf, now)
    return _refuse(letter, result)


def _counts(result: ConsentResult) -> dict[str, int]:
    return {
        "agree": result.agree,
        "abstain": result.abstain,
        "disagree": result.disagree,
        "block": result.block,
        "counted": result.counted,
    }


def _locked_in_decision(letter: SupportLetterRequest) -> SupportLetterRequest | None:
    locked = SupportLetterRequest.objects.select_for_update().get(pk=letter.pk)
    if locked.status != LetterStatus.IN_DECISION:
        return None
    return locked


def _approve(
    letter: SupportLetterRequest, result: ConsentResult, pdf: bytes, now: datetime
) -> SupportLetterRequest | None:
    url = letter.get_absolute_url()
    with transaction.atomic():
        locked = _locked_in_decision(letter)
        if locked is None:
            return None
        check_transition(LETTER_TRANSITIONS, locked.status, LetterStatus.APPROVED)
        locked.status = LetterStatus.APPROVED
        locked.issued_at = now
        locked.holder_invited_at = now
        locked.letter_pdf.save(f"lettre-de-soutien-{locked.project_key}.pdf", ContentFile(pdf))
        locked.save(update_fields=["status", "issued_at", "holder_invited_at", "letter_pdf"])
        # The letter's existence is public: the project and its holder.
        journal.record(
            actor=None,
            verb="letter.approved",
            obj=locked,
            payload={
                "project": locked.project_name,
                "holder": letter.holder.name,
                "call": locked.call_name,
            },
            visibility=Visibility.PUBLIC,
        )
        journal.record(
            actor=None,
            verb="letter.decided",
            obj=locked,
            payload={"outcome": "approved", **_counts(result)},
            visibility=Visibility.MEMBERS,
        )
        notify(
            users=[letter.requested_by.user],
            kind=NotificationKind.SUPPORT_LETTER,
            subject=gettext_lazy("The association supports your project: your letter is ready"),
            template="decisions/email/letters_approved.txt",
            context={"project": locked.project_name, "url": url},
            url=url,
        )
        notify_address(
            to=locked.contact_email,
            subject=gettext_lazy("Join the network of third places and share your experience"),
            template="decisions/email/letters_invitation.txt",
            context={
                "project": locked.project_name,
                "holder": letter.holder.name,
                "adhesion_url": reverse("membership:adhesion_home"),
                "url": url,
            },
        )
    return locked


def _refuse(letter: SupportLetterRequest, result: ConsentResult) -> SupportLetterRequest | None:
    url = letter.get_absolute_url()
    with transaction.atomic():
        locked = _locked_in_decision(letter)
        if locked is None:
            return None
        check_transition(LETTER_TRANSITIONS, locked.status, LetterStatus.REFUSED)
        locked.status = LetterStatus.REFUSED
        locked.save(update_fields=["status"])
        journal.record(
            actor=None,
            verb="letter.decided",
            obj=locked,
            payload={"outcome": "refused", **_counts(result)},
            visibility=Visibility.MEMBERS,
        )
        notify(
            users=[letter.requested_by.user],
            kind=NotificationKind.SUPPORT_LETTER,
            subject=gettext_lazy("The association will not support your project this time"),
            template="decisions/email/letters_refused.txt",
            context={
                "project": locked.project_name,
                "url": url,
                "blocks": result.block,
                "agree": result.agree,
                "disagree": result.disagree,
            },
            url=url,
        )
    return locked


def letter_decide(*, letter_uuid: str) -> SupportLetterRequest | None:
    """The task's entry point: decide one letter by its uuid (idempotent)."""
    letter = (
        SupportLetterRequest.objects.select_related("proposal")
        .filter(uuid=letter_uuid, status=LetterStatus.IN_DECISION)
        .first()
    )
    if letter is None or letter.proposal is None:
        return None
    return letter_decide_from_proposal(letter.proposal)


def letters_decide_due() -> int:
    """The sweep: decide every letter whose proposal's time is up. Returns how many."""
    due = (
        SupportLetterRequest.objects.filter(status=LetterStatus.IN_DECISION)
        .filter(
            Q(proposal__closes_at__lte=timezone.now()) | ~Q(proposal__status=ProposalStatus.OPEN)
        )
        .select_related("proposal")
    )
    decided = 0
    for letter in due:
        assert letter.proposal is not None
        if letter_decide_from_proposal(letter.proposal) is not None:
            decided += 1
    return decided
