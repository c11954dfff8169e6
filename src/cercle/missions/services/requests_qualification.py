"""Qualification of a request by a steward (scope, selection mode, criteria grid,
deadline), and cancellation."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.transitions import check_transition
from cercle.missions.enums import (
    REQUEST_TRANSITIONS,
    OfferStatus,
    PriceRule,
    RequestScope,
    RequestStatus,
    SelectionMode,
)
from cercle.missions.models import Criterion, Offer, SupportRequest
from cercle.missions.policies.requests import (
    check_can_cancel_request,
    check_can_qualify_request,
)
from cercle.missions.services.requests import check_future
from cercle.network.services.common import person_of

TOTAL_WEIGHT = 100
MAX_CRITERIA = 20
NAME_MAX = 120


@dataclass(frozen=True)
class CriterionRow:
    name: str
    weight: int
    is_price: bool


def _weight(value: Any) -> int | None:
    """A whole number from an int or its text; None otherwise (booleans are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _is_blank(row: Mapping[str, Any]) -> bool:
    return not str(row.get("name") or "").strip() and row.get("weight") in (None, "")


def criteria_clean(rows: Sequence[Mapping[str, Any]]) -> list[CriterionRow]:
    """Check a criteria grid; every problem is reported under `criteria`, by row number.

    Weights are whole numbers from 1 to 100 that add up to exactly 100; there is at least
    one criterion and at most one price criterion. Empty rows are ignored. Pure.
    """
    kept = [r for r in rows if not _is_blank(r)]
    errors: list[str] = []
    if not kept:
        raise ValidationError({"criteria": [_("The grid needs at least one criterion.")]})
    if len(kept) > MAX_CRITERIA:
        raise ValidationError(
            {"criteria": [_("The grid holds at most %(max)s criteria.") % {"max": MAX_CRITERIA}]}
        )
    built: list[CriterionRow] = []
    seen: set[str] = set()
    for n, row in enumerate(kept, start=1):
        name = str(row.get("name") or "").strip()
        weight = _weight(row.get("weight"))
        if not name:
            errors.append(_("Criterion %(n)s: give it a name.") % {"n": n})
        elif len(name) > NAME_MAX:
            errors.append(
                _("Criterion %(n)s: the name is longer than %(max)s characters.")
                % {"n": n, "max": NAME_MAX}
            )
        elif name.casefold() in seen:
            errors.append(
                _("Criterion %(n)s: “%(name)s” is already in the grid.") % {"n": n, "name": name}
            )
        seen.add(name.casefold())
        if weight is None or not 1 <= weight <= TOTAL_WEIGHT:
            errors.append(
                _("Criterion %(n)s: the weight must be a whole number from 1 to 100.") % {"n": n}
            )
            weight = 0
        built.append(CriterionRow(name=name, weight=weight, is_price=bool(row.get("is_price"))))
    if sum(1 for c in built if c.is_price) > 1:
        errors.append(_("Only one criterion can be the price criterion."))
    total = sum(c.weight for c in built)
    if not errors and total != TOTAL_WEIGHT:
        errors.append(
            _("The weights add up to %(total)s; they must add up to exactly 100.")
            % {"total": total}
        )
    if errors:
        raise ValidationError({"criteria": errors})
    return built


def _choice(value: str, choices: Any, field: str, errors: dict[str, list[str]]) -> str:
    if value not in choices.values:
        errors.setdefault(field, []).append(_("Select a valid choice."))
    return value


def request_qualify(
    *,
    actor: User,
    support_request: SupportRequest,
    scope: str,
    selection_mode: str,
    criteria: Sequence[Mapping[str, Any]],
    offers_deadline: datetime.datetime | None,
    price_rule: str = PriceRule.PROPORTIONAL,
    subsidiarity_note: str = "",
) -> SupportRequest:
    """Qualify a new request, or re-qualify one while no offer has been submitted."""
    check_can_qualify_request(actor, support_request)
    person = person_of(actor)
    errors: dict[str, list[str]] = {}
    _choice(scope, RequestScope, "scope", errors)
    _choice(selection_mode, SelectionMode, "selection_mode", errors)
    _choice(price_rule, PriceRule, "price_rule", errors)
    note = (subsidiarity_note or "").strip()
    if scope == RequestScope.STRUCTURING and not note:
        errors.setdefault("subsidiarity_note", []).append(
            _("Explain why the association carries this request (subsidiarity).")
        )
    rows: list[CriterionRow] = []
    deadline = None
    for check in (
        lambda: criteria_clean(criteria),
        lambda: check_future(offers_deadline, "offers_deadline"),
    ):
        try:
            result = check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        else:
            if isinstance(result, list):
                rows = result
            else:
                deadline = result
    if errors:
        raise ValidationError(errors)
    assert deadline is not None
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        current = RequestStatus(locked.status)
        check_transition(REQUEST_TRANSITIONS, current, RequestStatus.QUALIFIED)
        if (
            current == RequestStatus.QUALIFIED
            and Offer.objects.filter(request=locked, status=OfferStatus.SUBMITTED).exists()
        ):
            raise Conflict(_("Offers have been submitted: the qualification can no longer change."))
        locked.scope = scope
        locked.subsidiarity_note = note
        locked.selection_mode = selection_mode
        locked.price_rule = price_rule
        locked.offers_deadline = deadline
        locked.qualified_by = person
        locked.qualified_at = timezone.now()
        locked.status = RequestStatus.QUALIFIED
        locked.full_clean()
        locked.save()
        locked.criteria.all().delete()
        Criterion.objects.bulk_create(
            Criterion(request=locked, position=i, name=c.name, weight=c.weight, is_price=c.is_price)
            for i, c in enumerate(rows, start=1)
        )
        journal.record(
            actor=actor,
            verb="request.requalified"
            if current == RequestStatus.QUALIFIED
            else "request.qualified",
            obj=locked,
            payload={
                "scope": scope,
                "selection_mode": selection_mode,
                "price_rule": price_rule,
                "offers_deadline": locked.offers_deadline,
                "criteria": [[c.name, c.weight, c.is_price] for c in rows],
            },
            visibility=Visibility.MEMBERS,
        )
    return locked


def request_cancel(*, actor: User, support_request: SupportRequest, reason: str) -> SupportRequest:
    """A steward cancels a request that has not been awarded; the reason is journaled."""
    check_can_cancel_request(actor, support_request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the request is cancelled.")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("This value is too long.")]})
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        check_transition(REQUEST_TRANSITIONS, RequestStatus(locked.status), RequestStatus.CANCELLED)
        previous = locked.status
        locked.status = RequestStatus.CANCELLED
        locked.save(update_fields=["status"])
        journal.record(
            actor=actor,
            verb="request.cancelled",
            obj=locked,
            payload={"reason": reason, "from": previous},
            visibility=Visibility.MEMBERS,
        )
    return locked
