"""The award: the client's choice by signed link, a steward's delegated award, the mission.

One award per request: the one-to-one `Award.request` settles a race in the database.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify, notify_address
from cercle.core.signed_links import make_token, read_token
from cercle.core.transitions import check_transition
from cercle.missions.enums import (
    REQUEST_TRANSITIONS,
    MemberStatus,
    MissionStatus,
    OfferStatus,
    RequestStatus,
    SelectionMode,
)
from cercle.missions.models import Award, Mission, Offer, SupportRequest, TeamMember
from cercle.missions.policies.selection import check_can_run_selection
from cercle.network.services import person_of

CLIENT_LINK_PURPOSE = "client-choice"
CLIENT_LINK_DAYS = 30


def client_link_path(request: SupportRequest, token: str) -> str:
    return reverse("missions:client_choice", kwargs={"uuid": request.uuid, "token": token})


def _check_selectable(request: SupportRequest, mode: str) -> None:
    if Award.objects.filter(request=request).exists():
        raise Conflict(_("This request is already awarded."))
    if request.status != RequestStatus.QUALIFIED:
        raise Conflict(_("This request is not open to a selection."))
    if request.selection_mode != mode:
        raise Conflict(
            _("The client chooses the team on this request.")
            if request.selection_mode == SelectionMode.CLIENT
            else _("This request's selection is delegated to evaluators.")
        )
    if timezone.now() < request.offers_deadline:
        raise Conflict(_("Offers are taken until the deadline: the choice comes after it."))


def client_link_send(*, actor: User, request: SupportRequest) -> str:
    """Send the client a signed link (30 days) to choose a team; returns the link's path."""
    check_can_run_selection(actor, request)
    _check_selectable(request, SelectionMode.CLIENT)
    if not Offer.objects.filter(request=request, status=OfferStatus.SUBMITTED).exists():
        raise Conflict(_("No offer was submitted on this request."))
    token = make_token(CLIENT_LINK_PURPOSE, str(request.uuid))
    path = client_link_path(request, token)
    with transaction.atomic():
        journal.record(
            actor=actor,
            verb="selection.client_link_sent",
            obj=request,
            payload={"days": CLIENT_LINK_DAYS},
            visibility=Visibility.MEMBERS,
        )
        notify_address(
            to=request.contact_email,
            subject=gettext_lazy("Choose the team for your request"),
            template="missions/email/selection_client_link.txt",
            context={
                "title": request.title,
                "contact_name": request.contact_name,
                "url": path,
                "days": CLIENT_LINK_DAYS,
            },
        )
    return path


def client_token_check(*, request: SupportRequest, token: str) -> None:
    """A 403 (`NotAllowed`) unless the token is this request's, untouched and recent."""
    read_token(token, CLIENT_LINK_PURPOSE, str(request.uuid), max_age_days=CLIENT_LINK_DAYS)


def _offer_of(request: SupportRequest, offer_uuid: Any) -> Offer:
    offer = (
        Offer.objects.select_related("team__lead")
        .filter(request=request, uuid=offer_uuid, status=OfferStatus.SUBMITTED)
        .first()
        if offer_uuid
        else None
    )
    if offer is None:
        raise ValidationError({"offer": [_("Choose one of the submitted offers.")]})
    return offer


def _clean_reasons(reasons: str) -> str:
    text = (reasons or "").strip()
    if not text:
        raise ValidationError({"reasons": [_("State the reasons for this choice.")]})
    return text


def award_client(*, token: str, request: SupportRequest, offer_uuid: Any, reasons: str) -> Award:
    """The client's choice through their signed link: once, after the deadline."""
    client_token_check(request=request, token=token)
    _check_selectable(request, SelectionMode.CLIENT)
    offer = _offer_of(request, offer_uuid)
    text = _clean_reasons(reasons)
    return _award(
        actor=None,
        request=request,
        offer=offer,
        mode=SelectionMode.CLIENT,
        reasons=text,
        decided_by_client=request.contact_name,
    )


def award_delegated(
    *, actor: User, request: SupportRequest, offer_uuid: Any, reasons: str
) -> Award:
    """A steward records the award after identities are revealed (normally the top offer)."""
    check_can_run_selection(actor, request)
    _check_selectable(request, SelectionMode.DELEGATED)
    # Read from the database: the reveal may have happened through another object.
    if not SupportRequest.objects.filter(pk=request.pk, revealed_at__isnull=False).exists():
        raise Conflict(_("Every evaluator must submit before the award."))
    offer = _offer_of(request, offer_uuid)
    text = _clean_reasons(reasons)
    return _award(
        actor=actor,
        request=request,
        offer=offer,
        mode=SelectionMode.DELEGATED,
        reasons=text,
        decided_by=person_of(actor),
    )


def _award(
    *,
    actor: User | None,
    request: SupportRequest,
    offer: Offer,
    mode: str,
    reasons: str,
    decided_by: Any = None,
    decided_by_client: str = "",
) -> Award:
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = SupportRequest.objects.select_for_update().get(pk=request.pk)
            if Award.objects.filter(request=locked).exists():
                raise Conflict(_("This request is already awarded."))
            check_transition(REQUEST_TRANSITIONS, locked.status, RequestStatus.AWARDED)
            award = Award(
                request=locked,
                offer=offer,
                mode=mode,
                reasons=reasons,
                decided_by=decided_by,
                decided_by_client=decided_by_client,
                awarded_at=now,
            )
            award.full_clean(validate_unique=False, validate_constraints=False)
            award.save()
            mission = Mission.objects.create(
                request=locked,
                offer=offer,
                team=offer.team,
                lead=offer.team.lead,
                amount_ht=offer.price_ht,
                status=MissionStatus.AWARDED,
                awarded_at=now,
            )
            # Reciprocity: the mission's policy (rate copied now) and its commons pledges.
            from cercle.reciprocity.services import policies as contribution_services

            contribution_services.mission_contribution_record(mission=mission, actor=actor)
            contribution_services.commons_pledges_post(mission=mission, actor=actor)
            locked.status = RequestStatus.AWARDED
            locked.save(update_fields=["status"])
            request.status = locked.status
            journal.record(
                actor=actor,
                verb="request.awarded",
                obj=request,
                payload={
                    "offer": str(offer.uuid),
                    "label": offer.label,
                    "team": offer.team.name,
                    "mode": mode,
                    "price_ht": str(offer.price_ht),
                    "reasons": reasons,
                    "decided_by_client": decided_by_client,
                },
                visibility=Visibility.MEMBERS,
            )
            _tell_bidders(request=locked, award=award)
    except IntegrityError as error:
        raise Conflict(_("This request is already awarded.")) from error
    return award


def _tell_bidders(*, request: SupportRequest, award: Award) -> None:
    """Every member of every bidding team gets the result, the grid and their own scores."""
    from cercle.missions.selectors.selection import results_compute

    results = results_compute(request=request)
    grid = [{"name": line.name, "weight": line.weight} for line in results.grid]
    members = TeamMember.objects.filter(
        request=request,
        status=MemberStatus.ACCEPTED,
        team__offers__status=OfferStatus.SUBMITTED,
    ).select_related("person__user")
    by_team: dict[int, list[User]] = {}
    for member in members:
        by_team.setdefault(member.team_id, []).append(member.person.user)
    scored = award.mode == SelectionMode.DELEGATED
    for row in results.rows:
        users = by_team.get(row.offer.team_id, [])
        if not users:
            continue
        notify(
            kind=NotificationKind.SELECTION,
            url=request.get_absolute_url(),
            users=users,
            subject=gettext_lazy("The result of the selection"),
            template="missions/email/selection_result.txt",
            context={
                "title": request.title,
                "winner": award.offer.team.name,
                "won": row.offer.pk == award.offer_id,
                "reasons": award.reasons,
                "scored": scored,
                "grid": grid,
                "label": row.offer.label,
                "points": [
                    {"name": line.name, "weight": line.weight, "points": str(points)}
                    for line, points in zip(results.grid, row.points, strict=True)
                ],
                "total": str(row.result.total),
                "rank": row.result.rank,
                "url": request.get_absolute_url(),
            },
        )
