"""Every write on adhesion contracts and their menus.

A contract moves draft → submitted → (in discussion) → validated | refused, only through
`CONTRACT_TRANSITIONS`; a validated contract is amended by a new draft of the same
lineage, and becomes `superseded` when that amendment is validated.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.core.transitions import check_transition
from cercle.membership.enums import CONTRACT_TRANSITIONS, ContractStatus, MenuSection
from cercle.membership.models import AdhesionContract, ContractChoice, ContractComment, MenuItem
from cercle.membership.models.contracts import OPEN_STATUSES
from cercle.membership.policies import contracts as policies
from cercle.membership.selectors.contracts import applicant_users, steward_users
from cercle.network.enums import ActorType
from cercle.network.models import Organization
from cercle.network.services import organization_mark_member, person_mark_member, person_of

# A person applies for themself as a citizen or as an independent service provider.
PERSON_ACTOR_TYPES = (ActorType.CITOYEN, ActorType.PRESTATAIRE)
MAX_TEXT = 5000
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


def _subject(contract: AdhesionContract) -> User:
    """Whom a private journal entry about the contract concerns."""
    if contract.applicant_person is not None:
        return contract.applicant_person.user
    return contract.created_by.user


def _record(
    actor: User | None,
    verb: str,
    contract: AdhesionContract,
    payload: dict[str, Any] | None = None,
    *,
    public: bool = False,
) -> None:
    journal.record(
        actor=actor,
        verb=verb,
        obj=contract,
        payload={"version": contract.version, "status": contract.status, **(payload or {})},
        visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
        subject=None if public else _subject(contract),
    )


def _locked(contract: AdhesionContract) -> AdhesionContract:
    """Re-read the status under a row lock so two decisions cannot cross."""
    fresh = AdhesionContract.objects.select_for_update().get(pk=contract.pk)
    contract.status = fresh.status
    return contract


def _move(contract: AdhesionContract, target: str) -> None:
    check_transition(CONTRACT_TRANSITIONS, ContractStatus(contract.status), ContractStatus(target))
    contract.status = target


def _mail_context(contract: AdhesionContract, **extra: Any) -> dict[str, Any]:
    return {
        "applicant": contract.applicant_name,
        "version": contract.version,
        "url": contract.get_absolute_url(),
        **extra,
    }


def _check_text(field: str, value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [_("Keep it under %(max)s characters.") % {"max": MAX_TEXT}]})
    return value


def _check_draft(contract: AdhesionContract) -> None:
    if contract.status != ContractStatus.DRAFT:
        raise Conflict(_("Only a draft can be changed; ask for an amendment instead."))


# ---------------------------------------------------------------- contracts: applicant side


def contract_start(
    *, actor: User, organization: Organization | None = None, actor_type: str = ""
) -> AdhesionContract:
    """Start a draft for oneself or for an organization one administers.

    An applicant has one lineage: after a refusal the new draft is its next version;
    with a contract in force, one amends it instead.
    """
    policies.check_can_apply(actor, organization)
    person = person_of(actor)
    applicant: dict[str, Any]
    if organization is not None:
        actor_type = organization.actor_type
        applicant = {"applicant_organization": organization}
    else:
        actor_type = actor_type or ActorType.CITOYEN
        if actor_type not in PERSON_ACTOR_TYPES:
            raise ValidationError(
                {"actor_type": [_("A person applies as a citizen or as a service provider.")]}
            )
        applicant = {"applicant_person": person}
    with transaction.atomic():
        history = AdhesionContract.objects.select_for_update().filter(**applicant)
        if history.filter(status__in=OPEN_STATUSES).exists():
            raise Conflict(_("A contract is already being written or discussed: continue it."))
        if history.filter(status=ContractStatus.VALIDATED).exists():
            raise Conflict(_("A contract is already in force: amend it instead."))
        latest = history.order_by("-version").first()
        contract = AdhesionContract(
            actor_type=actor_type, created_by=person, status=ContractStatus.DRAFT, **applicant
        )
        if latest is not None:
            contract.lineage, contract.version = latest.lineage, latest.version + 1
        contract.full_clean()
        contract.save()
        _record(actor, "contract.started", contract, {"actor_type": actor_type})
    return contract


def _parse_choices(
    contract: AdhesionContract, choices: Mapping[Any, str]
) -> list[tuple[MenuItem, str]]:
    """Check the picked items against the menu offered to the contract's actor type."""
    wrong = _("Choose items from the menu offered to your type of actor.")
    try:
        wanted = {UUID(str(key)): (text or "") for key, text in choices.items()}
    except (TypeError, ValueError) as error:
        raise ValidationError({"choices": [wrong]}) from error
    items = {
        item.uuid: item
        for item in MenuItem.objects.filter(
            uuid__in=wanted, actor_type=contract.actor_type, is_active=True
        )
    }
    if len(items) != len(wanted):
        raise ValidationError({"choices": [wrong]})
    picked = []
    for uuid, text in wanted.items():
        item = items[uuid]
        if item.is_free_text:
            text = text.strip()
            if not text:
                raise ValidationError(
                    {"choices": [_("Write your proposal for “%(label)s”.") % {"label": item.label}]}
                )
            if len(text) > MAX_TEXT:
                raise ValidationError(
                    {"choices": [_("Keep it under %(max)s characters.") % {"max": MAX_TEXT}]}
                )
        picked.append((item, text.strip() if item.is_free_text else ""))
    return picked


def _choice_from(contract: AdhesionContract, item: MenuItem, text: str) -> ContractChoice:
    """A choice copies the item as it reads now, so later menu edits leave it unchanged."""
    return ContractChoice(
        contract=contract,
        item=item,
        section=item.section,
        label=item.label,
        contribution_kind=item.contribution_kind,
        rate_percent=item.rate_percent,
        amount_ht=item.amount_ht,
        free_text=text,
    )


def contract_update(
    *,
    actor: User,
    contract: AdhesionContract,
    motivation: str | None = None,
    choices: Mapping[Any, str] | None = None,
) -> AdhesionContract:
    """Change a draft: the motivation, and the picked items (item uuid → own proposal)."""
    policies.check_can_edit(actor, contract)
    _check_draft(contract)
    picked = _parse_choices(contract, choices) if choices is not None else None
    if motivation is not None:
        contract.motivation = _check_text("motivation", motivation, required=False)
    with transaction.atomic():
        _locked(contract)
        _check_draft(contract)
        contract.full_clean()
        contract.save(update_fields=["motivation"])
        if picked is not None:
            contract.choices.all().delete()
            ContractChoice.objects.bulk_create(
                [_choice_from(contract, item, text) for item, text in picked]
            )
        _record(actor, "contract.updated", contract, {"choices": len(picked or [])})
    return contract


def contract_submit(*, actor: User, contract: AdhesionContract) -> AdhesionContract:
    """The applicant hands the draft to the stewards, who are told by e-mail."""
    policies.check_can_edit(actor, contract)
    with transaction.atomic():
        _locked(contract)
        _move(contract, ContractStatus.SUBMITTED)
        if not contract.choices.filter(section=MenuSection.CONTRIBUTION).exists():
            raise ValidationError({"choices": [_("Choose at least one way to contribute.")]})
        contract.submitted_at = timezone.now()
        contract.full_clean()
        contract.save(update_fields=["status", "submitted_at"])
        _record(actor, "contract.submitted", contract)
    notify(
        users=steward_users(exclude=[actor]),
        subject=gettext_lazy("An adhesion contract awaits the stewards"),
        template="membership/email/contract_submitted.txt",
        context=_mail_context(contract),
    )
    return contract


def contract_comment(*, actor: User, contract: AdhesionContract, body: str) -> ContractComment:
    """Add to the discussion; a steward's first word on a submitted contract opens it."""
    rights = policies.check_can_comment(actor, contract)
    body = _check_text("body", body, required=True)
    with transaction.atomic():
        _locked(contract)
        if contract.status not in (ContractStatus.SUBMITTED, ContractStatus.IN_DISCUSSION):
            raise Conflict(
                _("The discussion is open while the contract is submitted or discussed.")
            )
        comment = ContractComment(contract=contract, author=person_of(actor), body=body)
        comment.full_clean()
        comment.save()
        opens = contract.status == ContractStatus.SUBMITTED
        if opens and rights.is_steward and not rights.is_applicant_side:
            _move(contract, ContractStatus.IN_DISCUSSION)
            contract.save(update_fields=["status"])
            _record(actor, "contract.discussion_opened", contract)
        _record(actor, "contract.commented", contract, {"comment": str(comment.uuid)})
    if rights.is_applicant_side:
        recipients = _stewards_in_thread(contract) or steward_users()
    else:
        recipients = applicant_users(contract)
    notify(
        users=[user for user in recipients if user.pk != actor.pk],
        subject=gettext_lazy("New message about an adhesion contract"),
        template="membership/email/contract_comment.txt",
        context=_mail_context(contract, author=str(comment.author), body=body[:1000]),
    )
    return comment


def _stewards_in_thread(contract: AdhesionContract) -> list[User]:
    authors = set(contract.comments.values_list("author__user_id", flat=True))
    return [user for user in steward_users() if user.pk in authors]


def contract_amend(*, actor: User, contract: AdhesionContract) -> AdhesionContract:
    """Open a new draft version of a contract in force, prefilled with its choices.

    Items withdrawn from the menu since are left out; kept items are copied as they read
    today, since choosing them again happens now.
    """
    policies.check_can_amend(actor, contract)
    person = person_of(actor)
    with transaction.atomic():
        _locked(contract)
        if contract.status != ContractStatus.VALIDATED:
            raise Conflict(_("Only the contract in force can be amended."))
        lineage = AdhesionContract.objects.select_for_update().filter(lineage=contract.lineage)
        if lineage.filter(status__in=OPEN_STATUSES).exists():
            raise Conflict(_("An amendment is already under way: continue it."))
        top = lineage.aggregate(top=Max("version"))["top"] or contract.version
        organization = contract.applicant_organization
        amendment = AdhesionContract(
            lineage=contract.lineage,
            version=top + 1,
            amends=contract,
            applicant_person=contract.applicant_person,
            applicant_organization=organization,
            actor_type=organization.actor_type if organization else contract.actor_type,
            created_by=person,
            motivation=contract.motivation,
            status=ContractStatus.DRAFT,
        )
        amendment.full_clean()
        amendment.save()
        kept = contract.choices.select_related("item").filter(
            item__is_active=True, item__actor_type=amendment.actor_type
        )
        ContractChoice.objects.bulk_create(
            [_choice_from(amendment, choice.item, choice.free_text) for choice in kept]
        )
        _record(actor, "contract.amended", amendment, {"amends": str(contract.uuid)})
    return amendment


# ---------------------------------------------------------------- contracts: stewards


def contract_validate(*, actor: User, contract: AdhesionContract) -> AdhesionContract:
    """A steward without a conflict of interest validates: the applicant becomes a member."""
    policies.check_can_decide(actor, contract)
    with transaction.atomic():
        _locked(contract)
        _move(contract, ContractStatus.VALIDATED)
        previous = (
            AdhesionContract.objects.select_for_update()
            .filter(lineage=contract.lineage, status=ContractStatus.VALIDATED)
            .exclude(pk=contract.pk)
            .first()
        )
        if previous is not None:
            _move(previous, ContractStatus.SUPERSEDED)
            previous.save(update_fields=["status"])
            _record(actor, "contract.superseded", previous, {"by": str(contract.uuid)})
        contract.decided_at = timezone.now()
        contract.decided_by = person_of(actor)
        contract.refusal_reason = ""
        contract.full_clean()
        contract.save(update_fields=["status", "decided_at", "decided_by", "refusal_reason"])
        organization = contract.applicant_organization
        if organization is not None:
            organization_mark_member(actor=actor, organization=organization)
        elif contract.applicant_person is not None:
            person_mark_member(actor=actor, person=contract.applicant_person)
        # An organization's adhesion is public; a person's stays between them and stewards.
        _record(actor, "contract.validated", contract, public=organization is not None)
    notify(
        users=applicant_users(contract),
        subject=gettext_lazy("Your adhesion contract is validated"),
        template="membership/email/contract_validated.txt",
        context=_mail_context(contract, steward=str(contract.decided_by)),
    )
    return contract


def contract_refuse(*, actor: User, contract: AdhesionContract, reason: str) -> AdhesionContract:
    """A steward without a conflict of interest refuses, and must say why."""
    policies.check_can_decide(actor, contract)
    reason = _check_text("reason", reason, required=True)
    with transaction.atomic():
        _locked(contract)
        _move(contract, ContractStatus.REFUSED)
        contract.refusal_reason = reason
        contract.decided_at = timezone.now()
        contract.decided_by = person_of(actor)
        contract.full_clean()
        contract.save(update_fields=["status", "refusal_reason", "decided_at", "decided_by"])
        _record(actor, "contract.refused", contract)
    notify(
        users=applicant_users(contract),
        subject=gettext_lazy("Your adhesion contract was not validated"),
        template="membership/email/contract_refused.txt",
        context=_mail_context(contract, reason=reason),
    )
    return contract
