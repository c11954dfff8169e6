"""Every main page of the circle (issue 3), as the role that uses it, checked with axe.

To keep the run short there is one test a role, not one a page: each loads the demo
network once, logs in once, then visits every page of the circle that role uses. A page
must answer 200 at its own address; the main forms are also sent empty once, and must
answer 400 with their errors. Axe runs on each, and the test fails at the end with every
page that answered otherwise or had a violation, not only the first.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from cercle.commons.models import Common
from cercle.core.signed_links import make_token
from cercle.demo import data
from cercle.demo.loader import email_for
from cercle.missions.enums import MemberStatus, RequestScope, SelectionMode, TeamRole, TieKind
from cercle.missions.models import Mission, Offer, SupportRequest, Team, Tender
from cercle.missions.selectors import selection as selection_selectors
from cercle.missions.services import follow_up as follow_up_services
from cercle.missions.services import offers as offer_services
from cercle.missions.services import requests as request_services
from cercle.missions.services import requests_qualification as qualification_services
from cercle.missions.services import selection as selection_services
from cercle.missions.services import selection_award as award_services
from cercle.missions.services import teams as team_services
from cercle.network.models import Person
from tests.e2e.tour import Tour, log_in_as
from tests.factories.missions import add_member

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

NEW = "Préfigurer un tiers-lieu dans l'ancienne école"
"""Filed through the public form and confirmed; two consultants positioned."""
OPEN = "Modèle économique d'une halle rurale"
"""Qualified, delegated, open for offers: Maëlle's team has an offer in."""
DELEGATED = "Gouvernance partagée du Grand Hangar"
"""Delegated selection awarded to Maëlle's team; the mission has started."""
CLIENT = "Rouvrir le café du village"
"""The client chose through their link; the mission is delivered and documented."""
DEMO_REQUESTS = (NEW, OPEN, DELEGATED, CLIENT)


def person(key: str) -> Person:
    return Person.objects.get(user__email=email_for(key))


def request_titled(title: str) -> SupportRequest:
    return SupportRequest.objects.get(title=title)


def request_page(title: str, suffix: str = "") -> str:
    return f"/demandes/{request_titled(title).uuid}/{suffix}"


def team_named(name: str) -> Team:
    return Team.objects.get(name=name)


def team_page(name: str) -> str:
    team = team_named(name)
    return f"/demandes/{team.request.uuid}/equipes/{team.uuid}/"


def offer_page(team_name: str) -> str:
    return f"/offres/{Offer.objects.get(team=team_named(team_name), status='submitted').uuid}/"


def mission_page(title: str) -> str:
    return f"/missions/{Mission.objects.get(request=request_titled(title)).uuid}/"


def common_page() -> str:
    return f"/communs/{Common.objects.order_by('name')[0].slug}/"


def tender_page() -> str:
    return f"/appels-d-offres/{Tender.objects.get().uuid}/"


def client_choice_page(support_request: SupportRequest) -> str:
    token = make_token(award_services.CLIENT_LINK_PURPOSE, str(support_request.uuid))
    return f"/demandes/{support_request.uuid}/choix/{token}/"


def deadline_passes(support_request: SupportRequest) -> None:
    """Simulate the clock, as the demo does: the deadline for offers is behind us."""
    SupportRequest.objects.filter(pk=support_request.pk).update(
        offers_deadline=timezone.now() - datetime.timedelta(minutes=5)
    )


def client_request_awaiting_choice() -> SupportRequest:
    """A client-mode request with an offer, past its deadline, not yet chosen."""
    skills = list(request_titled(CLIENT).required_skills.values_list("slug", flat=True))
    support_request = request_services.request_create(
        actor=person("solene").user,
        title="Un jardin partagé derrière la médiathèque",
        description="Des habitants veulent cultiver ensemble : règles, outils, animation.",
        client_name="Association Les Pousses",
        contact_name="Lina Garnier",
        contact_email=f"lina.garnier@client.{data.DEMO_DOMAIN}",
        territory_code="62193",
        budget_min_ht="3000",
        budget_max_ht="6000",
        offers_deadline=timezone.now() + datetime.timedelta(days=5),
        skills=skills,
    )
    support_request = qualification_services.request_qualify(
        actor=person("yanis").user,
        support_request=support_request,
        scope=RequestScope.LOCAL,
        selection_mode=SelectionMode.CLIENT,
        criteria=[
            {"name": "Prix", "weight": 40, "is_price": True},
            {"name": "Méthode", "weight": 60, "is_price": False},
        ],
        offers_deadline=timezone.now() + datetime.timedelta(days=5),
    )
    team = team_services.team_create(
        actor=person("ines").user, support_request=support_request, name="Jardins en partage"
    )
    offer_services.offer_submit(
        actor=person("ines").user,
        team=team,
        price_ht=Decimal("4800"),
        days=Decimal("7"),
        method="Trois ateliers de conception, un règlement écrit avec les jardiniers.",
        references="Deux jardins partagés accompagnés en 2024.",
        commons_lines=[],
    )
    deadline_passes(support_request)
    support_request.refresh_from_db()
    return support_request


def revealed_without_award(title: str) -> None:
    """The deadline passes, Yanis evaluates alone and submits: the ranking is revealed and
    the award waits for a steward."""
    support_request = request_titled(title)
    deadline_passes(support_request)
    support_request.refresh_from_db()
    yanis = person("yanis")
    evaluator = selection_services.evaluator_appoint(
        actor=person("solene").user, request=support_request, person=yanis
    )
    selection_services.ties_declare(
        actor=yanis.user,
        evaluator=evaluator,
        ties={
            str(team.uuid): (TieKind.NONE, "")
            for team in selection_services.bidding_teams(support_request)
        },
    )
    selection_services.score_set(
        actor=yanis.user,
        evaluator=evaluator,
        marks={
            (offer["label"], criterion.position): "7"
            for offer in selection_selectors.anonymised_offers(request=support_request)
            for criterion in selection_selectors.criteria(request=support_request)
            if not criterion.is_price
        },
    )
    selection_services.evaluation_submit(actor=yanis.user, evaluator=evaluator)


def survey_page() -> str:
    """The client's questionnaire for a mission just delivered, not yet answered."""
    mission = Mission.objects.get(request=request_titled(DELEGATED))
    follow_up_services.mission_deliver(
        actor=person("maelle").user, mission=mission, text="Charte écrite, comité en place."
    )
    return f"/missions/{mission.uuid}/satisfaction/{follow_up_services.survey_token(mission)}/"


@pytest.fixture
def demo(e2e_db: None) -> None:
    """The demo network with its circle, in the live server's database."""
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def tour(demo: None, page: Any) -> Tour:
    # The circle's forms are sent with their fields' defaults, as a person would.
    return Tour(page, form="main form", clear_forms=False)


def test_anonymous_pages_of_the_circle_are_accessible(tour: Tour) -> None:
    """The public form, the commons, the client's choice and the client's questionnaire."""
    tour.visit("/demandes/deposer/", shows="main form")
    tour.visit("/communs/")
    tour.visit(common_page())
    tour.submit_empty("/demandes/deposer/")
    awaiting = client_choice_page(client_request_awaiting_choice())
    tour.visit(awaiting, shows="main form")
    tour.submit_empty(awaiting)
    tour.visit(client_choice_page(request_titled(CLIENT)))
    survey = survey_page()
    tour.visit(survey, shows="main form")
    tour.submit_empty(survey)
    tour.check()


def test_consultant_pages_of_the_circle_are_accessible(
    tour: Tour, log_in: Callable[..., None]
) -> None:
    """Maëlle, a consultant of the circle, leads a team with an offer and a mission."""
    # An invitation waiting for her answer, so that her invitations page lists one. Written
    # directly: she leads another team on this request, so the invite form no longer offers
    # her (one team per person and request), but a pending invitation can still exist.
    add_member(
        team_named("Les bâtisseurs"),
        person("maelle"),
        role=TeamRole.CO_CONTRACTOR,
        status=MemberStatus.INVITED,
    )
    log_in_as(tour, log_in, "maelle")
    tour.visit("/demandes/", shows="main a[href^='/demandes/']")
    for title in DEMO_REQUESTS:
        tour.visit(request_page(title))
    tour.visit(request_page(OPEN, "equipes/"))
    tour.visit(team_page("Halle en commun"))
    tour.visit(team_page("Les bâtisseurs"))
    tour.visit(request_page(NEW, "suggestion/"))
    tour.visit("/demandes/invitations/", shows="main form")
    tour.visit(offer_page("Halle en commun"))
    tour.visit(request_page(OPEN, "offre/"), shows="main a[href^='/offres/']")
    # Withdrawn, the offer can be submitted again: the page shows the form.
    offer_services.offer_withdraw(
        actor=person("maelle").user,
        offer=Offer.objects.get(team=team_named("Halle en commun"), status="submitted"),
    )
    tour.visit(request_page(OPEN, "offre/"), shows="main form input[type=file]")
    tour.submit_empty(request_page(OPEN, "offre/"))
    tour.visit(request_page(DELEGATED, "resultats/"))
    tour.visit("/missions/")
    tour.visit(mission_page(DELEGATED))
    tour.visit(mission_page(CLIENT))
    tour.visit("/communs/")
    tour.visit(common_page())
    tour.visit("/appels-d-offres/")
    tour.visit(tender_page())
    tour.visit("/cercle/concentration/")
    tour.check()


def test_steward_pages_of_the_circle_are_accessible(
    tour: Tour, log_in: Callable[..., None]
) -> None:
    """Solène, a steward: qualification, evaluation follow-up, quality review, commons."""
    log_in_as(tour, log_in, "solene")
    tour.visit("/demandes/")
    for title in DEMO_REQUESTS:
        tour.visit(request_page(title))
    tour.visit(request_page(NEW, "qualifier/"), shows="main form")
    tour.submit_empty(request_page(NEW, "qualifier/"))
    tour.visit(request_page(OPEN, "equipes/"))
    tour.visit(team_page("Halle en commun"))
    tour.visit(request_page(NEW, "suggestion/"))
    tour.visit(offer_page("Halle en commun"))
    tour.visit(request_page(OPEN, "evaluation/"))
    tour.visit(request_page(DELEGATED, "evaluation/"))
    tour.visit(request_page(DELEGATED, "resultats/"))
    tour.visit("/missions/")
    tour.visit(mission_page(DELEGATED))
    tour.visit(mission_page(CLIENT))
    tour.visit(f"/missions/revue-qualite/{timezone.localdate().year}/")
    tour.visit("/communs/")
    tour.visit(common_page())
    tour.visit("/communs/nouveau/", shows="main form")
    tour.submit_empty("/communs/nouveau/")
    tour.visit("/appels-d-offres/")
    tour.visit(tender_page())
    tour.visit("/cercle/concentration/")
    # The client has not chosen yet: the request offers to send them their link.
    tour.visit(request_page(client_request_awaiting_choice().title), shows="main form")
    # Every evaluator has submitted: the ranking is revealed, the award form is shown.
    revealed_without_award(OPEN)
    tour.visit(request_page(OPEN, "evaluation/"), shows="main form textarea")
    tour.visit(request_page(OPEN, "resultats/"))
    tour.check()


def test_evaluator_pages_of_the_circle_are_accessible(
    tour: Tour, log_in: Callable[..., None]
) -> None:
    """Agathe, a member outside the circle, evaluates: her ties, her marks, a past one."""
    open_request = request_titled(OPEN)
    deadline_passes(open_request)
    open_request.refresh_from_db()
    evaluator = selection_services.evaluator_appoint(
        actor=person("solene").user, request=open_request, person=person("agathe")
    )
    log_in_as(tour, log_in, "agathe")
    tour.visit(request_page(OPEN, "evaluation/"), shows="main form")
    selection_services.ties_declare(
        actor=person("agathe").user,
        evaluator=evaluator,
        ties={
            str(team.uuid): (TieKind.NONE, "")
            for team in selection_services.bidding_teams(open_request)
        },
    )
    tour.visit(request_page(OPEN, "evaluation/"), shows="main form input")
    tour.visit(request_page(DELEGATED, "evaluation/"))
    tour.visit("/communs/")
    tour.check()
