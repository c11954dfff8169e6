"""Every write on the commons registry: add, edit, deactivate and reactivate a common."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cercle.commons.models import Common
from cercle.commons.policies import (
    check_can_create_common,
    check_can_deactivate_common,
    check_can_edit_common,
)
from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.network.models import Person
from cercle.network.services import person_of, unique_slug

# Words the registry's addresses use next to slugs (/communs/nouveau/).
RESERVED_SLUGS = frozenset({"nouveau", "nouvelle", "creer"})

EDITABLE = (
    "name",
    "url",
    "purpose",
    "stewards",
    "expected_in_kind",
    "expected_in_euros",
    "suggested_share_percent",
)

_TEXT_FIELDS = ("name", "url", "purpose", "expected_in_kind", "expected_in_euros")


def _stewards(slugs: Iterable[str]) -> list[Person]:
    """The people named by their slugs; unknown slugs are reported under `stewards`."""
    wanted = [s.strip() for s in slugs if s and s.strip()]
    if not wanted:
        return []
    found = {p.slug: p for p in Person.objects.filter(slug__in=wanted)}
    missing = [s for s in dict.fromkeys(wanted) if s not in found]
    if missing:
        raise ValidationError(
            {
                "stewards": [
                    _("Nobody has the identifier “%(slug)s”.") % {"slug": slug}
                    for slug in missing[:5]
                ]
            }
        )
    return [found[s] for s in dict.fromkeys(wanted)]


def _share(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"suggested_share_percent": [_("Enter a number.")]}) from error
    if not share.is_finite() or share < 0 or share > 100:
        raise ValidationError(
            {"suggested_share_percent": [_("A share is a percentage between 0 and 100.")]}
        )
    return share.quantize(Decimal("0.01"))


def _apply(common: Common, fields: dict[str, Any]) -> list[Person] | None:
    for name in _TEXT_FIELDS:
        if name in fields:
            setattr(common, name, str(fields[name] or "").strip())
    if "suggested_share_percent" in fields:
        common.suggested_share_percent = _share(fields["suggested_share_percent"])
    if "stewards" in fields:
        return _stewards(fields["stewards"] or [])
    return None


def _full_clean(common: Common) -> None:
    try:
        common.full_clean()
    except ValidationError as error:
        errors = error.message_dict
        taken = Common.objects.filter(name=common.name).exclude(pk=common.pk).exists()
        if "name" in errors and taken:
            errors["name"] = [str(m) for m in _name_taken().messages]
        raise ValidationError(errors) from error


def _name_taken() -> ValidationError:
    return ValidationError({"name": [_("Another common already has this name.")]})


def common_create(
    *,
    actor: User,
    name: str,
    purpose: str,
    url: str = "",
    stewards: Iterable[str] = (),
    expected_in_kind: str = "",
    expected_in_euros: str = "",
    suggested_share_percent: Any = None,
) -> Common:
    """Add a common. `stewards` are people's slugs; the author stewards it when none is named."""
    check_can_create_common(actor)
    person = person_of(actor)
    common = Common(created_by=person)
    people = _apply(
        common,
        {
            "name": name,
            "purpose": purpose,
            "url": url,
            "stewards": list(stewards),
            "expected_in_kind": expected_in_kind,
            "expected_in_euros": expected_in_euros,
            "suggested_share_percent": suggested_share_percent,
        },
    ) or [person]
    common.slug = unique_slug(Common, common.name or "commun", reserved=RESERVED_SLUGS)
    _full_clean(common)
    try:
        with transaction.atomic():
            common.save()
            common.stewards.set(people)
            journal.record(
                actor=actor,
                verb="common.created",
                obj=common,
                payload={"slug": common.slug, "stewards": [p.slug for p in people]},
                visibility=Visibility.PUBLIC,
            )
    except IntegrityError as error:
        raise _name_taken() from error
    return common


def common_update(*, actor: User, common: Common, **changes: Any) -> Common:
    """Edit some fields of a common (those in `EDITABLE`); the slug stays, links keep working."""
    check_can_edit_common(actor, common)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError({unknown[0]: [_("This field cannot be changed.")]})
    people = _apply(common, changes)
    if people is not None and not people:
        raise ValidationError({"stewards": [_("A common needs at least one steward.")]})
    _full_clean(common)
    try:
        with transaction.atomic():
            common.save()
            if people is not None:
                common.stewards.set(people)
            journal.record(
                actor=actor,
                verb="common.updated",
                obj=common,
                payload={"fields": sorted(changes)},
                visibility=Visibility.PUBLIC,
            )
    except IntegrityError as error:
        common.refresh_from_db()
        raise _name_taken() from error
    return common


def _set_active(*, actor: User, common: Common, active: bool) -> Common:
    check_can_deactivate_common(actor)
    if common.is_active == active:
        return common
    with transaction.atomic():
        common.is_active = active
        common.save(update_fields=["is_active"])
        journal.record(
            actor=actor,
            verb="common.reactivated" if active else "common.deactivated",
            obj=common,
            visibility=Visibility.PUBLIC,
        )
    return common


def common_deactivate(*, actor: User, common: Common) -> Common:
    """Take a common out of the registry's choices; offers that named it keep their lines."""
    return _set_active(actor=actor, common=common, active=False)


def common_reactivate(*, actor: User, common: Common) -> Common:
    return _set_active(actor=actor, common=common, active=True)
