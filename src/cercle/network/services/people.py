"""Writes on people: registration, their own profile, membership and engagement level."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.network.enums import EngagementLevel
from cercle.network.models import Person
from cercle.network.policies import check_can_edit_profile, check_can_set_engagement_level
from cercle.network.services.common import clean_text, territory_or_none, unique_slug


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
            actor=user,
            verb="person.registered",
            obj=person,
            visibility=Visibility.PRIVATE,
            subject=user,
        )
    return person


def person_update_profile(
    *,
    actor: User,
    person: Person,
    first_name: str,
    last_name: str,
    bio: str = "",
    territory_code: str | None = "",
) -> Person:
    """A person edits their own name, presentation and territory.

    The slug stays as it was, so links to the person's page keep working.
    """
    check_can_edit_profile(actor, person)
    person.first_name = clean_text(first_name)
    person.last_name = clean_text(last_name)
    person.bio = clean_text(bio)
    person.territory = territory_or_none(territory_code, "territory_code")
    errors: dict[str, list[str]] = {}
    if not person.first_name:
        errors["first_name"] = [_("This field is required.")]
    if not person.last_name:
        errors["last_name"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    person.full_clean()
    fields = ["first_name", "last_name", "bio", "territory"]
    with transaction.atomic():
        person.save(update_fields=fields)
        user = person.user
        user.first_name, user.last_name = person.first_name, person.last_name
        user.save(update_fields=["first_name", "last_name"])
        journal.record(
            actor=actor,
            verb="person.profile_updated",
            obj=person,
            payload={"territory": person.territory_id},
            visibility=Visibility.PRIVATE,
            subject=person.user,
        )
    return person


def person_mark_member(*, actor: User | None, person: Person) -> Person:
    """Called when a person's own adhesion is validated: they become a supporter."""
    with transaction.atomic():
        changed = []
        if person.member_since is None:
            person.member_since = timezone.now()
            changed.append("member_since")
        if not person.engagement_level:
            person.engagement_level = EngagementLevel.SYMPATHISANT
            changed.append("engagement_level")
        if changed:
            person.save(update_fields=changed)
            journal.record(
                actor=actor,
                verb="person.became_member",
                obj=person,
                payload={"level": person.engagement_level},
                visibility=Visibility.MEMBERS,
                subject=person.user,
            )
    return person


def person_set_engagement_level(*, actor: User, person: Person, level: str) -> Person:
    """A steward moves a member between supporter, contributor and steward."""
    check_can_set_engagement_level(actor, person)
    if level not in EngagementLevel.values:
        raise ValidationError({"level": [_("Select a valid engagement level.")]})
    previous = person.engagement_level
    if previous == level:
        return person
    with transaction.atomic():
        person.engagement_level = level
        if person.member_since is None:
            person.member_since = timezone.now()
        person.save(update_fields=["engagement_level", "member_since"])
        journal.record(
            actor=actor,
            verb="person.level_changed",
            obj=person,
            payload={"from": previous, "to": level},
            visibility=Visibility.MEMBERS,
            subject=person.user,
        )
    return person
