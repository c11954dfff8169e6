"""Every write on adhesion contracts (their menus are in `menus.py`).

A contract moves draft → submitted → (in discussion) → validated | refused, only through
`CONTRACT_TRANSITIONS`; a validated contract is amended by a new draft of the same
lineage, and becomes `superseded` when that amendment is validated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
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
    open_already = Conflict(_("A contract is already being written or discussed: continue it."))
    try:
        return _contract_start(actor, person, actor_type, applicant, open_already)
    except IntegrityError as error:
        # Started twice at once: a first draft has no row to lock, the constraint on
        # one open contract per applicant keeps one.
        raise open_already from error


def _contract_start(
    actor: User, person: Any, actor_type: str, applicant: dict[str, Any], open_already: Conflict
) -> AdhesionContract:
    with transaction.atomic():
        history = AdhesionContract.objects.select_for_update().filter(**applicant)
        if history.filter(status__in=OPEN_STATUSES).exists():
            raise open_already
        if history.filter(status=ContractStatus.VALIDATED).exists():
            raise Conflict(_("A contract is already in force: amend it instead."))
        latest = history.order_by("-version").first()
        contract = AdhesionContract(
            actor_type=actor_type, created_by=person, status=ContractStatus.DRAFT, **applicant
        )
        if latest is not None:
            contract.lineage, contract.version = latest.lineage, latest.version + 1
        try:
            contract.full_clean()
        except ValidationError:
            # Started twice at once, the other start committed between the checks above
            # and this validation, whose constraint check saw its open contract.
            if history.filter(status__in=OPEN_STATUSES).exists():
                raise open_already from None
            raise
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
        kind=NotificationKind.ADHESION,
        url=contract.get_absolute_url(),
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
        kind=NotificationKind.ADHESION,
        url=contract.get_absolute_url(),
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
        kind=NotificationKind.ADHESION,
        url=contract.get_absolute_url(),
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
        kind=NotificationKind.ADHESION,
        url=contract.get_absolute_url(),
        users=applicant_users(contract),
        subject=gettext_lazy("Your adhesion contract was not validated"),
        template="membership/email/contract_refused.txt",
        context=_mail_context(contract, reason=reason),
    )
    return contract
