"""Every write on people, organizations, skills and consultants' profiles."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.network.models import Person


def unique_slug(model: type, base: str, *, exclude_pk: int | None = None) -> str:
    """A slug from `base` that no other row of `model` uses (`base`, `base-2`, …)."""
    root = slugify(base)[:100] or "x"
    candidate, n = root, 1
    taken = model._default_manager.filter(slug__startswith=root)  # type: ignore[attr-defined]
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    existing = set(taken.values_list("slug", flat=True))
    while candidate in existing:
        n += 1
        candidate = f"{root}-{n}"
    return candidate


def person_register(*, user: User, first_name: str, last_name: str) -> Person:
    """Create the Person behind a new login (sign-up, demo loader, tests)."""
    with transaction.atomic():
        person = Person(
            user=user,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            slug=unique_slug(Person, f"{first_name} {last_name}"),
        )
        person.full_clean()
        person.save()
        user.first_name, user.last_name = person.first_name, person.last_name
        user.save(update_fields=["first_name", "last_name"])
        journal.record(
            actor=user, verb="person.registered", obj=person, visibility=Visibility.PRIVATE, subject=user
        )
    return person
