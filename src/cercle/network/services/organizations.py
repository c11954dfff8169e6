"""Writes on organizations and on who belongs to them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.network.enums import OrganizationRole
from cercle.network.models import Organization, OrganizationMembership, Person
from cercle.network.policies import (
    check_can_create_organization,
    check_can_edit_organization,
    check_can_manage_organization_people,
    check_can_remove_from_organization,
)
from cercle.network.services.common import _territory, clean_text, person_of, unique_slug
from cercle.network.validators import normalize_siret

# Words that page addresses use where an organization's slug could go.
RESERVED_SLUGS = frozenset({"nouvelle", "nouveau", "creer"})


def _siret_taken_error() -> ValidationError:
    return ValidationError(
        {"siret": [_("Another organization already uses this SIRET number.")]},
        code="siret_taken",
    )


def _check_siret_free(siret: str | None, *, exclude_pk: int | None = None) -> None:
    if not siret:
        return
    others = Organization.objects.filter(siret=siret)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise _siret_taken_error()


def _save(organization: Organization, **kwargs: object) -> None:
    """Save, turning a SIRET race lost to another request into the same field error."""
    try:
        with transaction.atomic():
            organization.save(**kwargs)  # type: ignore[arg-type]
    except IntegrityError as error:
        if organization.siret and Organization.objects.filter(siret=organization.siret).exists():
            raise _siret_taken_error() from error
        raise


def organization_create(
    *,
    actor: User,
    name: str,
    actor_type: str,
    territory_code: str,
    siret: str | None = "",
    description: str = "",
    website: str = "",
) -> Organization:
    """Create an organization; the person creating it becomes its administrator."""
    check_can_create_organization(actor)
    person = person_of(actor)
    siret_value = normalize_siret(siret or "") or None
    organization = Organization(
        name=clean_text(name),
        actor_type=actor_type,
        siret=siret_value,
        description=clean_text(description),
        website=clean_text(website),
        slug=unique_slug(Organization, clean_text(name) or "structure", reserved=RESERVED_SLUGS),
    )
    organization.territory = _territory(territory_code, "territory_code")
    _check_siret_free(siret_value)
    organization.full_clean()
    with transaction.atomic():
        _save(organization)
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


def organization_update(
    *,
    actor: User,
    organization: Organization,
    name: str,
    actor_type: str,
    territory_code: str,
    siret: str | None = "",
    description: str = "",
    website: str = "",
) -> Organization:
    """An administrator edits the organization's public information (slug unchanged)."""
    check_can_edit_organization(actor, organization)
    siret_value = normalize_siret(siret or "") or None
    territory = _territory(territory_code, "territory_code")
    _check_siret_free(siret_value, exclude_pk=organization.pk)
    before = {
        "name": organization.name,
        "actor_type": organization.actor_type,
        "territory": organization.territory_id,
        "siret": organization.siret,
        "description": organization.description,
        "website": organization.website,
    }
    organization.name = clean_text(name)
    organization.actor_type = actor_type
    organization.territory = territory
    organization.siret = siret_value
    organization.description = clean_text(description)
    organization.website = clean_text(website)
    organization.full_clean()
    after = {
        "name": organization.name,
        "actor_type": organization.actor_type,
        "territory": organization.territory_id,
        "siret": organization.siret,
        "description": organization.description,
        "website": organization.website,
    }
    changed = sorted(k for k in after if after[k] != before[k])
    if not changed:
        return organization
    with transaction.atomic():
        _save(
            organization,
            update_fields=["name", "actor_type", "territory", "siret", "description", "website"],
        )
        journal.record(
            actor=actor,
            verb="organization.updated",
            obj=organization,
            payload={"fields": changed},
            visibility=Visibility.MEMBERS,
        )
    return organization


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


def _check_role(role: str) -> None:
    if role not in OrganizationRole.values:
        raise ValidationError({"role": [_("Select a valid role.")]}, code="invalid_role")


def _admin_count(organization: Organization) -> int:
    return OrganizationMembership.objects.filter(
        organization=organization, role=OrganizationRole.ADMIN
    ).count()


def organization_member_add(
    *, actor: User, organization: Organization, email: str, role: str = OrganizationRole.MEMBER
) -> OrganizationMembership:
    """An administrator adds the person behind an existing account, found by e-mail."""
    check_can_manage_organization_people(actor, organization)
    _check_role(role)
    address = clean_text(email).lower()
    if not address:
        raise ValidationError({"email": [_("This field is required.")]})
    person = Person.objects.filter(user__email__iexact=address).select_related("user").first()
    if person is None:
        raise ValidationError(
            {"email": [_("No account uses this e-mail address. Ask the person to sign up first.")]},
            code="unknown_email",
        )
    if OrganizationMembership.objects.filter(organization=organization, person=person).exists():
        raise ValidationError(
            {"email": [_("This person already belongs to the organization.")]},
            code="already_member",
        )
    with transaction.atomic():
        membership = OrganizationMembership(organization=organization, person=person, role=role)
        membership.full_clean()
        membership.save()
        journal.record(
            actor=actor,
            verb="organization.person_added",
            obj=organization,
            payload={"person": str(person.uuid), "role": role},
            visibility=Visibility.MEMBERS,
            subject=person.user,
        )
    return membership


def _membership(organization: Organization, person: Person) -> OrganizationMembership:
    membership = (
        OrganizationMembership.objects.select_for_update()
        .filter(organization=organization, person=person)
        .first()
    )
    if membership is None:
        raise ValidationError(
            {"person": [_("This person does not belong to the organization.")]},
            code="not_in_organization",
        )
    return membership


def _last_admin_error(field: str) -> ValidationError:
    return ValidationError(
        {field: [_("An organization must keep at least one administrator.")]},
        code="last_admin",
    )


def organization_member_set_role(
    *, actor: User, organization: Organization, person: Person, role: str
) -> OrganizationMembership:
    """An administrator makes someone an administrator or a plain member."""
    check_can_manage_organization_people(actor, organization)
    _check_role(role)
    with transaction.atomic():
        membership = _membership(organization, person)
        if membership.role == role:
            return membership
        if membership.role == OrganizationRole.ADMIN and _admin_count(organization) <= 1:
            raise _last_admin_error("role")
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        journal.record(
            actor=actor,
            verb="organization.role_changed",
            obj=organization,
            payload={"person": str(person.uuid), "from": previous, "to": role},
            visibility=Visibility.MEMBERS,
            subject=person.user,
        )
    return membership


def organization_member_remove(*, actor: User, organization: Organization, person: Person) -> None:
    """An administrator removes someone, or a person leaves; one administrator stays."""
    check_can_remove_from_organization(actor, organization, person)
    with transaction.atomic():
        membership = _membership(organization, person)
        if membership.role == OrganizationRole.ADMIN and _admin_count(organization) <= 1:
            raise _last_admin_error("person")
        membership.delete()
        journal.record(
            actor=actor,
            verb="organization.person_removed",
            obj=organization,
            payload={"person": str(person.uuid)},
            visibility=Visibility.MEMBERS,
            subject=person.user,
        )
