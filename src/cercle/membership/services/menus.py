"""Every write on the menus stewards offer in adhesion contracts, per actor type."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.membership.models import MenuItem
from cercle.membership.policies import contracts as policies
from cercle.network.enums import ActorType

MENU_FIELDS = frozenset(("label", "help_text", "is_free_text", "contribution_kind"))
MENU_FIELDS |= {"rate_percent", "amount_ht", "position", "is_active"}

# ---------------------------------------------------------------- default menus
# Content, hence in French: what the network offers each type of actor to start with;
# stewards edit it afterwards on the menus page. One item a line:
# actor types (* for all) | section | kind | rate % | amount € HT | other? | label
_DEFAULT_MENU_TABLE = """
*|need||||| Rencontrer d'autres membres du réseau et être mis en lien avec eux
*|need||||| Puiser dans les ressources ouvertes du réseau (guides, outils, retours d'expérience)
tiers_lieu|need||||| Échanger entre pairs avec d'autres équipes qui font vivre un lieu
tiers_lieu|need||||| Être aidé·e à consolider le modèle économique du lieu
collectivite|need||||| Mieux comprendre ce qu'un tiers-lieu peut apporter au territoire
collectivite|need||||| Être orientée vers des accompagnateurs pour un projet de lieu
association|need||||| Trouver un lieu ou des partenaires pour ses activités
entreprise|need||||| Découvrir des espaces partagés où travailler près de chez ses équipes
citoyen|need||||| Trouver un tiers-lieu près de chez moi
citoyen|need||||| Prendre part à la vie d'un lieu
prestataire|need||||| Bénéficier du repérage et de la qualification des besoins faits par le réseau
prestataire|need||||| Se présenter comme membre du réseau et gagner en visibilité
prestataire|need||||| Former des équipes avec d'autres accompagnateurs et experts
prestataire|need||||| Profiter des conseils de pairs qui animent des lieux (compagnonnage)
*|need||||x| Autre besoin (décrivez-le)
*|engagement||||| Respecter le travail déjà engagé par d'autres membres sur mon territoire
*|engagement||||| Solliciter un·e soucieux·se dès qu'un doute se présente
*|engagement||||| Faire évoluer ce contrat quand mes besoins ou mes usages changent
tiers_lieu|engagement||||| Ouvrir le lieu au moins une fois par an à une rencontre du réseau
collectivite|engagement||||| Tenir le réseau au courant des projets de lieux sur le territoire
association|engagement||||| Partager ouvertement ce que l'association produit avec le réseau
entreprise|engagement||||| Faire connaître le réseau à ses clients et partenaires
prestataire|engagement||||| Signer la charte de coopétition des accompagnateurs
*|engagement||||x| Autre engagement (décrivez-le)
prestataire|contribution|turnover_share|5||| Reverser 5 % du chiffre d'affaires HT de mes missions liées aux tiers-lieux
prestataire,association|contribution|in_kind_project|||| Porter bénévolement un chantier du réseau, dans des limites fixées ensemble
prestataire,citoyen|contribution|in_kind_event|||| Organiser ou animer régulièrement un événement du réseau
prestataire,tiers_lieu|contribution|in_kind_welcome|||| Accueillir et orienter des porteurs de projet
tiers_lieu|contribution|membership_fee||60|| Cotisation annuelle de la structure
tiers_lieu,collectivite|contribution|in_kind_event|||| Mettre un espace à disposition pour les rencontres du réseau
collectivite|contribution|flat_amount||500|| Contribution forfaitaire annuelle
entreprise|contribution|flat_amount||300|| Contribution forfaitaire annuelle
association|contribution|membership_fee||30|| Cotisation annuelle de l'association
citoyen|contribution|membership_fee||10|| Cotisation individuelle annuelle
*|contribution|donation|||| Don libre au réseau
*|contribution|other|||x| Autre contribution (faites votre proposition)
"""
MenuRow = tuple[str, str, str, str, bool, str]


def _default_menus() -> dict[str, list[MenuRow]]:
    """{actor type: [(section, kind, rate, amount, other?, label), …]} in table order."""
    menus: dict[str, list[MenuRow]] = {actor_type: [] for actor_type in ActorType.values}
    for line in _DEFAULT_MENU_TABLE.strip().splitlines():
        types, section, kind, rate, amount, other, label = line.split("|", 6)
        for actor_type in ActorType.values if types == "*" else types.split(","):
            menus[actor_type].append((section, kind, rate, amount, other == "x", label.strip()))
    return menus


DEFAULT_MENUS = _default_menus()

# ---------------------------------------------------------------- menus


def _check_menu_item(item: MenuItem) -> None:
    item.label = (item.label or "").strip()
    duplicate = MenuItem.objects.filter(
        actor_type=item.actor_type, section=item.section, label=item.label
    ).exclude(pk=item.pk)
    if item.label and duplicate.exists():
        raise ValidationError({"label": [_("This menu already has an item with this label.")]})
    item.full_clean()


def _next_position(actor_type: str, section: str) -> int:
    top = MenuItem.objects.filter(actor_type=actor_type, section=section).aggregate(
        top=Max("position")
    )["top"]
    return (top or 0) + 1


def _check_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - MENU_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    # Text fields are never NULL: an absent explanation or kind is an empty string.
    return {
        k: ("" if v is None and k in ("help_text", "contribution_kind") else v)
        for k, v in fields.items()
    }


def menu_item_create(*, actor: User, actor_type: str, section: str, **fields: Any) -> MenuItem:
    """A steward adds an item to one section of the menu of one actor type.

    `fields`: label, help_text, is_free_text, contribution_kind, rate_percent (Decimal),
    amount_ht (Decimal), position (default: last), is_active.
    """
    policies.check_can_manage_menus(actor)
    fields = _check_fields(fields)
    if fields.get("position") is None:
        fields["position"] = _next_position(actor_type, section)
    item = MenuItem(actor_type=actor_type, section=section, **fields)
    _check_menu_item(item)
    with transaction.atomic():
        item.save()
        journal.record(
            actor=actor,
            verb="menu_item.created",
            obj=item,
            payload={"actor_type": item.actor_type, "section": item.section},
            visibility=Visibility.MEMBERS,
        )
    return item


def menu_item_update(*, actor: User, item: MenuItem, **changes: Any) -> MenuItem:
    """Edit an item; its actor type and section stay (past choices point at it)."""
    policies.check_can_manage_menus(actor)
    changed = {}
    for name, value in _check_fields(changes).items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed[name] = value
    if not changed:
        return item
    _check_menu_item(item)
    with transaction.atomic():
        item.save(update_fields=list(changed))
        journal.record(
            actor=actor,
            verb="menu_item.updated",
            obj=item,
            payload={"changed": sorted(changed)},
            visibility=Visibility.MEMBERS,
        )
    return item


def menu_item_move(*, actor: User, item: MenuItem, offset: int) -> MenuItem:
    """Move an item up (offset < 0) or down within its menu; positions become 1, 2, 3…"""
    policies.check_can_manage_menus(actor)
    with transaction.atomic():
        siblings = list(
            MenuItem.objects.select_for_update()
            .filter(actor_type=item.actor_type, section=item.section)
            .order_by("position", "id")
        )
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
        target = max(0, min(len(siblings) - 1, index + (1 if offset > 0 else -1)))
        if target == index:
            return item
        siblings.insert(target, siblings.pop(index))
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
            if sibling.pk == item.pk:
                item.position = position
        journal.record(
            actor=actor,
            verb="menu_item.moved",
            obj=item,
            payload={"position": item.position},
            visibility=Visibility.MEMBERS,
        )
    return item


def menu_item_set_active(*, actor: User, item: MenuItem, active: bool) -> MenuItem:
    """Withdraw an item from the menu (past contracts keep their copy) or offer it again."""
    return menu_item_update(actor=actor, item=item, is_active=active)


def menu_seed_defaults(*, actor: User | None) -> int:
    """Create the default menus of every actor type; items already there are kept as is.

    `actor` is a steward, or None when the platform itself seeds (demo loader, set-up).
    Returns how many items were created; a second call creates none.
    """
    if actor is not None:
        policies.check_can_manage_menus(actor)
    existing = set(MenuItem.objects.values_list("actor_type", "section", "label"))
    positions: dict[tuple[str, str], int] = {}
    created = 0
    with transaction.atomic():
        for actor_type, items in DEFAULT_MENUS.items():
            for section, kind, rate, amount, free, label in items:
                if (actor_type, section, label) in existing:
                    continue
                key = (actor_type, section)
                if key not in positions:
                    positions[key] = _next_position(actor_type, section)
                item = MenuItem(
                    actor_type=actor_type,
                    section=section,
                    label=label,
                    contribution_kind=kind,
                    rate_percent=Decimal(rate) if rate else None,
                    amount_ht=Decimal(amount) if amount else None,
                    is_free_text=free,
                    position=positions[key],
                )
                item.full_clean()
                item.save()
                positions[key] += 1
                existing.add((actor_type, section, label))
                created += 1
        if created:
            journal.record(
                actor=actor,
                verb="menu.seeded",
                object_type="membership.menuitem",
                payload={"created": created},
                visibility=Visibility.MEMBERS,
            )
    return created


# ---------------------------------------------------------------- contracts: helpers
