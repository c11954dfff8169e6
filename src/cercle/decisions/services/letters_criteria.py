"""The association's reading criteria for support letters: stewards add, edit,
reorder and deactivate them. A criterion already used in a review is never deleted."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.decisions.models import ReadingCriterion
from cercle.decisions.policies.letters import check_can_manage_criteria


def _record(actor: User, verb: str, criterion: ReadingCriterion, **payload: object) -> None:
    journal.record(
        actor=actor,
        verb=verb,
        obj=criterion,
        payload={"title": criterion.title, **payload},
        visibility=Visibility.PUBLIC,
    )


def reading_criterion_create(*, actor: User, title: str, description: str = "") -> ReadingCriterion:
    """Add a criterion at the end of the list."""
    check_can_manage_criteria(actor)
    criterion = ReadingCriterion(
        title=(title or "").strip(), description=(description or "").strip()
    )
    criterion.full_clean(exclude=["position"])
    with transaction.atomic():
        last = ReadingCriterion.objects.aggregate(n=Max("position"))["n"]
        criterion.position = 0 if last is None else last + 1
        criterion.save()
        _record(actor, "reading_criterion.created", criterion)
    return criterion


def reading_criterion_update(
    *, actor: User, criterion: ReadingCriterion, title: str, description: str = ""
) -> ReadingCriterion:
    check_can_manage_criteria(actor)
    criterion.title = (title or "").strip()
    criterion.description = (description or "").strip()
    criterion.full_clean()
    with transaction.atomic():
        criterion.save(update_fields=["title", "description"])
        _record(actor, "reading_criterion.updated", criterion)
    return criterion


def reading_criterion_set_active(
    *, actor: User, criterion: ReadingCriterion, is_active: bool
) -> ReadingCriterion:
    """Deactivate a criterion (kept for past reviews) or use it again."""
    check_can_manage_criteria(actor)
    if criterion.is_active == is_active:
        return criterion
    with transaction.atomic():
        criterion.is_active = is_active
        criterion.save(update_fields=["is_active"])
        _record(actor, "reading_criterion.activated", criterion, is_active=is_active)
    return criterion


def reading_criterion_move(
    *, actor: User, criterion: ReadingCriterion, direction: str
) -> ReadingCriterion:
    """Swap the criterion with its neighbour above (`up`) or below (`down`)."""
    check_can_manage_criteria(actor)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": [_("Choose up or down.")]})
    with transaction.atomic():
        ordered = list(ReadingCriterion.objects.select_for_update().order_by("position", "id"))
        index = next((i for i, c in enumerate(ordered) if c.pk == criterion.pk), None)
        if index is None:
            raise Conflict(_("This criterion no longer exists."))
        other = index - 1 if direction == "up" else index + 1
        if other < 0 or other >= len(ordered):
            raise Conflict(_("This criterion is already at the end of the list."))
        ordered[index], ordered[other] = ordered[other], ordered[index]
        # Renumber the whole list: positions stay dense and unambiguous.
        changed = []
        for position, row in enumerate(ordered):
            if row.position != position:
                row.position = position
                changed.append(row)
        ReadingCriterion.objects.bulk_update(changed, ["position"])
        moved = ordered[other]
        _record(actor, "reading_criterion.moved", moved, position=moved.position)
    return moved
