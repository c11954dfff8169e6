"""Writes of a delegated selection: evaluators, declared ties, conflicts, scores, reveal.

The award itself and the client's choice are in `selection_award.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.missions.conflicts import conflict_reasons
from cercle.missions.enums import OfferStatus, RequestStatus, SelectionMode, TieKind
from cercle.missions.models import (
    Criterion,
    Evaluator,
    Offer,
    Score,
    SupportRequest,
    TieDeclaration,
)
from cercle.missions.policies.selection import (
    check_can_act_as_evaluator,
    check_can_run_selection,
)
from cercle.network.enums import EngagementLevel
from cercle.network.models import Person
from cercle.network.policies import person_is_member
from cercle.network.services import person_of

MARK_PLACES = Decimal("0.01")


def mark_field(label: str, position: int) -> str:
    """The field name of one mark, shared by the service's errors, the form and the API."""
    return f"mark_{label}_{position}"


def _stewards() -> list[User]:
    return list(
        User.objects.filter(person__engagement_level=EngagementLevel.SOUCIEUX, is_active=True)
    )


def _request_url(request: SupportRequest) -> str:
    return reverse("missions:evaluation", kwargs={"uuid": request.uuid})


def check_delegated_open(request: SupportRequest) -> None:
    """A delegated selection runs on a qualified request that is not awarded yet."""
    if request.selection_mode != SelectionMode.DELEGATED:
        raise Conflict(_("The client chooses the team on this request: no evaluators."))
    if request.status != RequestStatus.QUALIFIED:
        raise Conflict(_("This request is not open to a selection."))


def check_deadline_passed(request: SupportRequest) -> None:
    if timezone.now() < request.offers_deadline:
        raise Conflict(_("Offers are taken until the deadline: the teams are final only after it."))


# ---------------------------------------------------------------- evaluators


def evaluator_appoint(*, actor: User, request: SupportRequest, person: Person) -> Evaluator:
    """Appoint a member as a neutral evaluator; refused at once when a conflict is known."""
    check_can_run_selection(actor, request)
    check_delegated_open(request)
    if request.revealed_at is not None:
        raise Conflict(_("The evaluation is over: identities are already revealed."))
    if not person_is_member(person):
        raise ValidationError({"person": [_("Only a member of the network can evaluate.")]})
    if Evaluator.objects.filter(request=request, person=person).exists():
        raise ValidationError({"person": [_("This person is already an evaluator here.")]})
    reasons = conflict_reasons(person, request)
    if reasons:
        raise ValidationError(
            {
                "person": [
                    _("%(name)s cannot evaluate this request: %(reasons)s.")
                    % {"name": person.full_name, "reasons": "; ".join(reasons)}
                ]
            }
        )
    evaluator = Evaluator(request=request, person=person, appointed_by=person_of(actor))
    evaluator.full_clean()
    try:
        with transaction.atomic():
            evaluator.save()
            # Private: evaluators' names are shown to members only after the award.
            journal.record(
                actor=actor,
                verb="evaluator.appointed",
                obj=request,
                payload={"evaluator": str(evaluator.uuid)},
                visibility=Visibility.PRIVATE,
                subject=person.user,
            )
            notify(
                kind=NotificationKind.SELECTION,
                url=_request_url(request),
                users=[person.user],
                subject=gettext_lazy("You are asked to evaluate offers"),
                template="missions/email/selection_appointed.txt",
                context={"title": request.title, "url": _request_url(request)},
            )
    except IntegrityError as error:
        raise ValidationError(
            {"person": [_("This person is already an evaluator here.")]}
        ) from error
    return evaluator


def _mark_conflicted(evaluator: Evaluator, reasons: list[str]) -> None:
    """Bar the evaluator for good, tell the stewards, and maybe reveal (one fewer to wait)."""
    with transaction.atomic():
        evaluator.conflicted_at = timezone.now()
        evaluator.conflict_reason = "; ".join(reasons)
        evaluator.save(update_fields=["conflicted_at", "conflict_reason"])
        journal.record(
            actor=None,
            verb="evaluator.conflicted",
            obj=evaluator.request,
            payload={"evaluator": str(evaluator.uuid), "reasons": reasons},
            visibility=Visibility.PRIVATE,
            subject=evaluator.person.user,
        )
        notify(
            kind=NotificationKind.SELECTION,
            url=_request_url(evaluator.request),
            users=_stewards(),
            subject=gettext_lazy("An evaluator has a conflict of interest"),
            template="missions/email/selection_conflict.txt",
            context={
                "title": evaluator.request.title,
                "name": evaluator.person.full_name,
                "reasons": evaluator.conflict_reason,
                "url": _request_url(evaluator.request),
            },
        )
        reveal_if_complete(request=evaluator.request)


def _refuse(actor: User, evaluator: Evaluator) -> None:
    """Journal the refused access (committed even though the caller gets a 403)."""
    with transaction.atomic():
        journal.record(
            actor=actor,
            verb="evaluation.refused",
            obj=evaluator.request,
            payload={"evaluator": str(evaluator.uuid)},
            visibility=Visibility.PRIVATE,
            subject=evaluator.person.user,
        )
    raise NotAllowed(
        _(
            "You have a conflict of interest with a team bidding on this request: you "
            "cannot evaluate it. The stewards have been told."
        )
    )


def evaluation_access(*, actor: User, evaluator: Evaluator) -> Evaluator:
    """Check, on every access, that the evaluator is still free of any conflict.

    A detected conflict marks the evaluator as conflicted; a conflicted evaluator gets
    a 403 and a private journal entry, never the offers.
    """
    check_can_act_as_evaluator(actor, evaluator)
    if evaluator.conflicted_at is None:
        reasons = conflict_reasons(evaluator.person, evaluator.request)
        if reasons:
            # Even after submitting: a conflict found late takes the marks out of the
            # totals (results count only unconflicted evaluators).
            _mark_conflicted(evaluator, reasons)
    if evaluator.conflicted_at is not None:
        _refuse(actor, evaluator)
    return evaluator


def evaluation_access_for(*, actor: User, request: SupportRequest) -> Evaluator:
    """The actor's own evaluator record on this request, checked for conflicts."""
    person = person_of(actor)
    evaluator = (
        Evaluator.objects.select_related("request", "person__user")
        .filter(request=request, person=person)
        .first()
    )
    if evaluator is None:
        raise NotAllowed(_("You are not an evaluator of this request."))
    return evaluation_access(actor=actor, evaluator=evaluator)


def bidding_teams(request: SupportRequest) -> list[Any]:
    """Teams with a submitted offer: those an evaluator declares ties to."""
    offers = Offer.objects.filter(request=request, status=OfferStatus.SUBMITTED)
    return [o.team for o in offers.select_related("team").order_by("team__name", "id")]


def ties_declare(
    *, actor: User, evaluator: Evaluator, ties: Mapping[str, tuple[str, str]]
) -> Evaluator:
    """Declare, for each bidding team (by UUID), a tie kind and a note, once.

    Any tie other than “none” makes the evaluator conflicted at once.
    """
    evaluation_access(actor=actor, evaluator=evaluator)
    request = evaluator.request
    check_delegated_open(request)
    check_deadline_passed(request)
    if evaluator.ties_declared_at is not None:
        raise Conflict(_("Your ties are already declared."))
    teams = bidding_teams(request)
    errors: dict[str, list[str]] = {}
    known = {str(t.uuid) for t in teams}
    unknown = set(ties) - known
    if unknown:
        errors["ties"] = [_("Some teams are not bidding on this request.")]
    rows = []
    for team in teams:
        key = f"tie_{team.uuid}"
        kind, note = ties.get(str(team.uuid), ("", ""))
        if kind not in TieKind.values:
            errors[key] = [_("Say whether you have a tie with the team “%s”.") % team.name]
            continue
        if kind != TieKind.NONE and not (note or "").strip():
            errors[key] = [_("Describe the tie with the team “%s”.") % team.name]
            continue
        rows.append(
            TieDeclaration(evaluator=evaluator, team=team, kind=kind, note=(note or "").strip())
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        TieDeclaration.objects.bulk_create(rows)
        evaluator.ties_declared_at = timezone.now()
        evaluator.save(update_fields=["ties_declared_at"])
        journal.record(
            actor=actor,
            verb="evaluator.ties_declared",
            obj=request,
            payload={
                "evaluator": str(evaluator.uuid),
                "ties": {str(r.team.uuid): r.kind for r in rows},
            },
            visibility=Visibility.PRIVATE,
            subject=actor,
        )
        reasons = conflict_reasons(evaluator.person, request)
        if reasons:
            _mark_conflicted(evaluator, reasons)
    return evaluator


# ---------------------------------------------------------------- scores


def _check_can_score(evaluator: Evaluator) -> None:
    request = evaluator.request
    check_delegated_open(request)
    check_deadline_passed(request)
    if evaluator.ties_declared_at is None:
        raise Conflict(_("Declare your ties to each team before you see the offers."))
    if evaluator.submitted_at is not None:
        raise Conflict(_("Your evaluation is submitted: it can no longer change."))
    if request.revealed_at is not None:
        raise Conflict(_("The evaluation is over: identities are revealed."))


def _parse_mark(value: Any) -> Decimal | None:
    try:
        mark = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not mark.is_finite() or mark < 0 or mark > 10 or mark != mark.quantize(MARK_PLACES):
        return None
    return mark


def score_set(
    *,
    actor: User,
    evaluator: Evaluator,
    marks: Mapping[tuple[str, int], Any],
    comments: Mapping[tuple[str, int], str] | None = None,
) -> list[Score]:
    """Record marks 0–10, keyed by (offer label, criterion position); editable until submit.

    Only non-price criteria are marked: the price is scored by the published rule.
    """
    evaluation_access(actor=actor, evaluator=evaluator)
    _check_can_score(evaluator)
    request = evaluator.request
    offers = {o.label: o for o in Offer.objects.filter(request=request, status="submitted")}
    criteria = {c.position: c for c in Criterion.objects.filter(request=request)}
    errors: dict[str, list[str]] = {}
    parsed: list[tuple[Offer, Criterion, Decimal, str]] = []
    for (label, position), raw in marks.items():
        field = mark_field(str(label), int(position))
        offer, criterion = offers.get(str(label)), criteria.get(int(position))
        if offer is None or criterion is None:
            errors.setdefault("marks", []).append(
                _("There is no offer “%(label)s” or no criterion %(position)s.")
                % {"label": label, "position": position}
            )
            continue
        if criterion.is_price:
            errors[field] = [_("The price is scored by the published rule, not by hand.")]
            continue
        mark = _parse_mark(raw)
        if mark is None:
            errors[field] = [_("A mark is a number from 0 to 10, with at most two decimals.")]
            continue
        comment = str((comments or {}).get((label, position), "") or "").strip()
        parsed.append((offer, criterion, mark, comment))
    if errors:
        raise ValidationError(errors)
    to_create: list[Score] = []
    to_update: list[Score] = []
    with transaction.atomic():
        # The evaluator's row orders marks and the submission (which updates that row):
        # whatever the caller loaded, no mark changes once submitted or revealed, and
        # two tabs saving at once do not create the same mark twice.
        _check_can_score(Evaluator.objects.select_for_update().get(pk=evaluator.pk))
        existing = {
            (s.offer_id, s.criterion_id): s for s in Score.objects.filter(evaluator=evaluator)
        }
        for offer, criterion, mark, comment in parsed:
            score = existing.get((offer.pk, criterion.pk))
            if score is None:
                to_create.append(
                    Score(
                        evaluator=evaluator,
                        offer=offer,
                        criterion=criterion,
                        mark=mark,
                        comment=comment,
                    )
                )
            else:
                score.mark, score.comment, score.updated_at = mark, comment, timezone.now()
                to_update.append(score)
        Score.objects.bulk_create(to_create)
        Score.objects.bulk_update(to_update, ["mark", "comment", "updated_at"])
        journal.record(
            actor=actor,
            verb="evaluation.scored",
            obj=request,
            payload={"evaluator": str(evaluator.uuid), "marks": len(parsed)},
            visibility=Visibility.PRIVATE,
            subject=actor,
        )
    return to_create + to_update


def missing_marks(evaluator: Evaluator) -> list[str]:
    """The marks still to give, as “offer label – criterion” (two queries)."""
    request = evaluator.request
    offers = list(Offer.objects.filter(request=request, status="submitted").order_by("label"))
    criteria = list(Criterion.objects.filter(request=request, is_price=False))
    done = set(Score.objects.filter(evaluator=evaluator).values_list("offer_id", "criterion_id"))
    return [f"{o.label} – {c.name}" for o in offers for c in criteria if (o.pk, c.pk) not in done]


def evaluation_submit(*, actor: User, evaluator: Evaluator) -> Evaluator:
    """Submit once, when every non-price criterion of every offer is marked."""
    evaluation_access(actor=actor, evaluator=evaluator)
    _check_can_score(evaluator)
    missing = missing_marks(evaluator)
    if missing:
        raise ValidationError(
            {
                "marks": [
                    _("Mark every criterion of every offer before submitting. Missing: %s")
                    % ", ".join(missing[:20])
                ]
            }
        )
    with transaction.atomic():
        updated = Evaluator.objects.filter(
            pk=evaluator.pk, submitted_at__isnull=True, conflicted_at__isnull=True
        ).update(submitted_at=timezone.now())
        if not updated:
            raise Conflict(_("Your evaluation is submitted: it can no longer change."))
        evaluator.refresh_from_db()
        journal.record(
            actor=actor,
            verb="evaluation.submitted",
            obj=evaluator.request,
            payload={"evaluator": str(evaluator.uuid)},
            visibility=Visibility.PRIVATE,
            subject=actor,
        )
        reveal_if_complete(request=evaluator.request)
    return evaluator


def reveal_if_complete(*, request: SupportRequest) -> bool:
    """Reveal identities once every non-conflicted evaluator (at least one) has submitted."""
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=request.pk)
        if locked.revealed_at is not None:
            return False
        active = Evaluator.objects.filter(request=request, conflicted_at__isnull=True)
        if not active.exists() or active.filter(submitted_at__isnull=True).exists():
            return False
        locked.revealed_at = timezone.now()
        locked.save(update_fields=["revealed_at"])
        request.revealed_at = locked.revealed_at
        journal.record(
            actor=None,
            verb="request.revealed",
            obj=request,
            payload={"evaluators": active.count()},
            visibility=Visibility.MEMBERS,
        )
        notify(
            kind=NotificationKind.SELECTION,
            url=_request_url(request),
            users=_stewards(),
            subject=gettext_lazy("The evaluation is complete: identities are revealed"),
            template="missions/email/selection_revealed.txt",
            context={"title": request.title, "url": _request_url(request)},
        )
    return True
