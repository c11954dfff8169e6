"""Every write on contributions in kind and on the association's animation time."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.commons.models import Common
from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.core.transitions import check_transition
from cercle.membership.models import ContractChoice
from cercle.missions.models import Mission
from cercle.network.enums import EngagementLevel
from cercle.network.models import Organization
from cercle.network.services import person_of
from cercle.reciprocity.enums import IN_KIND_TRANSITIONS, InKindStatus
from cercle.reciprocity.models import AnimationTime, InKindContribution
from cercle.reciprocity.policies.policies import (
    check_can_decide_in_kind,
    check_can_declare_in_kind,
    check_can_log_animation,
)
from cercle.reciprocity.selectors.policies_in_kind import IN_KIND_KINDS, in_kind_contract_choices
from cercle.reciprocity.services.policies import money

IN_KIND_URL = "/contributions/en-nature/"


def hours_of(value: Any, field: str = "hours") -> Decimal:
    """Hours from input: a number, at least a quarter of an hour, in quarters or cents."""
    try:
        hours = Decimal(str(value).strip().replace(",", ".")) if value is not None else None
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite():
        raise ValidationError({field: [_("Enter a number of hours, such as 3.5.")]})
    if hours < Decimal("0.25"):
        raise ValidationError({field: [_("Enter at least a quarter of an hour (0.25).")]})
    if hours != hours.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("Hours have at most two decimals.")]})
    if hours > Decimal("10000"):
        raise ValidationError({field: [_("This is too many hours for one entry.")]})
    return hours


def _past_day(value: Any, field: str = "done_on") -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationError({field: [_("Enter a valid date.")]})
    if value > timezone.localdate():
        raise ValidationError({field: [_("The date cannot be in the future.")]})
    return value


def in_kind_declare(
    *,
    actor: User,
    kind: str,
    hours: Any,
    description: str,
    done_on: Any,
    contract_choice: ContractChoice | None = None,
    common: Common | None = None,
    mission: Mission | None = None,
) -> InKindContribution:
    """A member declares hours given in kind; a steward validates them later."""
    check_can_declare_in_kind(actor)
    person = person_of(actor)
    errors: dict[str, list[str]] = {}
    if kind not in IN_KIND_KINDS:
        errors["kind"] = [_("Choose one of the kinds of contribution in kind.")]
    try:
        amount = hours_of(hours)
    except ValidationError as error:
        errors.update(error.message_dict)
        amount = Decimal("0")
    try:
        day = _past_day(done_on)
    except ValidationError as error:
        errors.update(error.message_dict)
        day = timezone.localdate()
    text = (description or "").strip()
    if not text:
        errors["description"] = [_("Say what was done.")]
    organization: Organization | None = None
    if contract_choice is not None:
        allowed = in_kind_contract_choices(person=person).filter(pk=contract_choice.pk).first()
        if allowed is None:
            errors["contract_item"] = [
                _("Choose an in-kind item of your validated adhesion contract.")
            ]
        else:
            organization = allowed.contract.applicant_organization
            if not errors.get("kind") and allowed.contribution_kind != kind:
                errors["kind"] = [_("The kind must be the kind of the contract item.")]
    if errors:
        raise ValidationError(errors)
    entry = InKindContribution(
        person=person,
        organization=organization,
        contract_choice=contract_choice,
        kind=kind,
        common=common,
        mission=mission,
        hours=amount,
        description=text,
        done_on=day,
    )
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        journal.record(
            actor=actor,
            verb="in_kind.declared",
            obj=entry,
            payload={"kind": kind, "hours": str(amount), "done_on": day.isoformat()},
            visibility=Visibility.MEMBERS,
            subject=actor,
        )
        stewards = User.objects.filter(
            person__engagement_level=EngagementLevel.SOUCIEUX, is_active=True
        )
        notify(
            users=[u for u in stewards if u.pk != actor.pk],
            kind=NotificationKind.ADHESION,
            subject=gettext_lazy("A contribution in kind waits for validation"),
            template="reciprocity/email/policies_in_kind_declared.txt",
            context={
                "name": person.full_name,
                "hours": str(amount),
                "url": IN_KIND_URL + "a-valider/",
            },
            url=IN_KIND_URL + "a-valider/",
        )
    return entry


def _decide(
    *,
    actor: User,
    entry: InKindContribution,
    target: str,
    verb: str,
    payload: dict[str, Any],
    **fields: Any,
) -> InKindContribution:
    check_can_decide_in_kind(actor, entry)
    with transaction.atomic():
        locked = InKindContribution.objects.select_for_update().get(pk=entry.pk)
        check_transition(IN_KIND_TRANSITIONS, locked.status, target)
        locked.status = target
        locked.decided_by = person_of(actor)
        locked.decided_at = timezone.now()
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        journal.record(
            actor=actor,
            verb=verb,
            obj=locked,
            payload={"hours": str(locked.hours), **payload},
            visibility=Visibility.MEMBERS,
            subject=locked.person.user,
        )
        notify(
            users=[locked.person.user],
            kind=NotificationKind.ADHESION,
            subject=(
                gettext_lazy("Your contribution in kind is validated")
                if target == InKindStatus.VALIDATED
                else gettext_lazy("Your contribution in kind was not validated")
            ),
            template="reciprocity/email/policies_in_kind_decided.txt",
            context={
                "validated": target == InKindStatus.VALIDATED,
                "hours": str(locked.hours),
                "reason": locked.refusal_reason,
                "url": IN_KIND_URL,
            },
            url=IN_KIND_URL,
        )
    entry.refresh_from_db()
    return entry


def in_kind_validate(
    *, actor: User, entry: InKindContribution, hour_value: Any = None
) -> InKindContribution:
    """A steward validates; `hour_value` (€ an hour) values the hours explicitly."""
    value = None if hour_value in (None, "") else money(hour_value, "hour_value")
    return _decide(
        actor=actor,
        entry=entry,
        target=InKindStatus.VALIDATED,
        verb="in_kind.validated",
        payload={"hour_value": str(value) if value is not None else None},
        hour_value=value,
    )


def in_kind_refuse(*, actor: User, entry: InKindContribution, reason: str) -> InKindContribution:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": [_("Give the reason for the refusal.")]})
    return _decide(
        actor=actor,
        entry=entry,
        target=InKindStatus.REFUSED,
        verb="in_kind.refused",
        payload={"reason": text},
        refusal_reason=text,
    )


def animation_time_log(
    *,
    actor: User,
    hours: Any,
    done_on: Any,
    project: str = "",
    mission: Mission | None = None,
    organization: Organization | None = None,
    note: str = "",
) -> AnimationTime:
    """A steward logs the association's time animating a project: a mission, an
    organization, or a project named freely (its name defaults to the mission's title or
    the organization's name)."""
    check_can_log_animation(actor)
    errors: dict[str, list[str]] = {}
    try:
        amount = hours_of(hours)
    except ValidationError as error:
        errors.update(error.message_dict)
        amount = Decimal("0")
    try:
        day = _past_day(done_on)
    except ValidationError as error:
        errors.update(error.message_dict)
        day = timezone.localdate()
    name = (project or "").strip()
    if not name and mission is not None:
        name = mission.request.title
    if not name and organization is not None:
        name = organization.name
    if not name:
        errors["project"] = [_("Name the project, or choose a mission or an organization.")]
    if errors:
        raise ValidationError(errors)
    entry = AnimationTime(
        steward=person_of(actor),
        project=name[:200],
        mission=mission,
        organization=organization,
        hours=amount,
        done_on=day,
        note=(note or "").strip(),
    )
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        journal.record(
            actor=actor,
            verb="animation_time.logged",
            obj=entry,
            payload={"project": entry.project, "hours": str(amount), "done_on": day.isoformat()},
            visibility=Visibility.MEMBERS,
        )
    return entry
