"""Helpers shared by the network's services: slugs, the person behind a login, territories."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cercle.core.errors import NotAllowed
from cercle.core.models import User
from cercle.network.models import Person, Territory
from cercle.network.validators import is_territory_code_shape


def unique_slug(
    model: type[models.Model],
    base: str,
    *,
    exclude_pk: int | None = None,
    reserved: Iterable[str] = (),
) -> str:
    """A slug from `base` that no other row of `model` uses (`base`, `base-2`, …).

    `reserved` holds words that page addresses use next to slugs (e.g. "nouvelle").
    """
    root = slugify(base)[:100] or "x"
    candidate, n = root, 1
    taken = model._default_manager.filter(slug__startswith=root)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    existing = set(taken.values_list("slug", flat=True)) | set(reserved)
    while candidate in existing:
        n += 1
        candidate = f"{root}-{n}"
    return candidate


def person_of(user: User) -> Person:
    """The Person behind a login; every signed-up user has one."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Sign in first."))
    try:
        return user.person  # type: ignore[attr-defined,no-any-return]
    except Person.DoesNotExist as error:
        raise NotAllowed(_("Complete your profile first.")) from error


def _shape_error(field: str) -> ValidationError:
    return ValidationError(
        {
            field: [
                _(
                    "Enter a French département code (e.g. 59, 2A, 974) or commune code (e.g. 59350)."
                )
            ]
        },
        code="territory_shape",
    )


def normalize_territory_code(code: str) -> str:
    return (code or "").strip().upper()


def _territory(code: str, field: str = "territory") -> Territory:
    """The département or commune with this INSEE code, or a field error."""
    code = normalize_territory_code(code)
    if not is_territory_code_shape(code):
        raise _shape_error(field)
    territory = Territory.objects.filter(code=code).first()
    if territory is None:
        raise ValidationError(
            {field: [_("No département or commune has the code %(code)s.") % {"code": code}]},
            code="territory_unknown",
        )
    return territory


def territory_or_none(code: str | None, field: str = "territory") -> Territory | None:
    """An optional territory: an empty code means none."""
    if not normalize_territory_code(code or ""):
        return None
    return _territory(code or "", field)


def split_codes(text: str) -> list[str]:
    """Codes typed in one field, separated by commas, semicolons or spaces."""
    return [c for c in re.split(r"[\s,;]+", (text or "").strip().upper()) if c]


def territories_from_codes(codes: Iterable[str], field: str = "territories") -> list[Territory]:
    """Every territory named, in the order given, without repeats; one query."""
    wanted: list[str] = []
    for raw in codes:
        code = normalize_territory_code(raw)
        if not code or code in wanted:
            continue
        if not is_territory_code_shape(code):
            raise ValidationError(
                {
                    field: [
                        _(
                            "“%(code)s” is not a French département or commune code (e.g. 59, 2A, 974, 59350)."
                        )
                        % {"code": code}
                    ]
                },
                code="territory_shape",
            )
        wanted.append(code)
    found = {t.code: t for t in Territory.objects.filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ValidationError(
            {
                field: [
                    _("No département or commune has the code %(code)s.")
                    % {"code": ", ".join(missing)}
                ]
            },
            code="territory_unknown",
        )
    return [found[c] for c in wanted]


def clean_text(value: str | None) -> str:
    return (value or "").strip()
