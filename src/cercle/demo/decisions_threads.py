"""The demo's decision groups and discussions: the association, the circle, a working
group and the board, with threads, comments, replies, mentions and a closed thread.

Everything goes through the services, as people would through the pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cercle.decisions.enums import GroupKind, GroupVisibility, MembershipRule
from cercle.decisions.models import Group, Thread
from cercle.decisions.services import threads as thread_services
from cercle.decisions.services import threads_groups as group_services

if TYPE_CHECKING:
    from cercle.demo.loader import Demo


def load_decisions_threads(demo: Demo) -> None:
    groups = _groups(demo)
    _association(demo, groups["association"])
    _circle(demo, groups["circle"])
    _working_group(demo, groups["working"])
    _board(demo, groups["board"])


def _groups(demo: Demo) -> dict[str, Group]:
    steward = demo.user("solene")
    association = group_services.group_create(
        actor=steward,
        name="L'association",
        kind=GroupKind.ASSOCIATION,
        membership_rule=MembershipRule.ALL_MEMBERS,
        visibility=GroupVisibility.MEMBERS,
        description="Tous les membres du réseau : la vie de l'association, ses rendez-vous, "
        "ses décisions collectives.",
    )
    circle = group_services.group_create(
        actor=steward,
        name="Le cercle des consultants",
        kind=GroupKind.CIRCLE,
        membership_rule=MembershipRule.CIRCLE,
        visibility=GroupVisibility.MEMBERS,
        description="Les consultants signataires de la charte : méthodes, missions, entraide.",
    )
    working = group_services.group_create(
        actor=steward,
        name="Groupe de travail « Communs »",
        kind=GroupKind.WORKING_GROUP,
        membership_rule=MembershipRule.LISTED,
        visibility=GroupVisibility.MEMBERS,
        description="Recenser, documenter et financer les **ressources partagées** du réseau.",
    )
    board = group_services.group_create(
        actor=steward,
        name="Le bureau",
        kind=GroupKind.BOARD,
        membership_rule=MembershipRule.LISTED,
        visibility=GroupVisibility.GROUP,
        description="Le bureau de l'association ; ses échanges ne sont lus que par lui.",
    )
    for key, admin in [("maelle", True), ("theo", False), ("agathe", False)]:
        group_services.group_member_add(
            actor=steward, group=working, person=demo.people[key], is_admin=admin
        )
    for key in ("solene", "yanis"):
        group_services.group_member_add(
            actor=steward, group=board, person=demo.people[key], is_admin=True
        )
    return {"association": association, "circle": circle, "working": working, "board": board}


def _slug(demo: Demo, key: str) -> str:
    return demo.people[key].slug


def _association(demo: Demo, group: Group) -> None:
    thread = thread_services.thread_start(
        actor=demo.user("yanis"),
        group=group,
        title="Assemblée générale : date et lieu",
        body=(
            "Bonjour à toutes et à tous,\n\n"
            "Nous cherchons une date pour l'assemblée générale de printemps. Deux lieux "
            "se proposent :\n\n"
            "- la Ferme des Quatre Vents, à Bapaume ;\n"
            "- le tiers-lieu de la Gare, à Saint-Pol.\n\n"
            f"@{_slug(demo, 'agathe')}, tu connais bien le second : qu'en penses-tu ?"
        ),
    )
    first = thread_services.comment_add(
        actor=demo.user("agathe"),
        thread=thread,
        body="La Gare a une grande salle et une cuisine partagée : parfait pour 60 personnes.",
    )
    thread_services.comment_add(
        actor=demo.user("maelle"),
        thread=thread,
        parent=first,
        body="D'accord avec Agathe, et la gare est à cinq minutes à pied.",
    )
    thread_services.comment_add(
        actor=demo.user("solene"),
        thread=thread,
        body="Je propose d'ouvrir une proposition formelle la semaine prochaine.",
    )
    thread_services.thread_start(
        actor=demo.user("solene"),
        group=group,
        title="Bienvenue aux nouveaux membres",
        body="Présentez-vous ici en quelques lignes : votre lieu, vos envies, vos questions.",
    )


def _circle(demo: Demo, group: Group) -> None:
    thread = thread_services.thread_start(
        actor=demo.user("theo"),
        group=group,
        title="Partage d'outils pour les diagnostics de territoire",
        body="Je mets en commun ma trame d'entretien. Vos retours sont bienvenus.",
    )
    comment = thread_services.comment_add(
        actor=demo.user("ines"),
        thread=thread,
        body="Merci ! J'ajouterais une question sur la gouvernance du lieu.",
    )
    thread_services.comment_edit(
        actor=demo.user("ines"),
        comment=comment,
        body=(
            "Merci ! J'ajouterais une question sur la gouvernance du lieu, et une sur "
            f"ses usagers. @{_slug(demo, 'gaspard')} avait une grille là-dessus."
        ),
    )
    thread_services.comment_add(
        actor=demo.user("gaspard"),
        thread=thread,
        parent=comment,
        body="Oui, je la dépose dans les communs dès que possible.",
    )


def _working_group(demo: Demo, group: Group) -> None:
    thread = thread_services.thread_start(
        actor=demo.user("maelle"),
        group=group,
        title="Inventaire des communs existants",
        body="Listons ce qui existe déjà avant d'écrire quoi que ce soit de neuf.",
    )
    thread_services.comment_add(
        actor=demo.user("theo"),
        thread=thread,
        body="Le kit d'accueil des tiers-lieux et la boîte à outils juridique, pour commencer.",
    )
    mistaken = thread_services.comment_add(
        actor=demo.user("agathe"), thread=thread, body="(message envoyé par erreur)"
    )
    thread_services.comment_delete(actor=demo.user("agathe"), comment=mistaken)
    done = thread_services.thread_start(
        actor=demo.user("maelle"),
        group=group,
        title="Nom du groupe",
        body="Garde-t-on « Communs » ?",
    )
    thread_services.comment_add(actor=demo.user("theo"), thread=done, body="Oui, c'est clair.")
    thread_services.thread_close(actor=demo.user("maelle"), thread=done)


def _board(demo: Demo, group: Group) -> None:
    thread: Thread = thread_services.thread_start(
        actor=demo.user("solene"),
        group=group,
        title="Budget prévisionnel",
        body="Le tableau est prêt ; je vous propose d'en parler à la prochaine réunion.",
    )
    thread_services.comment_add(
        actor=demo.user("yanis"), thread=thread, body="Lu, deux remarques sur les frais de route."
    )
