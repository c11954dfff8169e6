"""Demo proposals and polls, through the services: a consent proposal in the circle with
votes, a block and its alternative, a stand-aside; a closed proposal with its outcome; a
meeting-time poll for the general assembly; a dot vote and a ranked choice in the working
group. Runs after `load_decisions_threads` (it uses the groups and threads made there)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from cercle.decisions.enums import GroupKind, PollKind, ReasonRequired
from cercle.decisions.models import Group, Thread
from cercle.decisions.services.proposals import outcome_create, proposal_close, proposal_create
from cercle.decisions.services.proposals_votes import stand_aside_record, vote_cast

if TYPE_CHECKING:
    from cercle.demo.loader import Demo


def load_decisions_proposals(demo: Demo) -> None:
    # The first group of each kind (the threads' demo made one of each).
    groups = {g.kind: g for g in Group.objects.order_by("-created_at", "-pk")}
    _circle(demo, groups[GroupKind.CIRCLE])
    _association(demo, groups[GroupKind.ASSOCIATION])
    _working_group(demo, groups[GroupKind.WORKING_GROUP])


def _circle(demo: Demo, group: Group) -> None:
    now = timezone.now()
    proposal = proposal_create(
        actor=demo.user("theo"),
        group=group,
        kind=PollKind.PROPOSAL,
        title="Adopter une trame commune pour les diagnostics de territoire",
        details=(
            "Je propose que chaque diagnostic mené par le cercle suive la trame partagée "
            "dans le fil, adaptée au lieu si besoin."
        ),
        closes_at=now + timedelta(days=6),
        thread=Thread.objects.filter(group=group).order_by("created_at").first(),
    )
    vote_cast(actor=demo.user("theo"), proposal=proposal, choices=["agree"])
    vote_cast(actor=demo.user("ines"), proposal=proposal, choices=["agree"])
    vote_cast(actor=demo.user("maelle"), proposal=proposal, choices=["abstain"])
    vote_cast(
        actor=demo.user("gaspard"),
        proposal=proposal,
        choices=["block"],
        reason="Une trame unique risque d'uniformiser des lieux très différents.",
        alternative="Une trame socle de cinq questions, le reste au choix de l'équipe.",
    )
    # Louise changes her mind: the history keeps both votes, the latest counts.
    vote_cast(
        actor=demo.user("louise"),
        proposal=proposal,
        choices=["disagree"],
        reason="Je crains la lourdeur.",
    )
    vote_cast(actor=demo.user("louise"), proposal=proposal, choices=["agree"])
    # Inès wrote the template with Théo for a shared client: a steward records her
    # conflict; her vote stays in the history but is no longer counted.
    stand_aside_record(
        actor=demo.user("solene"),
        proposal=proposal,
        person=demo.people["ines"],
        reason="Inès a écrit la trame avec Théo pour un client commun.",
    )

    closed = proposal_create(
        actor=demo.user("maelle"),
        group=group,
        kind=PollKind.OBJECTION,
        title="Tenir les rencontres du cercle un jeudi sur deux",
        details="À l'essai pendant six mois.",
        closes_at=now + timedelta(days=3),
        reason_required=ReasonRequired.DISSENT,
    )
    for key in ("maelle", "theo", "ines"):
        vote_cast(actor=demo.user(key), proposal=closed, choices=["consent"])
    proposal_close(actor=demo.user("maelle"), proposal=closed)
    outcome_create(
        actor=demo.user("maelle"),
        proposal=closed,
        statement="Adopté sans objection : les rencontres ont lieu un jeudi sur deux jusqu'à l'été.",
    )


def _association(demo: Demo, group: Group) -> None:
    now = timezone.now()
    start = (now + timedelta(days=30)).replace(hour=14, minute=0, second=0, microsecond=0)
    poll = proposal_create(
        actor=demo.user("yanis"),
        group=group,
        kind=PollKind.MEETING,
        title="Assemblée générale : quelle date ?",
        details="Trois créneaux à la Gare de Saint-Pol.",
        closes_at=now + timedelta(days=10),
        options=[
            {"label": "Samedi après-midi", "starts_at": start},
            {"label": "Samedi suivant", "starts_at": start + timedelta(days=7)},
            {"label": "Vendredi soir", "starts_at": start + timedelta(days=13, hours=4)},
        ],
        reason_required=ReasonRequired.NEVER,
        thread=Thread.objects.filter(group=group).order_by("created_at").first(),
    )
    vote_cast(actor=demo.user("agathe"), proposal=poll, choices={"o1": 2, "o2": 1, "o3": 0})
    vote_cast(actor=demo.user("solene"), proposal=poll, choices={"o1": 2, "o2": 2, "o3": 1})
    vote_cast(actor=demo.user("maelle"), proposal=poll, choices={"o1": 1, "o2": 0, "o3": 2})


def _working_group(demo: Demo, group: Group) -> None:
    now = timezone.now()
    dots = proposal_create(
        actor=demo.user("maelle"),
        group=group,
        kind=PollKind.DOT_VOTE,
        title="Quels communs documenter en priorité ?",
        details="Chacun répartit cinq gommettes.",
        closes_at=now + timedelta(days=8),
        options=["Trame de diagnostic", "Modèle de convention", "Guide de gouvernance"],
        dots_per_voter=5,
        reason_required=ReasonRequired.NEVER,
    )
    vote_cast(actor=demo.user("maelle"), proposal=dots, choices={"o1": 3, "o3": 2})
    vote_cast(actor=demo.user("theo"), proposal=dots, choices={"o1": 1, "o2": 4})
    ranked = proposal_create(
        actor=demo.user("theo"),
        group=group,
        kind=PollKind.RANKED_CHOICE,
        title="Nom du futur centre de ressources",
        details="Classez les noms, du préféré au moins aimé.",
        closes_at=now + timedelta(days=8),
        options=["La Boussole", "Le Grenier", "La Fabrique"],
        reason_required=ReasonRequired.NEVER,
        anonymous=True,
    )
    vote_cast(actor=demo.user("theo"), proposal=ranked, choices=["o1", "o3", "o2"])
    vote_cast(actor=demo.user("agathe"), proposal=ranked, choices=["o3", "o1"])
