"""Demo contribution policies: settings, the guide, the circle's missions under two
policies (a turnover declared then corrected; a negotiation under way), contributions
in kind (validated, valued, waiting) and the stewards' animation time.

Runs after `load_circle` (the missions' policies were recorded at their award), through
the services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from cercle.membership.enums import ContributionKind
from cercle.missions.models import Mission
from cercle.reciprocity.enums import PolicyKind
from cercle.reciprocity.selectors.policies_in_kind import in_kind_contract_choices
from cercle.reciprocity.services import policies as policy_services
from cercle.reciprocity.services import policies_in_kind as in_kind_services
from cercle.reciprocity.services import policies_settings as settings_services

if TYPE_CHECKING:
    from cercle.demo.loader import Demo

GUIDE = (
    (
        "Première mission sur un territoire peu couvert",
        "Le réseau a surtout mis en relation ; la mission est courte et le lieu démarre.",
        "2",
        "4",
    ),
    (
        "Mission issue d'une rencontre du réseau",
        "La commande est née d'un événement ou d'un échange organisé par l'association.",
        "4",
        "7",
    ),
    (
        "Mission longue, coordonnée avec d'autres membres",
        "Plusieurs mois, une équipe de plusieurs membres, des outils communs mobilisés.",
        "6",
        "10",
    ),
    (
        "Structure en difficulté financière",
        "Le lieu accompagné traverse une période fragile : la contribution reste symbolique.",
        "0",
        "2",
    ),
)


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def load_reciprocity_policies(demo: Demo) -> None:
    solene = demo.user("solene")
    settings_services.contribution_settings_update(
        actor=solene, payment_due_days=45, declaration_call_month=2
    )
    for title, description, low, high in GUIDE:
        settings_services.guide_situation_create(
            actor=solene,
            title=title,
            description=description,
            suggested_min_percent=Decimal(low),
            suggested_max_percent=Decimal(high),
        )
    _missions(demo)
    _in_kind(demo)
    _animation(demo)


def _missions(demo: Demo) -> None:
    cafe = (
        Mission.objects.select_related("request", "lead")
        .filter(request__title="Rouvrir le café du village")
        .first()
    )
    if cafe is not None:
        lead = cafe.lead.user
        policy_services.turnover_declare(actor=lead, mission=cafe, amount_ht="6200")
        policy_services.turnover_declare(
            actor=lead,
            mission=cafe,
            amount_ht="5980.40",
            note="Avoir de 219,60 € HT : une soirée de formation reportée à l'an prochain.",
        )
    hangar = (
        Mission.objects.select_related("request", "lead")
        .filter(request__title="Gouvernance partagée du Grand Hangar")
        .first()
    )
    if hangar is not None:
        policy_services.mission_policy_change(
            actor=demo.user("yanis"),
            mission=hangar,
            policy=PolicyKind.NEGOTIATED,
            reason="Mission régionale co-portée : le montant se discute avec l'équipe.",
        )
        policy_services.negotiated_propose(
            actor=demo.user("yanis"), mission=hangar, amount_ht="700"
        )
        policy_services.negotiated_propose(actor=hangar.lead.user, mission=hangar, amount_ht="620")


def _in_kind(demo: Demo) -> None:
    rows = (
        (
            "ines",
            ContributionKind.IN_KIND_EVENT,
            "6",
            20,
            "Animation de la journée « Communs et lieux » à Arras.",
        ),
        (
            "theo",
            ContributionKind.IN_KIND_WELCOME,
            "3",
            12,
            "Accueil de deux porteurs de projet de recyclerie.",
        ),
        (
            "louise",
            ContributionKind.IN_KIND_PROJECT,
            "10",
            40,
            "Relecture et mise en forme du guide des statuts.",
        ),
    )
    entries = {}
    for key, kind, hours, days, description in rows:
        person = demo.people[key]
        choice = in_kind_contract_choices(person=person).filter(contribution_kind=kind).first()
        entries[key] = in_kind_services.in_kind_declare(
            actor=person.user,
            kind=kind,
            hours=hours,
            description=description,
            done_on=_ago(days),
            contract_choice=choice,
        )
    in_kind_services.in_kind_validate(actor=demo.user("solene"), entry=entries["ines"])
    in_kind_services.in_kind_validate(
        actor=demo.user("yanis"), entry=entries["louise"], hour_value="35"
    )


def _animation(demo: Demo) -> None:
    hangar = Mission.objects.filter(request__title="Gouvernance partagée du Grand Hangar").first()
    if hangar is not None:
        in_kind_services.animation_time_log(
            actor=demo.user("solene"),
            mission=hangar,
            hours="4",
            done_on=_ago(30),
            note="Qualification de la demande et mise en relation des équipes.",
        )
    in_kind_services.animation_time_log(
        actor=demo.user("yanis"),
        project="Rencontre régionale des tiers-lieux",
        hours="7.5",
        done_on=_ago(15),
        note="Préparation et animation de la journée.",
    )
