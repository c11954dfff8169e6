"""Every write on people, organizations, skills and consultants' profiles."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.errors import NotAllowed
from cercle.core.models import User
from cercle.network.enums import EngagementLevel, OrganizationRole
from cercle.network.models import Organization, OrganizationMembership, Person, Territory
from cercle.network.validators import is_territory_code_shape, normalize_siret


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
            actor=user,
            verb="person.registered",
            obj=person,
            visibility=Visibility.PRIVATE,
            subject=user,
        )
    return person


def _territory(code: str, field: str = "territory") -> Territory:
    code = (code or "").strip().upper()
    if not is_territory_code_shape(code):
        raise ValidationError(
            {
                field: [
                    _(
                        "Enter a French département code (e.g. 59, 2A, 974) or commune code (e.g. 59350)."
                    )
                ]
            }
        )
    territory = Territory.objects.filter(code=code).first()
    if territory is None:
        raise ValidationError(
            {field: [_("No département or commune has the code %(code)s.") % {"code": code}]}
        )
    return territory


def organization_create(
    *,
    actor: User,
    name: str,
    actor_type: str,
    territory_code: str,
    siret: str = "",
    description: str = "",
    website: str = "",
) -> Organization:
    """Create an organization; the person creating it becomes its administrator."""
    person = person_of(actor)
    siret_value = normalize_siret(siret) or None
    with transaction.atomic():
        organization = Organization(
            name=(name or "").strip(),
            actor_type=actor_type,
            territory=_territory(territory_code),
            siret=siret_value,
            description=description,
            website=website,
            slug=unique_slug(Organization, name or "structure"),
        )
        organization.full_clean()
        organization.save()
        OrganizationMembership.objects.create(
            organization=organization, person=person, role=OrganizationRole.ADMIN
        )
        journal.record(
            actor=actor,
            verb="organization.created",
            obj=organization,
            payload={"actor_type": actor_type, "territory": organization.territory_id},
            visibility=Visibility.MEMBERS,
        )
    return organization


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


def organization_mark_member(*, actor: User | None, organization: Organization) -> Organization:
    """Called when an organization's adhesion is validated."""
    if organization.member_since is not None:
        return organization
    with transaction.atomic():
        organization.member_since = timezone.now()
        organization.save(update_fields=["member_since"])
        journal.record(
            actor=actor,
            verb="organization.became_member",
            obj=organization,
            visibility=Visibility.PUBLIC,
        )
    return organization


def person_set_engagement_level(*, actor: User, person: Person, level: str) -> Person:
    """A steward moves a member between supporter, contributor and steward."""
    from cercle.network.policies import check_can_set_engagement_level

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


def person_of(user: User) -> Person:
    """The Person behind a login; every signed-up user has one."""
    try:
        return user.person  # type: ignore[attr-defined,no-any-return]
    except Person.DoesNotExist as error:
        raise NotAllowed(_("Complete your profile first.")) from error
