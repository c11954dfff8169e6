"""Writes on the contribution settings and the guide of emblematic situations."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.reciprocity.models import ContributionSettings, GuideSituation
from cercle.reciprocity.policies.policies import check_can_manage_guide, check_can_manage_settings
from cercle.reciprocity.selectors.policies import settings_get
from cercle.reciprocity.services.policies import SETTINGS_FIELDS, journal_value, money

# ---------------------------------------------------------------- settings


def contribution_settings_update(*, actor: User, **changes: Any) -> ContributionSettings:
    """Change the settings; every change is journaled old → new. Missions already
    awarded keep the rate they copied."""
    check_can_manage_settings(actor)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({field: [_("Unknown setting.")] for field in sorted(unknown)})
    with transaction.atomic():
        settings_get()
        settings = ContributionSettings.objects.select_for_update().get(id=1)
        before = {f: getattr(settings, f) for f in SETTINGS_FIELDS}
        for field, value in changes.items():
            if field == "in_kind_hour_value" and value not in (None, ""):
                value = money(value, field)
            setattr(settings, field, None if value == "" else value)
        settings.full_clean()
        diff = {
            f: [journal_value(before[f]), journal_value(getattr(settings, f))]
            for f in SETTINGS_FIELDS
            if before[f] != getattr(settings, f)
        }
        if not diff:
            return settings
        settings.save()
        journal.record(
            actor=actor,
            verb="contribution_settings.updated",
            obj=settings,
            payload={"changes": diff},
            visibility=Visibility.MEMBERS,
        )
    return settings


# ---------------------------------------------------------------- the guide


def _clean_situation(situation: GuideSituation) -> None:
    situation.title = (situation.title or "").strip()
    situation.description = (situation.description or "").strip()
    low, high = situation.suggested_min_percent, situation.suggested_max_percent
    errors: dict[str, list[str]] = {}
    try:
        situation.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not errors and low is not None and high is not None and Decimal(low) > Decimal(high):
        errors["suggested_max_percent"] = [
            _("The upper bound of the range cannot be below its lower bound.")
        ]
    if errors:
        raise ValidationError(errors)


def guide_situation_create(
    *,
    actor: User,
    title: str,
    description: str,
    suggested_min_percent: Any,
    suggested_max_percent: Any,
) -> GuideSituation:
    check_can_manage_guide(actor)
    with transaction.atomic():
        last = GuideSituation.objects.aggregate(p=Max("position"))["p"]
        situation = GuideSituation(
            title=title,
            description=description,
            suggested_min_percent=suggested_min_percent,
            suggested_max_percent=suggested_max_percent,
            position=(last or 0) + 1,
        )
        _clean_situation(situation)
        situation.save()
        journal.record(
            actor=actor,
            verb="guide_situation.created",
            obj=situation,
            payload={
                "title": situation.title,
                "range": [
                    str(situation.suggested_min_percent),
                    str(situation.suggested_max_percent),
                ],
            },
            visibility=Visibility.MEMBERS,
        )
    return situation


def guide_situation_update(
    *,
    actor: User,
    situation: GuideSituation,
    title: str,
    description: str,
    suggested_min_percent: Any,
    suggested_max_percent: Any,
) -> GuideSituation:
    check_can_manage_guide(actor)
    before = [
        situation.title,
        str(situation.suggested_min_percent),
        str(situation.suggested_max_percent),
    ]
    situation.title = title
    situation.description = description
    situation.suggested_min_percent = suggested_min_percent
    situation.suggested_max_percent = suggested_max_percent
    try:
        _clean_situation(situation)
    except ValidationError:
        situation.refresh_from_db()
        raise
    with transaction.atomic():
        situation.save()
        journal.record(
            actor=actor,
            verb="guide_situation.updated",
            obj=situation,
            payload={
                "before": before,
                "after": [
                    situation.title,
                    str(situation.suggested_min_percent),
                    str(situation.suggested_max_percent),
                ],
            },
            visibility=Visibility.MEMBERS,
        )
    return situation


def guide_situation_set_active(
    *, actor: User, situation: GuideSituation, active: bool
) -> GuideSituation:
    """Deactivate (or bring back) a situation; missions that named it keep it."""
    check_can_manage_guide(actor)
    if situation.is_active == active:
        return situation
    with transaction.atomic():
        situation.is_active = active
        situation.save(update_fields=["is_active"])
        journal.record(
            actor=actor,
            verb="guide_situation.activated" if active else "guide_situation.deactivated",
            obj=situation,
            visibility=Visibility.MEMBERS,
        )
    return situation


def guide_situation_reorder(*, actor: User, order: Sequence[Any]) -> list[GuideSituation]:
    """Put the situations in the order of `order` (their uuids, every situation once)."""
    check_can_manage_guide(actor)
    with transaction.atomic():
        situations = {str(s.uuid): s for s in GuideSituation.objects.select_for_update()}
        wanted = [str(u) for u in order]
        if sorted(wanted) != sorted(situations) or len(set(wanted)) != len(wanted):
            raise ValidationError(
                {"order": [_("Give every situation of the guide once, in the new order.")]}
            )
        for position, uuid in enumerate(wanted, start=1):
            situations[uuid].position = position
        GuideSituation.objects.bulk_update(situations.values(), ["position"])
        journal.record(
            actor=actor,
            verb="guide.reordered",
            object_type="reciprocity.guidesituation",
            payload={"order": wanted},
            visibility=Visibility.MEMBERS,
        )
    return sorted(situations.values(), key=lambda s: s.position)


def guide_situation_move(*, actor: User, situation: GuideSituation, step: int) -> None:
    """Move a situation one place up (-1) or down (+1)."""
    check_can_manage_guide(actor)
    order = [
        str(u)
        for u in GuideSituation.objects.order_by("position", "id").values_list("uuid", flat=True)
    ]
    i = order.index(str(situation.uuid))
    j = i + (1 if step > 0 else -1)
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        guide_situation_reorder(actor=actor, order=order)
