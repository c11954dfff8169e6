"""Reads of offers: what each person may see of them, and their anonymised presentation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.fields.files import FieldFile
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.missions.anonymise import strip_names
from cercle.missions.enums import OfferStatus, RequestStatus
from cercle.missions.models import Award, Offer, OfferCommonsLine, SupportRequest, Team, TeamMember
from cercle.missions.policies.common import check_can_view_requests
from cercle.missions.policies.offers import (
    OfferAccess,
    OfferAudience,
    can_submit_offer,
    check_can_view_offer,
    offer_access,
    offer_audience,
)
from cercle.network.models import OrganizationMembership

# ---------------------------------------------------------------- requests and teams


def request_for_offers(*, actor: Any, uuid: UUID | str) -> SupportRequest:
    """A request the actor may see (circle members and stewards), or NotFound."""
    check_can_view_requests(actor)
    found = (
        SupportRequest.objects.exclude(status=RequestStatus.UNCONFIRMED).filter(uuid=uuid).first()
    )
    if found is None:
        raise NotFound(_("No request has this address."))
    return found


def team_get(*, uuid: UUID | str) -> Team:
    team = Team.objects.select_related("request", "lead").filter(uuid=uuid).first()
    if team is None:
        raise NotFound(_("No team has this address."))
    return team


def team_led_by(*, actor: Any, support_request: SupportRequest) -> Team | None:
    """The team the actor leads on this request (not dissolved), if any."""
    from cercle.missions.policies.common import viewer

    person = viewer(actor).person
    if person is None:
        return None
    return (
        Team.objects.select_related("request", "lead")
        .filter(request=support_request, lead=person, dissolved_at__isnull=True)
        .first()
    )


# ---------------------------------------------------------------- visible offers


@dataclass
class VisibleOffer:
    offer: Offer
    access: OfferAccess

    @property
    def full(self) -> bool:
        return self.access >= OfferAccess.FULL

    @property
    def shows_team(self) -> bool:
        return self.access >= OfferAccess.AWARDED

    @property
    def awarded(self) -> bool:
        return self.access == OfferAccess.AWARDED


@dataclass
class OffersView:
    """What one person sees of a request's offers."""

    audience: OfferAudience
    live_count: int
    labels: list[str]
    visible: list[VisibleOffer] = field(default_factory=list)  # team/award/full rows
    own_team: Team | None = None
    can_submit: bool = False


def _offers_of(support_request: SupportRequest) -> QuerySet[Offer]:
    return (
        Offer.objects.filter(request=support_request)
        .select_related("team", "team__lead", "request")
        .order_by("label")
    )


def _audience_from(
    actor: Any, offers: list[Offer], teams: list[Team]
) -> tuple[OfferAudience, Team | None]:
    """`policies.offers.offer_audience` and `team_led_by`, from rows the request page has
    read already: the teams of `teams.request_teams` (the viewer's ties) and the offers,
    annotated with `is_awarded` (a request has at most one award)."""
    from cercle.missions.policies.common import viewer
    from cercle.missions.selectors import teams as team_selectors

    v = viewer(actor)
    person = v.person
    awarded = next((o.pk for o in offers if getattr(o, "is_awarded", False)), None)
    audience = OfferAudience(
        person_id=person.pk if person else None,
        is_steward=v.is_steward,
        in_circle=v.in_circle,
        team_ids=team_selectors.tied_team_ids(teams, person),
        awarded_offer_id=awarded,
    )
    return audience, team_selectors.led_team(teams, person)


def offers_view(
    *, actor: Any, support_request: SupportRequest, teams: list[Team] | None = None
) -> OffersView:
    """The request page's part: a bounded number of queries, whatever the number of offers
    (one, when the page passes the rows of `teams.request_teams`; four without)."""
    if teams is None:
        audience = offer_audience(actor, support_request)
        offers = list(_offers_of(support_request))
        own_team = team_led_by(actor=actor, support_request=support_request)
    else:
        awarded = Award.objects.filter(request=support_request, offer=OuterRef("pk"))
        offers = list(_offers_of(support_request).annotate(is_awarded=Exists(awarded)))
        audience, own_team = _audience_from(actor, offers, teams)
    live = [o for o in offers if o.status == OfferStatus.SUBMITTED]
    visible = []
    for offer in offers:
        access = offer_access(audience, offer)
        # Withdrawn offers matter only to their team (and the stewards).
        if access >= OfferAccess.FULL or (
            access >= OfferAccess.AWARDED and offer.status == OfferStatus.SUBMITTED
        ):
            visible.append(VisibleOffer(offer, access))
    has_live = own_team is not None and any(o.team_id == own_team.pk for o in live)
    return OffersView(
        audience=audience,
        live_count=len(live),
        labels=sorted((o.label for o in live), key=lambda s: (len(s), s)),
        visible=visible,
        own_team=own_team,
        can_submit=(
            own_team is not None
            and not has_live
            and can_submit_offer(actor, own_team)
            and support_request.status == RequestStatus.QUALIFIED
            and not support_request.deadline_passed()
        ),
    )


def offer_list(*, actor: Any, support_request: SupportRequest) -> list[VisibleOffer]:
    """For the API: every offer the caller may see (labels at least), lines prefetched."""
    audience = offer_audience(actor, support_request)
    offers = _offers_of(support_request).prefetch_related("commons_lines__common")
    rows = []
    for offer in offers:
        access = offer_access(audience, offer)
        if access == OfferAccess.NONE:
            continue
        if offer.status != OfferStatus.SUBMITTED and access < OfferAccess.FULL:
            continue
        rows.append(VisibleOffer(offer, access))
    return rows


def offer_get(*, actor: Any, uuid: UUID | str) -> VisibleOffer:
    """One offer with the actor's access; NotFound, or NotAllowed to those who see only
    its label (callers check more, e.g. FULL for files)."""
    offer = (
        Offer.objects.select_related("team", "team__lead", "request")
        .prefetch_related("commons_lines__common")
        .filter(uuid=uuid)
        .first()
    )
    if offer is None:
        raise NotFound(_("No offer has this address."))
    access = offer_access(offer_audience(actor, offer.request), offer)
    check_can_view_offer(access)
    return VisibleOffer(offer, access)


# ---------------------------------------------------------------- anonymised presentation


def _teams_with_leads(offers: Sequence[Offer]) -> dict[int, Team]:
    """The offers' teams with their leads: those already loaded with the offers (the
    selection's `submitted_offers` selects them), the others in one query."""
    teams = {
        o.team_id: o.team
        for o in offers
        if Offer.team.is_cached(o) and Team.lead.is_cached(o.team)  # type: ignore[attr-defined]
    }
    missing = {o.team_id for o in offers} - teams.keys()
    if missing:
        teams.update({t.pk: t for t in Team.objects.filter(pk__in=missing).select_related("lead")})
    return teams


def identity_terms(offers: Sequence[Offer]) -> dict[int, list[str]]:
    """For each offer, the words that identify its team: the team's name; every member's
    (invited, accepted or gone) first name, last name, full name and slug; and the names
    of their organizations. One query for the members and their organizations (two when
    the teams are not loaded with the offers), whatever the number of offers."""
    teams = _teams_with_leads(offers)
    people: dict[int, list[str]] = {}  # person id -> full name, first, last, slug
    people_by_team: dict[int, list[int]] = defaultdict(list)
    organizations: dict[int, list[str]] = defaultdict(list)
    rows = TeamMember.objects.filter(team_id__in=teams.keys()).values_list(
        "team_id",
        "person_id",
        "person__first_name",
        "person__last_name",
        "person__slug",
        "person__memberships__organization__name",
    )
    for team_id, pid, first, last, slug, organization in rows.order_by(
        "invited_at", "id", "person__memberships__id"
    ):
        people[pid] = [f"{first} {last}".strip(), first, last, slug]
        if pid not in people_by_team[team_id]:
            people_by_team[team_id].append(pid)
        if organization and organization not in organizations[pid]:
            organizations[pid].append(organization)
    leads_apart = {t.lead_id for t in teams.values()} - people.keys()
    if leads_apart:  # a lead always has a member row; kept for data written otherwise
        for pid, name in OrganizationMembership.objects.filter(
            person_id__in=leads_apart
        ).values_list("person_id", "organization__name"):
            organizations[pid].append(name)
    for team in teams.values():
        lead = team.lead
        people.setdefault(lead.pk, [lead.full_name, lead.first_name, lead.last_name, lead.slug])
        people_by_team[team.pk].append(lead.pk)
    terms: dict[int, list[str]] = {}
    for offer in offers:
        words: list[str] = [teams[offer.team_id].name] if offer.team_id in teams else []
        for pid in people_by_team[offer.team_id]:
            words += people[pid]
            words += organizations[pid]
        terms[offer.pk] = list(dict.fromkeys(w for w in words if w))
    return terms


@dataclass(frozen=True)
class AnonymisedCommonsLine:
    common_name: str
    common_slug: str
    amount_ht: Decimal
    purpose: str


@dataclass(frozen=True)
class AnonymisedOffer:
    """What an evaluator may read of an offer: no team, no names."""

    uuid: UUID
    label: str
    price_ht: Decimal
    days: Decimal
    method: str
    references: str
    commons_lines: list[AnonymisedCommonsLine]
    # The anonymised method file (never the original); serve it with
    # `core.uploads.download_response(file, filename=file_name)` after your own checks.
    file: FieldFile | None
    file_name: str
    file_url: str  # this topic's download address (team and stewards)


def _file_url(offer: Offer) -> str:
    try:
        return reverse(
            "missions:offer_file", kwargs={"uuid": offer.uuid, "kind": "methode-anonymisee"}
        )
    except NoReverseMatch:
        return ""


def anonymised_file_name(offer: Offer) -> str:
    suffix = str(offer.anonymised_method_file.name or "").rsplit(".", 1)
    extension = f".{suffix[-1].lower()}" if len(suffix) == 2 and len(suffix[-1]) <= 5 else ""
    return _("offer-%(label)s-method%(ext)s") % {"label": offer.label, "ext": extension}


def offers_anonymised(offers: Sequence[Offer]) -> list[AnonymisedOffer]:
    """The anonymised presentation of several offers in a bounded number of queries."""
    offers = list(offers)
    terms = identity_terms(offers)
    lines: dict[int, list[OfferCommonsLine]] = defaultdict(list)
    for line in OfferCommonsLine.objects.filter(offer__in=offers).select_related("common"):
        lines[line.offer_id].append(line)
    result = []
    for offer in offers:
        names = terms[offer.pk]
        has_file = bool(offer.anonymised_method_file)
        result.append(
            AnonymisedOffer(
                uuid=offer.uuid,
                label=offer.label,
                price_ht=offer.price_ht,
                days=offer.days,
                method=strip_names(offer.method, names),
                references=strip_names(offer.references, names),
                commons_lines=[
                    AnonymisedCommonsLine(
                        common_name=line.common.name,
                        common_slug=line.common.slug,
                        amount_ht=line.amount_ht,
                        # Written by the team: it may name them too.
                        purpose=strip_names(line.purpose, names),
                    )
                    for line in lines[offer.pk]
                ],
                file=offer.anonymised_method_file if has_file else None,
                file_name=anonymised_file_name(offer) if has_file else "",
                file_url=_file_url(offer) if has_file else "",
            )
        )
    return result


def offer_anonymised(offer: Offer) -> AnonymisedOffer:
    """One offer's anonymised presentation (label, price, days, method and references
    without names, commons lines, the anonymised file). No permission check here: the
    caller (this topic's views for the team and stewards, the selection topic for
    evaluators) checks who may read it."""
    return offers_anonymised([offer])[0]
