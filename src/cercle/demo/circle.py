"""The demo circle: commons, requests at every stage, teams, offers, a delegated selection
with a conflicted evaluator, a client's choice, missions followed, a watched tender.

Everything goes through the services. Only the clock is simulated: to show a selection
after its deadline, the loader moves a request's deadline into the past once its offers
are in (what time would do), then lets the services refuse or allow as they would.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.text import slugify

from cercle.commons import services as commons_services
from cercle.commons.models import Common
from cercle.core.signed_links import make_token
from cercle.missions.enums import RequestScope, RequestSource, SelectionMode, TeamRole, TieKind
from cercle.missions.models import Evaluator, Offer, SupportRequest, Team
from cercle.missions.services import follow_up as follow_up_services
from cercle.missions.services import follow_up_feedback as feedback_services
from cercle.missions.services import offers as offer_services
from cercle.missions.services import requests as request_services
from cercle.missions.services import requests_qualification as qualification_services
from cercle.missions.services import selection as selection_services
from cercle.missions.services import selection_award as award_services
from cercle.missions.services import teams as team_services
from cercle.missions.services import tenders as tender_services
from cercle.missions.services.follow_up import CommonsUseInput
from cercle.missions.services.requests import CONFIRM_PURPOSE

if TYPE_CHECKING:
    from cercle.demo.loader import Demo

GRID = [
    {"name": "Prix", "weight": 30, "is_price": True},
    {"name": "Méthode et coopération avec le lieu", "weight": 45, "is_price": False},
    {"name": "Expérience de lieux comparables", "weight": 25, "is_price": False},
]


def load_circle(demo: Demo) -> None:
    commons = _commons(demo)
    _new_request_from_the_public_form(demo)
    _open_request(demo, commons)
    _delegated_selection(demo, commons)
    _client_choice(demo, commons)
    _tender(demo)


def _later(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def _deadline_passes(support_request: SupportRequest) -> None:
    """Simulate the clock: the deadline for offers is now behind us."""
    SupportRequest.objects.filter(pk=support_request.pk).update(
        offers_deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    support_request.refresh_from_db()


def _commons(demo: Demo) -> dict[str, Common]:
    rows = [
        (
            "recettes",
            "Recettes de tiers-lieux",
            "https://recettes.communs.example",
            "Un wiki de fiches pratiques : gouvernance, modèle économique, animation.",
            ["theo"],
            "Rédiger une fiche à l'issue de chaque accompagnement.",
            "Une ligne de budget pour la relecture et la mise en forme des fiches.",
            "3",
        ),
        (
            "caisse-libre",
            "Caisse libre des lieux",
            "https://caisse.communs.example",
            "Un logiciel de caisse libre pensé pour les cafés associatifs.",
            ["gaspard"],
            "Remonter les anomalies, traduire l'interface.",
            "Financer les correctifs demandés par les lieux accompagnés.",
            "5",
        ),
        (
            "forum",
            "Forum des lieux",
            "https://forum.communs.example",
            "Le forum d'entraide des lieux du réseau.",
            ["solene"],
            "Répondre aux questions des nouveaux lieux.",
            "",
            None,
        ),
    ]
    commons: dict[str, Common] = {}
    for key, name, url, purpose, stewards, in_kind, in_euros, share in rows:
        commons[key] = commons_services.common_create(
            actor=demo.user("solene"),
            name=name,
            url=url,
            purpose=purpose,
            stewards=[demo.people[s].slug for s in stewards],
            expected_in_kind=in_kind,
            expected_in_euros=in_euros,
            suggested_share_percent=share,
        )
    return commons


def _create(
    demo: Demo, title: str, client: str, contact: str, skills: list[str], **fields: object
) -> SupportRequest:
    return request_services.request_create(
        actor=demo.user("solene"),
        title=title,
        client_name=client,
        contact_name=contact,
        contact_email=f"{slugify(contact)}@client.{_domain()}",
        skills=[demo.skill(s) for s in skills],
        **fields,  # type: ignore[arg-type]
    )


def _domain() -> str:
    from cercle.demo import data

    return data.DEMO_DOMAIN


def _qualify(demo: Demo, support_request: SupportRequest, mode: str, days: int) -> SupportRequest:
    return qualification_services.request_qualify(
        actor=demo.user("yanis"),
        support_request=support_request,
        scope=RequestScope.LOCAL,
        selection_mode=mode,
        criteria=GRID,
        offers_deadline=_later(days),
    )


def _team(demo: Demo, support_request: SupportRequest, lead: str, name: str, **roles: str) -> Team:
    team = team_services.team_create(
        actor=demo.user(lead), support_request=support_request, name=name
    )
    for key, role in roles.items():
        member = team_services.team_member_invite(
            actor=demo.user(lead), team=team, person=demo.people[key], role=role
        )
        team_services.team_member_accept(actor=demo.user(key), member=member)
    return team


def _offer(
    demo: Demo, team: Team, price: str, days: str, method: str, lines: dict[Common, str]
) -> Offer:
    return offer_services.offer_submit(
        actor=team.lead.user,
        team=team,
        price_ht=Decimal(price),
        days=Decimal(days),
        method=method,
        references="Accompagnements de lieux comparables dans la région, 2023–2025.",
        commons_lines=[
            {"common": common.pk, "amount_ht": amount, "purpose": "Contribution au commun"}
            for common, amount in lines.items()
        ],
    )


def _new_request_from_the_public_form(demo: Demo) -> None:
    """A client filed through the public form and confirmed: new, with two positionings."""
    support_request = request_services.request_submit_public(
        title="Préfigurer un tiers-lieu dans l'ancienne école",
        description=(
            "La commune veut ouvrir l'ancienne école aux habitants : quels usages, quelle "
            "gouvernance, quel modèle économique ? Nous cherchons un accompagnement de six mois."
        ),
        client_name="Commune de Valbrume",
        contact_name="Armelle Vasseur",
        contact_email=f"mairie@valbrume.{_domain()}",
        territory_code="62041",
        budget_min_ht="9000",
        budget_max_ht="14000",
        offers_deadline=_later(30),
        desired_start=(timezone.now() + datetime.timedelta(days=60)).date(),
        skills=[demo.skill("gouvernance"), demo.skill("modele-economique")],
    )
    token = make_token(CONFIRM_PURPOSE, str(support_request.uuid))
    support_request = request_services.request_confirm(support_request=support_request, token=token)
    for key, note in (
        ("theo", "J'ai accompagné un projet voisin, je peux partager ce contexte."),
        ("louise", "Intéressée pour la partie évaluation des usages."),
    ):
        team_services.positioning_create(
            actor=demo.user(key), support_request=support_request, note=note
        )


def _open_request(demo: Demo, commons: dict[str, Common]) -> None:
    """Qualified, open for offers: two teams, one offer in, one invitation pending."""
    support_request = _create(
        demo,
        "Modèle économique d'une halle rurale",
        "Communauté de communes des Deux Vallées",
        "Paul Lemaire",
        description="Une halle à rénover : programmation, modèle économique, gouvernance.",
        territory_code="80",
        budget_min_ht="12000",
        budget_max_ht="20000",
        offers_deadline=_later(20),
        skills=["modele-economique", "amenagement"],
        source=RequestSource.PARTNER,
    )
    support_request = _qualify(demo, support_request, SelectionMode.DELEGATED, 20)
    team = _team(demo, support_request, "maelle", "Halle en commun", louise=TeamRole.CO_CONTRACTOR)
    _offer(
        demo,
        team,
        "16500",
        "24",
        "Diagnostic des usages, trois ateliers avec les habitants, scénarios chiffrés.",
        {commons["recettes"]: "450"},
    )
    other = team_services.team_create(
        actor=demo.user("ines"), support_request=support_request, name="Les bâtisseurs"
    )
    team_services.team_member_invite(
        actor=demo.user("ines"),
        team=other,
        person=demo.people["theo"],
        role=TeamRole.SUB_CONTRACTOR,
    )


def _delegated_selection(demo: Demo, commons: dict[str, Common]) -> None:
    """Delegated: two offers, three evaluators (one conflicted), scores, reveal, award,
    and a mission started with a progress update."""
    support_request = _create(
        demo,
        "Gouvernance partagée du Grand Hangar",
        "Tiers-lieu Le Grand Hangar",
        "Agnès Morel",
        description="Passer d'une association gestionnaire à une gouvernance avec les usagers.",
        territory_code="59350",
        budget_min_ht="8000",
        budget_max_ht="15000",
        offers_deadline=_later(10),
        skills=["gouvernance", "animation"],
    )
    support_request = _qualify(demo, support_request, SelectionMode.DELEGATED, 10)
    first = _team(demo, support_request, "maelle", "Gouvernance vivante", theo=TeamRole.GUARANTOR)
    second = _team(
        demo, support_request, "ines", "Collectif Sillons", gaspard=TeamRole.HELPING_COMMONER
    )
    _offer(
        demo,
        first,
        "12500",
        "18",
        "Cartographie des parties prenantes, comité d'usagers, charte de gouvernance écrite "
        "avec la communauté, publiée dans les recettes du réseau.",
        {commons["recettes"]: "400"},
    )
    _offer(
        demo,
        second,
        "10800",
        "16",
        "Ateliers de théâtre-forum, chantier participatif, accompagnement du conseil collégial.",
        {commons["caisse-libre"]: "300"},
    )
    _deadline_passes(support_request)
    evaluators: dict[str, Evaluator] = {}
    for key in ("agathe", "yanis", "louise"):
        evaluators[key] = selection_services.evaluator_appoint(
            actor=demo.user("solene"), request=support_request, person=demo.people[key]
        )
    teams = selection_services.bidding_teams(support_request)
    # Louise worked with one team last year: she declares it and stands aside.
    selection_services.ties_declare(
        actor=demo.user("louise"),
        evaluator=evaluators["louise"],
        ties={
            str(t.uuid): (
                (TieKind.COLLABORATOR, "Nous avons co-animé un chantier l'an dernier.")
                if t.pk == second.pk
                else (TieKind.NONE, "")
            )
            for t in teams
        },
    )
    marks = {
        "agathe": {first.pk: ("8", "7"), second.pk: ("6", "7")},
        "yanis": {first.pk: ("7", "8"), second.pk: ("7", "6")},
    }
    labels = dict(Offer.objects.filter(request=support_request).values_list("team_id", "label"))
    for key, by_team in marks.items():
        evaluator = evaluators[key]
        selection_services.ties_declare(
            actor=demo.user(key),
            evaluator=evaluator,
            ties={str(t.uuid): (TieKind.NONE, "") for t in teams},
        )
        selection_services.score_set(
            actor=demo.user(key),
            evaluator=evaluator,
            marks={
                (labels[team_id], position): mark
                for team_id, pair in by_team.items()
                for position, mark in zip((2, 3), pair, strict=True)
            },
        )
        selection_services.evaluation_submit(actor=demo.user(key), evaluator=evaluator)
    winner = Offer.objects.get(team=first, status="submitted")
    award = award_services.award_delegated(
        actor=demo.user("solene"),
        request=support_request,
        offer_uuid=winner.uuid,
        reasons=(
            "Meilleure note sur la méthode, qui associe les usagers dès le départ ; "
            "l'écart de prix est justifié par la charte publiée en commun."
        ),
    )
    mission = award.request.mission
    follow_up_services.mission_start(
        actor=demo.user("maelle"),
        mission=mission,
        text="Réunion de lancement avec le bureau et douze usagers ; calendrier validé.",
    )
    follow_up_services.mission_update_post(
        actor=demo.user("theo"),
        mission=mission,
        text="Deux ateliers tenus ; la cartographie des parties prenantes est en ligne.",
    )


def _client_choice(demo: Demo, commons: dict[str, Common]) -> None:
    """The client chose through their link; the mission is delivered, documented, reviewed."""
    support_request = _create(
        demo,
        "Rouvrir le café du village",
        "Collectif des Dunes",
        "Hugo Carpentier",
        description="Des habitants veulent reprendre le café : statuts, caisse, animation.",
        territory_code="62193",
        budget_min_ht="4000",
        budget_max_ht="7000",
        offers_deadline=_later(5),
        skills=["numerique-libre", "animation"],
    )
    support_request = _qualify(demo, support_request, SelectionMode.CLIENT, 5)
    team = _team(demo, support_request, "gaspard", "Café commun", theo=TeamRole.CO_CONTRACTOR)
    offer = _offer(
        demo,
        team,
        "6200",
        "9",
        "Installation de la caisse libre, formation des bénévoles, soirée de lancement.",
        {commons["caisse-libre"]: "350"},
    )
    _deadline_passes(support_request)
    token = make_token(award_services.CLIENT_LINK_PURPOSE, str(support_request.uuid))
    award = award_services.award_client(
        token=token,
        request=support_request,
        offer_uuid=offer.uuid,
        reasons="Une équipe qui connaît la caisse libre et le territoire.",
    )
    mission = award.request.mission
    lead = demo.user("gaspard")
    follow_up_services.mission_start(actor=lead, mission=mission, text="Caisse installée.")
    follow_up_services.mission_deliver(
        actor=lead, mission=mission, text="Café ouvert, bénévoles formés, bilan remis."
    )
    follow_up_services.mission_document(
        actor=lead,
        mission=mission,
        social_link="Le café réunit chaque samedi une trentaine d'habitants de tous âges.",
        community_primacy="Les décisions se prennent en assemblée des bénévoles.",
        pooling="La caisse et les fiches de formation sont partagées avec deux autres cafés.",
        territorial_impact="Un lieu de sociabilité rouvert dans un village de 800 habitants.",
        resources_produced="Fiche « ouvrir un café associatif » et tutoriel de la caisse.",
        resources_links="https://recettes.communs.example/cafe-associatif",
        commons_used=[
            CommonsUseInput(
                common=commons["caisse-libre"],
                how_used="Caisse installée et paramétrée.",
                given_back="Deux correctifs et la traduction du module d'inventaire.",
            )
        ],
    )
    feedback_services.satisfaction_survey_answer(
        mission=mission,
        token=follow_up_services.survey_token(mission),
        overall=5,
        objectives_met=4,
        would_recommend=True,
        comment="Une équipe à l'écoute, et une caisse qui tient la route.",
    )


def _tender(demo: Demo) -> None:
    tender = tender_services.tender_post(
        actor=demo.user("theo"),
        title="Assistance à maîtrise d'ouvrage pour un réseau de tiers-lieux ruraux",
        buyer="Département imaginaire du Val-de-Brume",
        link="https://marches.example/avis/2026-ABC-0042",
        deadline=_later(25),
        cpv_code="79411000-8",
        lots="Lot 1 : diagnostic ; lot 2 : animation du réseau",
        description="Deux lots ; un groupement est possible.",
    )
    tender_services.tender_interest_set(actor=demo.user("ines"), tender=tender, kind="together")
    tender_services.tender_interest_set(actor=demo.user("maelle"), tender=tender, kind="looking")
    tender_services.tender_comment_post(
        actor=demo.user("ines"),
        tender=tender,
        text="Je propose qu'on réponde ensemble sur le lot 2 : qui est partant·e ?",
    )
