"""Every write on the tender watch: posting, interests, discussion, turning a tender into
a request with its team, and recording the result.

The tender watch creates the SupportRequest, Team and TeamMember rows itself (source
"tender watch"); the requests and teams topics take over from there.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.membership.models import CircleMembership
from cercle.missions.enums import (
    MemberStatus,
    RequestSource,
    RequestStatus,
    TeamRole,
    TenderInterestKind,
)
from cercle.missions.models import (
    SupportRequest,
    Team,
    TeamMember,
    Tender,
    TenderComment,
    TenderInterest,
)
from cercle.missions.policies.tenders import (
    check_can_lead_tender_answer,
    check_can_post_tender,
    check_can_take_part,
)
from cercle.missions.services.requests import request_announce
from cercle.network.models import Person, Skill, Territory
from cercle.network.services import person_of

CENT = Decimal("0.01")
COMMENT_MAX = 5000
RESULT_MAX = 5000
# Roles a lead may invite people into (the lead is the actor).
INVITABLE_ROLES = {r.value for r in TeamRole if r != TeamRole.LEAD}


class TenderOutcome:
    WON = "won"
    LOST = "lost"
    ABANDONED = "abandoned"
    CHOICES = (
        (WON, gettext_lazy("Won")),
        (LOST, gettext_lazy("Lost")),
        (ABANDONED, gettext_lazy("Not answered or cancelled")),
    )
    VALUES = {WON, LOST, ABANDONED}


def request_url(request: SupportRequest) -> str:
    """The request's page; the tender's page while the requests topic has none."""
    try:
        return request.get_absolute_url()
    except NoReverseMatch:  # pragma: no cover - the requests topic provides the page
        return request.tender.get_absolute_url() if request.tender else "/"


def _text(value: Any) -> str:
    return str(value or "").strip()


def _closed_error(tender: Tender) -> Conflict:
    return Conflict(_("The deadline of this tender has passed."))


def _check_open(tender: Tender) -> None:
    if tender.deadline <= timezone.now():
        raise _closed_error(tender)


def _money(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(field, []).append(_("Enter an amount in euros excluding VAT."))
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        errors.setdefault(field, []).append(_("Enter an amount in euros excluding VAT."))
        return None
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


# --- Posting ------------------------------------------------------------------------


def tender_post(
    *,
    actor: User,
    title: str,
    buyer: str,
    link: str,
    deadline: datetime.datetime,
    cpv_code: str,
    lots: str = "",
    description: str = "",
) -> Tender:
    """A member posts a public tender they spotted; its deadline must be ahead."""
    check_can_post_tender(actor)
    person = person_of(actor)
    tender = Tender(
        title=_text(title),
        buyer=_text(buyer),
        link=_text(link),
        deadline=deadline,
        cpv_code=_text(cpv_code),
        lots=_text(lots),
        description=_text(description),
        posted_by=person,
    )
    errors: dict[str, list[str]] = {}
    try:
        tender.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if isinstance(deadline, datetime.datetime):
        if timezone.is_naive(deadline):
            errors.setdefault("deadline", []).append(_("Give the time zone of the deadline."))
        elif deadline <= timezone.now():
            errors.setdefault("deadline", []).append(_("The deadline must be in the future."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        tender.save()
        journal.record(
            actor=actor,
            verb="tender.posted",
            obj=tender,
            payload={"buyer": tender.buyer, "cpv": tender.cpv_code},
            visibility=Visibility.MEMBERS,
        )
    return tender


# --- Interests ----------------------------------------------------------------------


def tender_interest_set(*, actor: User, tender: Tender, kind: str) -> TenderInterest:
    """Say "I'm looking at it" or "I want to answer together", or change one's mind."""
    check_can_take_part(actor, tender)
    person = person_of(actor)
    if kind not in TenderInterestKind.values:
        raise ValidationError({"kind": [_("Select a valid choice.")]})
    _check_open(tender)
    with transaction.atomic():
        interest, created = TenderInterest.objects.select_for_update().get_or_create(
            tender=tender, person=person, defaults={"kind": kind}
        )
        previous = "" if created else interest.kind
        if not created and interest.kind != kind:
            interest.kind = kind
            interest.save(update_fields=["kind"])
        if previous != kind:
            journal.record(
                actor=actor,
                verb="tender.interest_set",
                obj=tender,
                payload={"kind": kind, "previous": previous},
                visibility=Visibility.MEMBERS,
            )
    return interest


def tender_interest_remove(*, actor: User, tender: Tender) -> bool:
    """Withdraw one's interest; True when there was one."""
    check_can_take_part(actor, tender)
    person = person_of(actor)
    with transaction.atomic():
        interest = TenderInterest.objects.filter(tender=tender, person=person).first()
        if interest is None:
            return False
        kind = interest.kind
        interest.delete()
        journal.record(
            actor=actor,
            verb="tender.interest_removed",
            obj=tender,
            payload={"kind": kind},
            visibility=Visibility.MEMBERS,
        )
    return True


# --- Discussion ---------------------------------------------------------------------


def tender_comment_post(*, actor: User, tender: Tender, text: str) -> TenderComment:
    """A message in the tender's discussion; the poster and the interested people are told."""
    check_can_take_part(actor, tender)
    person = person_of(actor)
    text = _text(text)
    if not text:
        raise ValidationError({"text": [_("Write a message.")]})
    if len(text) > COMMENT_MAX:
        raise ValidationError({"text": [_("Keep it under %(n)s characters.") % {"n": COMMENT_MAX}]})
    if "\x00" in text:
        raise ValidationError({"text": [_("Enter a valid value.")]})
    with transaction.atomic():
        comment = TenderComment(tender=tender, author=person, text=text)
        comment.full_clean()
        comment.save()
        journal.record(
            actor=actor,
            verb="tender.commented",
            obj=tender,
            payload={"comment": comment.pk},
            visibility=Visibility.MEMBERS,
        )
        people_ids = {tender.posted_by_id} | set(
            TenderInterest.objects.filter(tender=tender).values_list("person_id", flat=True)
        )
        people_ids.discard(person.pk)
        notify(
            kind=NotificationKind.TENDER,
            url=tender.get_absolute_url(),
            users=list(User.objects.filter(person__id__in=people_ids)),
            subject=gettext_lazy("A new message about a tender you follow"),
            template="missions/email/tenders_comment.txt",
            context={
                "title": tender.title,
                "author": person.full_name,
                "text": text,
                "url": tender.get_absolute_url(),
            },
        )
    return comment


# --- Answering together: the request and its team ------------------------------------


def _in_circle_ids(people: Sequence[Person]) -> set[int]:
    return set(
        CircleMembership.objects.filter(person__in=people, ended_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )


def _clean_members(
    lead: Person, members: Sequence[tuple[Person, str]], errors: dict[str, list[str]]
) -> list[tuple[Person, str]]:
    rows: list[tuple[Person, str]] = []
    seen: set[int] = set()
    for person, role in members:
        if role not in INVITABLE_ROLES:
            errors.setdefault("members", []).append(
                _("%(name)s: choose a role other than lead.") % {"name": person.full_name}
            )
            continue
        if person.pk == lead.pk:
            errors.setdefault("members", []).append(_("You lead the team: do not invite yourself."))
            continue
        if person.pk in seen:
            errors.setdefault("members", []).append(
                _("%(name)s is invited twice.") % {"name": person.full_name}
            )
            continue
        seen.add(person.pk)
        rows.append((person, role))
    in_circle = _in_circle_ids([p for p, _r in rows]) if rows else set()
    for person in [p for p, _r in rows if p.pk not in in_circle]:
        errors.setdefault("members", []).append(
            _("%(name)s is not a member of the consultants' circle.") % {"name": person.full_name}
        )
    return rows


def _resolve_territory(
    territory: Territory | str, errors: dict[str, list[str]]
) -> Territory | None:
    if isinstance(territory, Territory):
        return territory
    found = Territory.objects.filter(code=_text(territory).upper()).first()
    if found is None:
        errors.setdefault("territory", []).append(_("No territory has this code."))
    return found


def _resolve_skills(skills: Sequence[Skill | str], errors: dict[str, list[str]]) -> list[Skill]:
    objects = [s for s in skills if isinstance(s, Skill)]
    slugs = [s for s in skills if isinstance(s, str) and s]
    if slugs:
        found = {s.slug: s for s in Skill.objects.filter(slug__in=slugs, is_active=True)}
        missing = [s for s in slugs if s not in found]
        if missing:
            errors.setdefault("skills", []).append(
                _("Unknown or withdrawn skill: %(slugs)s.") % {"slugs": ", ".join(missing)}
            )
        objects += [found[s] for s in slugs if s in found]
    return list({s.pk: s for s in objects}.values())


def tender_to_request(
    *,
    actor: User,
    tender: Tender,
    team_name: str,
    members: Sequence[tuple[Person, str]],
    budget_min_ht: Any,
    budget_max_ht: Any,
    offers_deadline: datetime.datetime,
    territory: Territory | str,
    description: str,
    skills: Sequence[Skill | str] = (),
) -> SupportRequest:
    """A consortium turns the tender into a request of the circle, with its team.

    One transaction creates the request (source tender watch, already confirmed, client =
    the buyer, contact = the actor), the team with the actor as accepted lead, and the
    invitations of the listed members. A tender is turned into one request only: the
    watch is there so that members answer together, not against each other.
    """
    check_can_lead_tender_answer(actor, tender)
    lead = person_of(actor)
    if not _in_circle_ids([lead]):
        raise NotAllowed(_("Only members of the consultants' circle can lead a team."))
    _check_open(tender)
    errors: dict[str, list[str]] = {}
    team_name = _text(team_name)
    if not team_name:
        errors.setdefault("team_name", []).append(_("Name the team."))
    elif len(team_name) > 120:
        errors.setdefault("team_name", []).append(_("This value is too long."))
    rows = _clean_members(lead, members, errors)
    low = _money(budget_min_ht, "budget_min_ht", errors)
    high = _money(budget_max_ht, "budget_max_ht", errors)
    if low is not None and high is not None and low > high:
        errors.setdefault("budget_max_ht", []).append(
            _("The upper bound of the budget must not be below the lower bound.")
        )
    now = timezone.now()
    if not isinstance(offers_deadline, datetime.datetime) or timezone.is_naive(offers_deadline):
        errors.setdefault("offers_deadline", []).append(_("Enter a valid date and time."))
    elif offers_deadline <= now:
        errors.setdefault("offers_deadline", []).append(_("The deadline must be in the future."))
    elif offers_deadline > tender.deadline:
        errors.setdefault("offers_deadline", []).append(
            _("The deadline for offers must come before the tender's deadline.")
        )
    place = _resolve_territory(territory, errors)
    chosen_skills = _resolve_skills(skills, errors)
    description = _text(description) or tender.description or tender.title
    if errors:
        raise ValidationError(errors)
    if place is None or low is None or high is None:  # pragma: no cover - reported above
        raise ValidationError(_("The request is not valid."))
    request = SupportRequest(
        title=tender.title[:200],
        description=description,
        client_name=tender.buyer,
        contact_name=lead.full_name[:160],
        contact_email=actor.email,
        territory=place,
        budget_min_ht=low,
        budget_max_ht=high,
        offers_deadline=offers_deadline,
        source=RequestSource.TENDER_WATCH,
        tender=tender,
        status=RequestStatus.NEW,
        submitted_by=lead,
        confirmed_at=now,
    )
    request.full_clean()
    with transaction.atomic():
        # Lock the tender so two consortia cannot both turn it into a request.
        Tender.objects.select_for_update().filter(pk=tender.pk).first()
        if (
            SupportRequest.objects.filter(tender=tender)
            .exclude(status=RequestStatus.CANCELLED)
            .exists()
        ):
            raise Conflict(_("This tender has already been turned into a request."))
        request.save()
        if chosen_skills:
            request.required_skills.set(chosen_skills)
        team = Team(request=request, name=team_name, lead=lead)
        team.full_clean(exclude=["request"])
        team.save()
        try:
            TeamMember.objects.create(
                team=team,
                request=request,
                person=lead,
                role=TeamRole.LEAD,
                status=MemberStatus.ACCEPTED,
                responded_at=now,
            )
            TeamMember.objects.bulk_create(
                TeamMember(
                    team=team,
                    request=request,
                    person=person,
                    role=role,
                    status=MemberStatus.INVITED,
                    invited_by=lead,
                )
                for person, role in rows
            )
        except IntegrityError as error:  # pragma: no cover - guarded above
            raise Conflict() from error
        journal.record(
            actor=actor,
            verb="tender.turned_into_request",
            obj=tender,
            payload={
                "request": str(request.uuid),
                "team": str(team.uuid),
                "invited": [p.slug for p, _r in rows],
            },
            visibility=Visibility.MEMBERS,
        )
        notify(
            kind=NotificationKind.TEAM_INVITATION,
            url=request_url(request),
            users=[p.user for p, _r in rows],
            subject=gettext_lazy("You are invited into a team answering a tender"),
            template="missions/email/tenders_team_invitation.txt",
            context={
                "title": tender.title,
                "lead": lead.full_name,
                "team": team.name,
                "url": request_url(request),
            },
        )
        # Like any request that becomes visible: the circle hears of it, the rotation asks.
        request_announce(request, actor)
    return request


def tender_record_result(
    *,
    actor: User,
    tender: Tender,
    result: str,
    outcome: str = "",
    winner: str = "",
    amount_ht: Any = None,
) -> Tender:
    """Record what came of the tender (won or lost, by whom, for how much) once its
    deadline has passed; a later record corrects an earlier one, both stay in the journal."""
    check_can_lead_tender_answer(actor, tender)
    errors: dict[str, list[str]] = {}
    result = _text(result)
    winner = _text(winner)
    if not result:
        errors.setdefault("result", []).append(_("Say what came of the tender."))
    elif len(result) > RESULT_MAX or "\x00" in result:
        errors.setdefault("result", []).append(_("This value is too long."))
    if outcome and outcome not in TenderOutcome.VALUES:
        errors.setdefault("outcome", []).append(_("Select a valid choice."))
    if len(winner) > 200:
        errors.setdefault("winner", []).append(_("This value is too long."))
    amount = None
    if amount_ht not in (None, ""):
        amount = _money(amount_ht, "amount_ht", errors)
    if errors:
        raise ValidationError(errors)
    if tender.deadline > timezone.now():
        raise Conflict(_("The result can be recorded once the tender's deadline has passed."))
    # The model keeps one text: the structured facts head it, in the recorder's language,
    # and the journal keeps them structured.
    facts = []
    if outcome:
        facts.append(_("Outcome: %(o)s") % {"o": dict(TenderOutcome.CHOICES)[outcome]})
    if winner:
        facts.append(_("Awarded to: %(w)s") % {"w": winner})
    if amount is not None:
        facts.append(_("Amount: %(a)s € excl. VAT") % {"a": amount})
    with transaction.atomic():
        tender.result = "\n".join([*facts, result]) if facts else result
        tender.result_recorded_at = timezone.now()
        tender.save(update_fields=["result", "result_recorded_at"])
        journal.record(
            actor=actor,
            verb="tender.result_recorded",
            obj=tender,
            payload={
                "outcome": outcome,
                "winner": winner,
                "amount_ht": str(amount) if amount is not None else "",
                "result": result,
            },
            visibility=Visibility.MEMBERS,
        )
    return tender
