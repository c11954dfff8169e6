"""The authorization matrix's world: the demo network, plus one person per role and one
object per state that changes an answer.

Everything that matters to the matrix is built here, through the services where a state
has rules (requests, teams, offers, evaluation, award), with factories for the people.
Strings in `SECRETS` are planted where only some roles may read them; the leak tests look
for them in every body the others receive.
"""

from __future__ import annotations

import contextlib
import datetime
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from unittest import mock

from django.conf import settings
from django.test import Client
from django.utils import timezone

from cercle.core import services as core_services
from cercle.core.errors import NotAllowed
from cercle.core.signed_links import DAY, make_token
from cercle.decisions.enums import GroupVisibility, PollKind
from cercle.decisions.models import Proposal, SupportLetterRequest
from cercle.demo.loader import load_demo
from cercle.membership.models import CircleMembership
from cercle.missions.enums import RequestScope, SelectionMode, TeamRole, TieKind
from cercle.missions.models import Evaluator, Offer, SupportRequest, Team
from cercle.missions.selectors import selection as selection_selectors
from cercle.missions.services import offers as offer_services
from cercle.missions.services import requests as request_services
from cercle.missions.services import requests_qualification as qualification_services
from cercle.missions.services import selection as selection_services
from cercle.missions.services import selection_award as award_services
from cercle.missions.services import teams as team_services
from cercle.missions.services.requests import CONFIRM_PURPOSE
from cercle.network.models import Person, Skill
from tests.factories.decisions_proposals import ProposalFactory, cast, stand_aside
from tests.factories.decisions_threads import GroupFactory, GroupMembershipFactory, ThreadFactory
from tests.factories.missions import consultant
from tests.factories.network import ContributorFactory, PersonFactory, SupporterFactory

# Strings planted in the world that some roles must never read (see test_leaks.py).
SECRETS = {
    "team_name": "Equipe Zircon Cachee",
    "lead_last_name": "Quillardet",
    "member_last_name": "Verbouwen",
    "bidder_last_name": "Ostrogradsky",
    "method": "Methode confidentielle Tamarin",
    "price": "17321",
    "evaluator_last_name": "Pellegrue",
    "conflicted_evaluator_last_name": "Malaterre",
    "unlisted_last_name": "Discretine",
    "group_thread": "Fil reserve au groupe Sorbier",
    "anonymous_vote_reason": "Raison anonyme Cormoran",
    "voter_last_name": "Anonymo",
}

GRID = [
    {"name": "Prix", "weight": 40, "is_price": True},
    {"name": "Methode", "weight": 60, "is_price": False},
]

# Roles that are a logged-in person (the client role is a signed link, anonymous is none).
PERSON_ROLES = (
    "outsider",
    "sympathisant",
    "contributeur",
    "consultant",
    "excluded",
    "steward",
    "evaluator",
    "conflicted_evaluator",
    "reviewer",
    "conflicted_member",
    "team_lead",
    "team_member",
    "other_bidder",
)
ROLES = ("anonymous", *PERSON_ROLES, "client")


@dataclass
class World:
    people: dict[str, Person] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def request(self, state: str) -> SupportRequest:
        return self.objects[f"request_{state}"]  # type: ignore[no-any-return]


def _later(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def _deadline_passes(support_request: SupportRequest) -> None:
    SupportRequest.objects.filter(pk=support_request.pk).update(
        offers_deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    support_request.refresh_from_db()


def _skills() -> list[str]:
    return list(Skill.objects.filter(is_active=True).values_list("slug", flat=True)[:2])


def _qualified(w: World, title: str, mode: str = SelectionMode.DELEGATED) -> SupportRequest:
    steward = w.people["steward"].user
    support_request = request_services.request_create(
        actor=steward,
        title=title,
        description="Une demande du monde de la matrice.",
        client_name="Client de la matrice",
        contact_name="Contact Matrice",
        contact_email="contact@matrice.example",
        territory_code="59350",
        budget_min_ht="9000",
        budget_max_ht="21000",
        offers_deadline=_later(20),
        skills=_skills(),
    )
    return qualification_services.request_qualify(
        actor=steward,
        support_request=support_request,
        scope=RequestScope.LOCAL,
        selection_mode=mode,
        criteria=GRID,
        offers_deadline=_later(20),
    )


def _team(w: World, support_request: SupportRequest, lead: str, name: str) -> Team:
    team = team_services.team_create(
        actor=w.people[lead].user, support_request=support_request, name=name
    )
    if lead == "team_lead":
        member = team_services.team_member_invite(
            actor=w.people[lead].user,
            team=team,
            person=w.people["team_member"],
            role=TeamRole.CO_CONTRACTOR,
        )
        team_services.team_member_accept(actor=w.people["team_member"].user, member=member)
    return team


def _offer(team: Team, price: str, method: str) -> Offer:
    return offer_services.offer_submit(
        actor=team.lead.user,
        team=team,
        price_ht=Decimal(price),
        days=Decimal("12"),
        method=method,
        references="Des references comparables.",
        commons_lines=[],
    )


def _with_bids(w: World, title: str, mode: str = SelectionMode.DELEGATED) -> SupportRequest:
    """A qualified request with the role team's offer (the secrets) and another bid."""
    support_request = _qualified(w, title, mode)
    # Awarded, an offer is no secret: the awarded one shows other words.
    awarded = title == "awarded"
    team = _team(
        w, support_request, "team_lead", "Equipe laureate" if awarded else SECRETS["team_name"]
    )
    offer = _offer(
        team,
        "16000" if awarded else SECRETS["price"],
        "Methode laureate." if awarded else SECRETS["method"],
    )
    other = _team(w, support_request, "other_bidder", f"Autre equipe {title}")
    _offer(other, "15000", "Une autre methode.")
    w.objects[f"team_{title}"] = team
    w.objects[f"offer_{title}"] = offer
    return support_request


def _evaluators(w: World, support_request: SupportRequest, *, conflicted: bool) -> Evaluator:
    steward = w.people["steward"].user
    evaluator = selection_services.evaluator_appoint(
        actor=steward, request=support_request, person=w.people["evaluator"]
    )
    teams = selection_services.bidding_teams(support_request)
    selection_services.ties_declare(
        actor=w.people["evaluator"].user,
        evaluator=evaluator,
        ties={str(t.uuid): (TieKind.NONE, "") for t in teams},
    )
    selection_services.score_set(
        actor=w.people["evaluator"].user,
        evaluator=evaluator,
        marks=_marks(support_request),
    )
    if conflicted:
        other = selection_services.evaluator_appoint(
            actor=steward, request=support_request, person=w.people["conflicted_evaluator"]
        )
        lead_team = Team.objects.get(request=support_request, lead=w.people["team_lead"])
        selection_services.ties_declare(
            actor=w.people["conflicted_evaluator"].user,
            evaluator=other,
            ties={
                str(t.uuid): (
                    (TieKind.COLLABORATOR, "Un chantier commun.")
                    if t.pk == lead_team.pk
                    else (TieKind.NONE, "")
                )
                for t in teams
            },
        )
    return evaluator


def _marks(support_request: SupportRequest) -> dict[tuple[str, int], str]:
    return {
        (offer["label"], criterion.position): "7"
        for offer in selection_selectors.anonymised_offers(request=support_request)
        for criterion in selection_selectors.criteria(request=support_request)
        if not criterion.is_price
    }


def _people(w: World) -> None:
    w.people["outsider"] = PersonFactory()
    w.people["sympathisant"] = SupporterFactory()
    w.people["contributeur"] = ContributorFactory()
    w.people["consultant"] = consultant()
    w.people["excluded"] = consultant()
    CircleMembership.objects.filter(person=w.people["excluded"]).update(
        ended_at=timezone.now(), end_reason="excluded"
    )
    w.people["steward"] = Person.objects.get(user__email__startswith="solene@")
    w.people["evaluator"] = SupporterFactory(last_name=SECRETS["evaluator_last_name"])
    w.people["conflicted_evaluator"] = SupporterFactory(
        last_name=SECRETS["conflicted_evaluator_last_name"]
    )
    w.people["conflicted_member"] = SupporterFactory()
    w.people["team_lead"] = consultant(last_name=SECRETS["lead_last_name"])
    w.people["team_member"] = consultant(last_name=SECRETS["member_last_name"])
    w.people["other_bidder"] = consultant(last_name=SECRETS["bidder_last_name"])
    # In the circle, a member, but no charter signature: never listed in the directory.
    unlisted = SupporterFactory(last_name=SECRETS["unlisted_last_name"])
    CircleMembership.objects.create(person=unlisted, joined_at=timezone.now())
    w.objects["unlisted"] = unlisted
    letter = (
        SupportLetterRequest.objects.filter(reviewer__isnull=False)
        .select_related("reviewer")
        .first()
    )
    assert letter is not None, "the demo has a support letter with a reviewer"
    w.people["reviewer"] = letter.reviewer
    w.objects["letter_reviewed"] = letter


def _circle(w: World) -> None:
    steward = w.people["steward"].user
    draft = request_services.request_submit_public(
        title="Demande non confirmee de la matrice",
        description="Une demande deposee et pas encore confirmee.",
        client_name="Client discret",
        contact_name="Contact Discret",
        contact_email="discret@matrice.example",
        territory_code="59350",
        budget_min_ht="1000",
        budget_max_ht="2000",
        offers_deadline=_later(30),
        skills=_skills(),
    )
    w.objects["request_draft"] = draft
    new = request_services.request_submit_public(
        title="Demande nouvelle de la matrice",
        description="Une demande confirmee, pas encore qualifiee.",
        client_name="Client nouveau",
        contact_name="Contact Nouveau",
        contact_email="nouveau@matrice.example",
        territory_code="59350",
        budget_min_ht="1000",
        budget_max_ht="2000",
        offers_deadline=_later(30),
        skills=_skills(),
    )
    token = make_token(CONFIRM_PURPOSE, str(new.uuid))
    w.objects["request_new"] = request_services.request_confirm(support_request=new, token=token)

    # Open: before the deadline, the role team's offer in, another team's withdrawn.
    open_request = _with_bids(w, "open")
    withdrawn = Offer.objects.get(request=open_request, team__lead=w.people["other_bidder"])
    w.objects["offer_withdrawn"] = offer_services.offer_withdraw(
        actor=w.people["other_bidder"].user, offer=withdrawn
    )
    w.objects["request_open"] = open_request

    after = _with_bids(w, "after")
    _deadline_passes(after)
    w.objects["request_after"] = after

    evaluation = _with_bids(w, "evaluation")
    _deadline_passes(evaluation)
    w.objects["evaluator_evaluation"] = _evaluators(w, evaluation, conflicted=True)
    w.objects["request_evaluation"] = evaluation
    # The conflicted evaluator tries to open the offers: refused, a private journal entry.
    with contextlib.suppress(NotAllowed):
        selection_services.evaluation_access_for(
            actor=w.people["conflicted_evaluator"].user, request=evaluation
        )

    revealed = _with_bids(w, "revealed")
    _deadline_passes(revealed)
    evaluator = _evaluators(w, revealed, conflicted=False)
    selection_services.evaluation_submit(actor=w.people["evaluator"].user, evaluator=evaluator)
    revealed.refresh_from_db()
    assert revealed.revealed_at is not None
    w.objects["request_revealed"] = revealed

    awarded = _with_bids(w, "awarded")
    _deadline_passes(awarded)
    evaluator = _evaluators(w, awarded, conflicted=False)
    selection_services.evaluation_submit(actor=w.people["evaluator"].user, evaluator=evaluator)
    award = award_services.award_delegated(
        actor=steward,
        request=awarded,
        offer_uuid=w.objects["offer_awarded"].uuid,
        reasons="La meilleure note sur la methode.",
    )
    awarded.refresh_from_db()
    w.objects["request_awarded"] = awarded
    w.objects["mission"] = award.request.mission

    cancelled = _qualified(w, "Demande annulee de la matrice")
    w.objects["request_cancelled"] = qualification_services.request_cancel(
        actor=steward, support_request=cancelled, reason="Le client a renonce."
    )

    client = _with_bids(w, "client", SelectionMode.CLIENT)
    _deadline_passes(client)
    w.objects["request_client"] = client
    purpose = award_services.CLIENT_LINK_PURPOSE
    w.links["valid"] = make_token(purpose, str(client.uuid))
    w.links["other_request"] = make_token(purpose, str(open_request.uuid))
    days = award_services.CLIENT_LINK_DAYS + 1
    with mock.patch("django.core.signing.time.time", return_value=time.time() - days * DAY):
        w.links["expired"] = make_token(purpose, str(client.uuid))


def _decisions(w: World) -> None:
    group = GroupFactory(visibility=GroupVisibility.GROUP, name="Groupe Sorbier")
    GroupMembershipFactory(group=group, person=w.people["contributeur"], is_admin=True)
    w.objects["group_private"] = group
    w.objects["thread_private"] = ThreadFactory(
        group=group, title=SECRETS["group_thread"], author=w.people["contributeur"]
    )
    public = GroupFactory(visibility=GroupVisibility.PUBLIC)
    w.objects["group_public"] = public
    w.objects["thread_public"] = ThreadFactory(group=public, author=w.people["contributeur"])
    members = GroupFactory(visibility=GroupVisibility.MEMBERS)
    w.objects["group_members"] = members
    w.objects["thread_members"] = ThreadFactory(group=members, author=w.people["contributeur"])
    for person in ("sympathisant", "contributeur", "conflicted_member", "steward"):
        GroupMembershipFactory(group=members, person=w.people[person])
    voter = SupporterFactory(last_name=SECRETS["voter_last_name"])
    GroupMembershipFactory(group=members, person=voter)
    proposal = ProposalFactory(
        group=members,
        kind=PollKind.PROPOSAL,
        author=w.people["contributeur"],
        anonymous=True,
        hide_results_until_closed=True,
    )
    cast(proposal, voter, {"agree": 1}, reason=SECRETS["anonymous_vote_reason"])
    stand_aside(proposal, w.people["conflicted_member"])
    w.objects["proposal_open"] = proposal
    closed = ProposalFactory(
        group=members,
        author=w.people["contributeur"],
        anonymous=True,
        status="closed",
        opened_at=timezone.now() - datetime.timedelta(days=10),
        closes_at=timezone.now() - datetime.timedelta(days=3),
        closed_at=timezone.now() - datetime.timedelta(days=3),
    )
    cast(closed, voter, {"agree": 1}, reason=SECRETS["anonymous_vote_reason"])
    w.objects["proposal_closed"] = closed


def _logins(w: World) -> None:
    """A session and an API token per role (the client role has only its signed link)."""
    for role, person in w.people.items():
        w.tokens[role] = core_services.api_token_create(actor=person.user, name="matrice")[1]
        client = Client()
        client.force_login(person.user)
        w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value


def _first(model: Any, **filters: Any) -> Any:
    found = model.objects.filter(**filters).order_by("pk").first()
    assert found is not None, f"the demo has a {model.__name__} matching {filters}"
    return found


def _demo_objects(w: World) -> None:
    """One object of each other kind, from the demo network (route parameters)."""
    from cercle.commons.models import Common
    from cercle.core.models import ApiToken, Notification
    from cercle.decisions.models import Comment, ReadingCriterion
    from cercle.events.models import Event
    from cercle.membership.models import (
        AdhesionContract,
        CharterSignature,
        EngagementCheck,
        MenuItem,
        RegulationCase,
    )
    from cercle.membership.selectors.directory import directory_people
    from cercle.missions.models import RequestDocument, Tender
    from cercle.network.models import ConsultantReference, Organization, OrganizationMembership
    from cercle.reciprocity.models import (
        GuideSituation,
        InKindContribution,
        Payment,
        Receipt,
        YearlyDeclaration,
    )

    steward = w.people["steward"]
    o = w.objects
    o["tender"] = _first(Tender)
    o["common"] = _first(Common)
    o["guide_situation"] = _first(GuideSituation)
    o["in_kind"] = _first(InKindContribution)
    o["declaration"] = _first(YearlyDeclaration)
    o["payment"] = _first(Payment)
    o["receipt"] = _first(Receipt)
    o["comment"] = _first(Comment)
    o["criterion"] = _first(ReadingCriterion)
    o["event"] = _first(Event)
    o["api_token"] = _first(ApiToken, user=steward.user)
    o["reference"] = _first(ConsultantReference)
    o["notification"] = _first(Notification, user=steward.user)
    o["organization"] = _first(Organization)
    o["organization_member"] = _first(OrganizationMembership, organization=o["organization"]).person
    o["skill"] = _first(Skill)
    o["menu_item"] = _first(MenuItem)
    o["contract"] = _first(AdhesionContract)
    o["signature"] = _first(CharterSignature)
    o["check"] = _first(EngagementCheck)
    o["case"] = _first(RegulationCase)
    o["listed"] = directory_people().order_by("pk").first()
    o["request_document"] = RequestDocument.objects.order_by("pk").first() or _NoDocument()


class _NoDocument:
    """The demo has no request document: a UUID that names none (answers 404)."""

    uuid = "00000000-0000-4000-8000-000000000000"


def build_world() -> World:
    load_demo()
    w = World()
    _people(w)
    _circle(w)
    _decisions(w)
    _logins(w)
    _demo_objects(w)
    assert Proposal.objects.filter(pk=w.objects["proposal_open"].pk).exists()
    return w
