"""Every write on a mission's contribution: the policy recorded at award (with the rate
copied from the settings), the commons pledged at award, policy changes, self-assessed
and negotiated amounts, and turnover declarations. The settings and the guide are in
`services.policies_settings`; in kind and animation time in `services.policies_in_kind`.

Rounding and posting rules: docs/decisions/0010-reciprocity-ledger.md.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.missions.enums import RequestScope
from cercle.missions.models import Mission, OfferCommonsLine
from cercle.network.services import person_of
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import (
    RATE_POLICIES,
    AccountKind,
    ContributionStatus,
    JournalCode,
    PolicyKind,
)
from cercle.reciprocity.models import (
    ContributionSettings,
    GuideSituation,
    LedgerLine,
    MissionContribution,
    TurnoverDeclaration,
)
from cercle.reciprocity.policies.policies import (
    check_can_change_policy,
    check_can_declare_turnover,
    check_can_negotiate,
    check_can_self_assess,
    negotiation_side,
)
from cercle.reciprocity.selectors.policies import is_invoiced, settings_get

SETTINGS_FIELDS = (
    "flat_rate_percent",
    "structure_fee_percent",
    "introduction_fee_percent",
    "default_policy_local",
    "default_policy_structuring",
    "in_kind_hour_value",
    "declaration_call_month",
    "payment_due_days",
)

RATE_FIELD: dict[str, str] = {
    PolicyKind.FLAT_RATE: "flat_rate_percent",
    PolicyKind.STRUCTURE_FEE: "structure_fee_percent",
    PolicyKind.INTRODUCTION_FEE: "introduction_fee_percent",
}


def money(value: Any, field: str, *, positive: bool = False) -> Decimal:
    """A euro amount from input: a number, not negative (or > 0), whole cents."""
    try:
        amount = Decimal(str(value).strip().replace(",", ".")) if value is not None else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError({field: [_("Enter an amount in euros, such as 1200.50.")]})
    if amount < 0 or (positive and amount == 0):
        raise ValidationError(
            {
                field: [
                    _("Enter an amount greater than zero.")
                    if positive
                    else _("An amount cannot be negative.")
                ]
            }
        )
    if amount != ledger.cents(amount):
        raise ValidationError({field: [_("An amount has at most two decimals (cents).")]})
    if amount >= Decimal("10000000000"):
        raise ValidationError({field: [_("This amount is too large.")]})
    return amount


def journal_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


# ---------------------------------------------------------------- at award


def _default_policy(settings: ContributionSettings, scope: str) -> str:
    if scope == RequestScope.LOCAL:
        return settings.default_policy_local
    if scope == RequestScope.STRUCTURING:
        return settings.default_policy_structuring
    return PolicyKind.FLAT_RATE


def _apply_policy(
    contribution: MissionContribution,
    policy: str,
    settings: ContributionSettings,
    rate_percent: Any = None,
) -> None:
    contribution.policy = policy
    contribution.rate_percent = None
    contribution.self_assessed_amount_ht = None
    contribution.guide_situation = None
    contribution.negotiated_amount_ht = None
    contribution.steward_agreed_by = None
    contribution.steward_agreed_at = None
    contribution.consultant_agreed_at = None
    contribution.status = ContributionStatus.AGREED
    if policy in RATE_POLICIES:
        contribution.rate_percent = (
            rate_percent
            if rate_percent not in (None, "")
            else getattr(settings, RATE_FIELD[policy])
        )
    elif policy == PolicyKind.NEGOTIATED:
        contribution.status = ContributionStatus.PENDING


def mission_contribution_record(*, mission: Mission, actor: User | None) -> MissionContribution:
    """At award: the mission records the default policy for its request's scope and copies
    the rate from the settings (later changes of the settings never alter it).
    Called inside the award's transaction; idempotent."""
    existing = MissionContribution.objects.filter(mission=mission).first()
    if existing is not None:
        return existing
    settings = settings_get()
    contribution = MissionContribution(mission=mission, recorded_at=timezone.now())
    _apply_policy(contribution, _default_policy(settings, mission.request.scope), settings)
    contribution.full_clean(exclude=["mission"])
    with transaction.atomic():
        contribution.save()
        journal.record(
            actor=actor,
            verb="mission_contribution.recorded",
            obj=contribution,
            payload={
                "mission": str(mission.uuid),
                "policy": contribution.policy,
                "rate_percent": journal_value(contribution.rate_percent),
            },
            visibility=Visibility.MEMBERS,
        )
    return contribution


def commons_pledges_post(*, mission: Mission, actor: User | None = None) -> Any:
    """At award: each commons budget line (> 0) of the awarded offer becomes an amount
    the lead owes to the common — one OD transaction, receivable (lead) debit /
    commons budgeted (common) credit, lines naming the mission. Idempotent; returns the
    transaction, or None when there is nothing to pledge."""
    if LedgerLine.objects.filter(
        mission=mission, account__kind=AccountKind.COMMON_PLEDGED, transaction__is_posted=True
    ).exists():
        return None
    lines = list(
        OfferCommonsLine.objects.filter(offer_id=mission.offer_id, amount_ht__gt=0)
        .select_related("common")
        .order_by("id")
    )
    if not lines:
        return None
    receivable = ledger.receivable(person=mission.lead)
    legs: list[ledger.Leg] = []
    for line in lines:
        amount = ledger.cents(line.amount_ht)
        label = _("Commons budget: %(common)s") % {"common": line.common.name}
        legs.append(ledger.Leg(account=receivable, amount=amount, label=label, mission=mission))
        legs.append(
            ledger.Leg(
                account=ledger.common_account(AccountKind.COMMON_PLEDGED, line.common),
                amount=-amount,
                label=label,
                mission=mission,
            )
        )
    return ledger.post(
        actor=actor,
        journal_code=JournalCode.MISC,
        label=_("Commons budgeted by the mission %(mission)s") % {"mission": mission.request.title},
        legs=legs,
        verb="commons.pledged",
        obj=mission,
        payload={
            "mission": str(mission.uuid),
            "commons": {line.common.slug: str(line.amount_ht) for line in lines},
        },
        piece_ref=str(mission.uuid)[:8],
    )


# ---------------------------------------------------------------- after award


def _locked(mission: Mission) -> MissionContribution:
    contribution = MissionContribution.objects.select_for_update().filter(mission=mission).first()
    if contribution is None:
        raise Conflict(_("No contribution policy was recorded for this mission."))
    return contribution


def _refuse_if_invoiced(mission: Mission) -> None:
    if is_invoiced(mission):
        raise Conflict(
            _("A declaration naming this mission was invoiced: its contribution is settled.")
        )


def _notify_lead(mission: Mission, subject: Any, context: dict[str, Any]) -> None:
    url = f"/contributions/missions/{mission.uuid}/"
    notify(
        users=[mission.lead.user],
        kind=NotificationKind.MISSION,
        subject=subject,
        template="reciprocity/email/policies_contribution_changed.txt",
        context={"title": mission.request.title, "url": url, **context},
        url=url,
    )


def mission_policy_change(
    *, actor: User, mission: Mission, policy: str, reason: str, rate_percent: Any = None
) -> MissionContribution:
    """A steward switches the mission's policy while nothing is invoiced for it. A rate
    policy copies the current settings' rate unless a rate is given."""
    check_can_change_policy(actor, mission)
    if policy not in PolicyKind.values:
        raise ValidationError({"policy": [_("Choose one of the policies.")]})
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": [_("Say why the policy changes.")]})
    with transaction.atomic():
        contribution = _locked(mission)
        _refuse_if_invoiced(mission)
        before = [contribution.policy, journal_value(contribution.rate_percent)]
        _apply_policy(contribution, policy, settings_get(), rate_percent)
        contribution.full_clean(exclude=["mission"])
        contribution.save()
        journal.record(
            actor=actor,
            verb="mission_contribution.policy_changed",
            obj=contribution,
            payload={
                "mission": str(mission.uuid),
                "before": before,
                "after": [contribution.policy, journal_value(contribution.rate_percent)],
                "reason": text,
            },
            visibility=Visibility.MEMBERS,
        )
        _notify_lead(
            mission,
            gettext_lazy("The contribution policy of your mission changed"),
            {"policy": contribution.policy, "reason": text},
        )
    return contribution


def self_assessed_set(
    *, actor: User, mission: Mission, amount_ht: Any, guide_situation: GuideSituation | None = None
) -> MissionContribution:
    """The lead sets the contribution of a self-assessed mission, the guide at hand."""
    check_can_self_assess(actor, mission)
    amount = money(amount_ht, "amount_ht")
    if guide_situation is not None and not guide_situation.is_active:
        raise ValidationError({"guide_situation": [_("This situation is no longer in the guide.")]})
    with transaction.atomic():
        contribution = _locked(mission)
        if contribution.policy != PolicyKind.SELF_ASSESSED:
            raise Conflict(_("This mission's contribution is not self-assessed."))
        _refuse_if_invoiced(mission)
        contribution.self_assessed_amount_ht = amount
        contribution.guide_situation = guide_situation
        contribution.full_clean(exclude=["mission"])
        contribution.save()
        journal.record(
            actor=actor,
            verb="mission_contribution.self_assessed",
            obj=contribution,
            payload={
                "mission": str(mission.uuid),
                "amount_ht": str(amount),
                "situation": str(guide_situation.uuid) if guide_situation else None,
            },
            visibility=Visibility.MEMBERS,
            subject=actor,
        )
    return contribution


def negotiated_propose(*, actor: User, mission: Mission, amount_ht: Any) -> MissionContribution:
    """A side (the lead, or a steward) proposes an amount and agrees to it at once; a
    changed amount resets the other side's agreement."""
    check_can_negotiate(actor, mission)
    side = negotiation_side(actor, mission)
    amount = money(amount_ht, "amount_ht")
    now = timezone.now()
    with transaction.atomic():
        contribution = _locked(mission)
        if contribution.policy != PolicyKind.NEGOTIATED:
            raise Conflict(_("This mission's contribution is not negotiated."))
        _refuse_if_invoiced(mission)
        if contribution.negotiated_amount_ht != amount:
            contribution.steward_agreed_at = None
            contribution.steward_agreed_by = None
            contribution.consultant_agreed_at = None
        contribution.negotiated_amount_ht = amount
        _agree(contribution, side, actor, now)
        contribution.full_clean(exclude=["mission"])
        contribution.save()
        journal.record(
            actor=actor,
            verb="mission_contribution.negotiation_proposed",
            obj=contribution,
            payload={
                "mission": str(mission.uuid),
                "amount_ht": str(amount),
                "side": side,
                "status": contribution.status,
            },
            visibility=Visibility.MEMBERS,
        )
        if side == "steward":
            _notify_lead(
                mission,
                gettext_lazy("A contribution is proposed for your mission"),
                {"amount_ht": str(amount), "status": contribution.status},
            )
    return contribution


def negotiated_confirm(*, actor: User, mission: Mission, amount_ht: Any) -> MissionContribution:
    """A side agrees to the amount proposed by the other. `amount_ht` is the amount the
    person read: if it changed since, the confirmation is refused."""
    check_can_negotiate(actor, mission)
    side = negotiation_side(actor, mission)
    amount = money(amount_ht, "amount_ht")
    with transaction.atomic():
        contribution = _locked(mission)
        if contribution.policy != PolicyKind.NEGOTIATED:
            raise Conflict(_("This mission's contribution is not negotiated."))
        _refuse_if_invoiced(mission)
        if contribution.negotiated_amount_ht is None:
            raise Conflict(_("No amount has been proposed yet."))
        if contribution.negotiated_amount_ht != amount:
            raise Conflict(_("The amount changed since you read it: read it again."))
        _agree(contribution, side, actor, timezone.now())
        contribution.full_clean(exclude=["mission"])
        contribution.save()
        journal.record(
            actor=actor,
            verb="mission_contribution.negotiation_confirmed",
            obj=contribution,
            payload={
                "mission": str(mission.uuid),
                "amount_ht": str(amount),
                "side": side,
                "status": contribution.status,
            },
            visibility=Visibility.MEMBERS,
        )
    return contribution


def _agree(contribution: MissionContribution, side: str, actor: User, now: Any) -> None:
    if side == "steward":
        contribution.steward_agreed_at = now
        contribution.steward_agreed_by = person_of(actor)
    else:
        contribution.consultant_agreed_at = now
    both = contribution.steward_agreed_at is not None and contribution.consultant_agreed_at
    contribution.status = ContributionStatus.AGREED if both else ContributionStatus.PENDING


# ---------------------------------------------------------------- turnover


def turnover_declare(
    *, actor: User, mission: Mission, amount_ht: Any, note: str = ""
) -> TurnoverDeclaration:
    """The turnover (€ HT) actually invoiced on the mission. A correction is a new
    declaration that replaces the current one; the history stays."""
    check_can_declare_turnover(actor, mission)
    amount = money(amount_ht, "amount_ht")
    with transaction.atomic():
        Mission.objects.select_for_update().filter(pk=mission.pk).first()
        current = (
            TurnoverDeclaration.objects.filter(mission=mission, replaced_by__isnull=True)
            .order_by("-declared_at", "-id")
            .first()
        )
        declaration = TurnoverDeclaration(
            mission=mission,
            amount_ht=amount,
            note=(note or "").strip(),
            replaces=current,
            declared_by=person_of(actor),
            declared_at=timezone.now(),
        )
        declaration.full_clean(validate_unique=False)
        declaration.save()
        journal.record(
            actor=actor,
            verb="turnover.corrected" if current else "turnover.declared",
            obj=declaration,
            payload={
                "mission": str(mission.uuid),
                "amount_ht": str(amount),
                "replaces": str(current.amount_ht) if current else None,
            },
            visibility=Visibility.MEMBERS,
            subject=mission.lead.user,
        )
    return declaration
