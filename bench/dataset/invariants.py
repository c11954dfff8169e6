"""What must hold in any Cercle database, checked over the whole of it: one readable
line per violation, an empty list when everything holds."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Sum

from cercle.core import journal
from cercle.decisions.enums import PROPOSAL_TRANSITIONS, ProposalStatus
from cercle.decisions.models import Proposal, Vote
from cercle.membership.models import CharterSignature, CircleMembership
from cercle.missions.enums import (
    MEMBER_TRANSITIONS,
    MISSION_TRANSITIONS,
    OFFER_TRANSITIONS,
    REQUEST_TRANSITIONS,
    MemberStatus,
    MissionStatus,
    OfferStatus,
    RequestStatus,
)
from cercle.missions.models import Award, Mission, Offer, SupportRequest, TeamMember
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import DECLARATION_TRANSITIONS, DeclarationStatus
from cercle.reciprocity.models import LedgerLine, LedgerTransaction, Payment, YearlyDeclaration

LIMIT = 5  # ids named per violation


def reachable(table: dict[str, set[str]], start: str) -> set[str]:
    """Every state a transition table reaches from its initial state."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in table.get(todo.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


STATE_TABLES = (
    (SupportRequest, REQUEST_TRANSITIONS, RequestStatus.UNCONFIRMED),
    (Offer, OFFER_TRANSITIONS, OfferStatus.SUBMITTED),
    (Mission, MISSION_TRANSITIONS, MissionStatus.AWARDED),
    (TeamMember, MEMBER_TRANSITIONS, MemberStatus.INVITED),
    (YearlyDeclaration, DECLARATION_TRANSITIONS, DeclarationStatus.DECLARED),
    (Proposal, PROPOSAL_TRANSITIONS, ProposalStatus.OPEN),
)


def _ids(values: Iterable[object]) -> str:
    items = list(values)
    more = "…" if len(items) > LIMIT else ""
    return ", ".join(str(v) for v in items[:LIMIT]) + more


def _report(out: list[str], rule: str, ids: Iterable[object]) -> None:
    items = list(ids)
    if items:
        out.append(f"{rule}: {len(items)} (ids {_ids(items)})")


def check_invariants() -> list[str]:
    out: list[str] = []
    _ledger(out)
    _states(out)
    _circle(out)
    _money(out)
    _votes(out)
    result = journal.verify()
    if not result.ok:
        out.append(f"journal: the chain breaks at #{result.bad_seq}: {result.reason}")
    return out


def _ledger(out: list[str]) -> None:
    _report(
        out,
        "ledger: posted transactions whose lines do not sum to zero",
        ledger.unbalanced_transactions(),
    )
    if not ledger.trial_balance_is_zero():
        out.append("ledger: the trial balance is not zero")
    posted = LedgerTransaction.objects.filter(is_posted=True)
    _report(
        out,
        "ledger: posted transactions with fewer than two lines",
        posted.annotate(n=Count("lines")).filter(n__lt=2).values_list("id", flat=True),
    )
    _report(
        out,
        "ledger: lines of zero",
        LedgerLine.objects.filter(amount=0).values_list("id", flat=True),
    )
    if connection.vendor == "sqlite":  # PostgreSQL's numeric(14, 2) keeps whole cents itself
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM reciprocity_ledgerline WHERE ROUND(amount, 2) <> amount"
                " OR ROUND(amount * 100) <> ROUND(amount * 100, 6)"
            )
            _report(out, "ledger: amounts that are not whole cents", [r[0] for r in cursor])
    _report(
        out,
        "ledger: posted transactions without their journal entry",
        posted.filter(Q(journal_entry__isnull=True) | Q(number__isnull=True)).values_list(
            "id", flat=True
        ),
    )
    _report(
        out,
        "ledger: transactions left unposted",
        LedgerTransaction.objects.filter(is_posted=False).values_list("id", flat=True),
    )
    for row in posted.values("fiscal_year").annotate(
        n=Count("id"),
        low=Min("number"),
        high=Max("number"),
        distinct=Count("number", distinct=True),
    ):
        if not (row["low"] == 1 and row["high"] == row["n"] == row["distinct"]):
            out.append(
                f"ledger: entry numbers of {row['fiscal_year']} are not 1…{row['n']} without"
                f" gaps (from {row['low']} to {row['high']}, {row['distinct']} distinct)"
            )


def _states(out: list[str]) -> None:
    for model, table, start in STATE_TABLES:
        allowed = reachable(table, start)
        bad = model._default_manager.exclude(status__in=allowed).values_list("id", flat=True)
        _report(out, f"{model._meta.label}: a status no transition reaches", bad)


def _circle(out: list[str]) -> None:
    # Joining the circle takes a signature of the charter, given at the latest then.
    signed = CharterSignature.objects.filter(
        person=OuterRef("person_id"), signed_at__lte=OuterRef("joined_at")
    )
    _report(
        out,
        "circle: members who joined without signing the charter",
        CircleMembership.objects.filter(ended_at__isnull=True)
        .exclude(Exists(signed))
        .values_list("id", flat=True),
    )
    awarded = SupportRequest.objects.filter(status=RequestStatus.AWARDED)
    _report(
        out,
        "requests: awarded without exactly one award",
        awarded.filter(award__isnull=True).values_list("id", flat=True),
    )
    _report(
        out,
        "requests: awarded without a mission",
        awarded.filter(mission__isnull=True).values_list("id", flat=True),
    )
    _report(
        out,
        "requests: an award or a mission on a request that is not awarded",
        SupportRequest.objects.exclude(status=RequestStatus.AWARDED)
        .filter(Q(award__isnull=False) | Q(mission__isnull=False))
        .values_list("id", flat=True),
    )
    _report(
        out,
        "awards: the offer is not a submitted offer of the request",
        Award.objects.exclude(
            offer__request=F("request"), offer__status=OfferStatus.SUBMITTED
        ).values_list("id", flat=True),
    )
    _report(
        out,
        "missions: not the awarded offer's request, team and lead",
        Mission.objects.exclude(
            offer__request=F("request"),
            team=F("offer__team"),
            lead=F("team__lead"),
            offer__award__isnull=False,
        ).values_list("id", flat=True),
    )
    _report(
        out,
        "offers: from a team of another request",
        Offer.objects.exclude(team__request=F("request")).values_list("id", flat=True),
    )
    _report(
        out,
        "offers: on a request that takes none (not qualified or awarded)",
        Offer.objects.exclude(
            request__status__in=[
                RequestStatus.QUALIFIED,
                RequestStatus.AWARDED,
                RequestStatus.CANCELLED,
            ]
        ).values_list("id", flat=True),
    )
    _report(
        out,
        "team members: in a team of another request",
        TeamMember.objects.exclude(team__request=F("request")).values_list("id", flat=True),
    )
    _report(
        out,
        "team members: a consultant in more than one team on a request",
        TeamMember.objects.filter(status=MemberStatus.ACCEPTED)
        .values("request_id", "person_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("person_id", flat=True),
    )
    for status, field in (
        (MissionStatus.STARTED, "started_at"),
        (MissionStatus.DELIVERED, "delivered_at"),
        (MissionStatus.DOCUMENTED, "documented_at"),
        (MissionStatus.CLOSED, "closed_at"),
    ):
        later = list(reachable(MISSION_TRANSITIONS, status))
        _report(
            out,
            f"missions: at or past '{status}' without {field}",
            Mission.objects.filter(status__in=later, **{f"{field}__isnull": True}).values_list(
                "id", flat=True
            ),
        )


def _money(out: list[str]) -> None:
    invoiced = [
        DeclarationStatus.INVOICED,
        DeclarationStatus.PARTIALLY_PAID,
        DeclarationStatus.PAID,
    ]
    declarations = YearlyDeclaration.objects.annotate(
        paid=Sum("payments__gross", filter=Q(payments__refund_of__isnull=True))
    )
    _report(
        out,
        "declarations: invoiced without their invoice transaction",
        declarations.filter(status__in=invoiced, invoice_transaction__isnull=True).values_list(
            "id", flat=True
        ),
    )
    _report(
        out,
        "declarations: declared but already invoiced or paid",
        declarations.filter(status=DeclarationStatus.DECLARED)
        .filter(Q(invoice_transaction__isnull=False) | Q(paid__gt=0))
        .values_list("id", flat=True),
    )
    _report(
        out,
        "declarations: paid but payments do not sum to the amount",
        declarations.filter(status=DeclarationStatus.PAID)
        .exclude(paid=F("amount_ht"))
        .values_list("id", flat=True),
    )
    _report(
        out,
        "declarations: partially paid but nothing or everything is paid",
        declarations.filter(status=DeclarationStatus.PARTIALLY_PAID)
        .filter(Q(paid__isnull=True) | Q(paid__gte=F("amount_ht")))
        .values_list("id", flat=True),
    )
    _report(
        out,
        "payments: the transaction is not posted",
        Payment.objects.filter(transaction__is_posted=False).values_list("id", flat=True),
    )


def _votes(out: list[str]) -> None:
    _report(
        out,
        "votes: more than one current vote per person and proposal",
        Vote.objects.filter(is_latest=True)
        .values("proposal_id", "voter_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("proposal_id", flat=True),
    )
    _report(
        out,
        "votes: cast before the proposal opened or after it closed",
        Vote.objects.filter(
            Q(cast_at__lt=F("proposal__opened_at")) | Q(cast_at__gt=F("proposal__closes_at"))
        ).values_list("id", flat=True),
    )
