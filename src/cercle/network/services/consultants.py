"""Writes on consultants' profiles and their references. Only the person themself."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.core.models import User
from cercle.network.enums import Availability
from cercle.network.models import ConsultantProfile, ConsultantReference, Person, Skill
from cercle.network.policies import (
    check_can_edit_consultant_profile,
    check_can_edit_reference,
)
from cercle.network.services.common import clean_text, territories_from_codes

CENT = Decimal("0.01")


def _money(value: Decimal | str | int | None, field: str) -> Decimal | None:
    """A euro amount quantised to the cent; more than two decimals is an error."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as error:
        raise ValidationError({field: [_("Enter a number.")]}) from error
    if not amount.is_finite():
        raise ValidationError({field: [_("Enter a number.")]})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: [_("Give the amount in euros and cents (two decimals).")]})
    return amount.quantize(CENT)


def _allowed_skills(slugs: Iterable[str], profile: ConsultantProfile) -> list[Skill]:
    """Active skills, plus inactive ones the profile already cites (they may stay)."""
    wanted = list(dict.fromkeys(s for s in (str(x).strip() for x in slugs) if s))
    allowed = Q(is_active=True)
    if profile.pk is not None:
        allowed |= Q(consultants=profile)
    found = {s.slug: s for s in Skill.objects.filter(allowed, slug__in=wanted).distinct()}
    missing = [s for s in wanted if s not in found]
    if missing:
        raise ValidationError(
            {
                "skills": [
                    _("These skills are not in the taxonomy: %(skills)s.")
                    % {"skills": ", ".join(missing)}
                ]
            },
            code="unknown_skill",
        )
    return [found[s] for s in wanted]


def consultant_profile_update(
    *,
    actor: User,
    person: Person,
    headline: str = "",
    skills: Iterable[str] = (),
    day_rate_min: Decimal | str | None = None,
    day_rate_max: Decimal | str | None = None,
    availability: str = Availability.AVAILABLE,
    days_per_month: int | None = None,
    territory_codes: Iterable[str] = (),
) -> ConsultantProfile:
    """Create or replace a person's consultant profile (skills by slug, territories by code)."""
    check_can_edit_consultant_profile(actor, person)
    profile = ConsultantProfile.objects.filter(person=person).first() or ConsultantProfile(
        person=person
    )
    errors: dict[str, list[str]] = {}
    rate_min = rate_max = None
    try:
        rate_min = _money(day_rate_min, "day_rate_min")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        rate_max = _money(day_rate_max, "day_rate_max")
    except ValidationError as error:
        errors.update(error.message_dict)
    chosen_skills: list[Skill] = []
    territories = []
    try:
        chosen_skills = _allowed_skills(skills, profile)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        territories = territories_from_codes(territory_codes, "territory_codes")
    except ValidationError as error:
        errors.update(error.message_dict)
    profile.headline = clean_text(headline)
    profile.day_rate_min = rate_min
    profile.day_rate_max = rate_max
    profile.availability = availability
    profile.days_per_month = days_per_month
    try:
        profile.full_clean(exclude=list(errors))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    created = profile.pk is None
    with transaction.atomic():
        profile.save()
        profile.skills.set(chosen_skills)
        profile.territories.set(territories)
        journal.record(
            actor=actor,
            verb="consultant_profile.created" if created else "consultant_profile.updated",
            obj=person,
            payload={
                "skills": [s.slug for s in chosen_skills],
                "territories": [t.code for t in territories],
                "availability": profile.availability,
            },
            visibility=Visibility.PRIVATE,
            subject=person.user,
        )
    return profile


def _profile_for(person: Person) -> ConsultantProfile:
    profile, _created = ConsultantProfile.objects.get_or_create(person=person)
    return profile


def _fill_reference(
    reference: ConsultantReference, *, client: str, year: int, summary: str, is_public: bool
) -> None:
    reference.client = clean_text(client)
    reference.year = year
    reference.summary = clean_text(summary)
    reference.is_public = bool(is_public)
    reference.full_clean(exclude=["profile"])


def consultant_reference_create(
    *,
    actor: User,
    person: Person,
    client: str,
    year: int,
    summary: str,
    is_public: bool = False,
) -> ConsultantReference:
    """A consultant adds a past mission to their profile (public or not)."""
    check_can_edit_consultant_profile(actor, person)
    reference = ConsultantReference()
    _fill_reference(reference, client=client, year=year, summary=summary, is_public=is_public)
    with transaction.atomic():
        reference.profile = _profile_for(person)
        reference.save()
        journal.record(
            actor=actor,
            verb="consultant_reference.created",
            obj=reference,
            payload={"year": reference.year, "public": reference.is_public},
            visibility=Visibility.PRIVATE,
            subject=person.user,
        )
    return reference


def consultant_reference_update(
    *,
    actor: User,
    reference: ConsultantReference,
    client: str,
    year: int,
    summary: str,
    is_public: bool = False,
) -> ConsultantReference:
    check_can_edit_reference(actor, reference)
    _fill_reference(reference, client=client, year=year, summary=summary, is_public=is_public)
    with transaction.atomic():
        reference.save()
        journal.record(
            actor=actor,
            verb="consultant_reference.updated",
            obj=reference,
            payload={"year": reference.year, "public": reference.is_public},
            visibility=Visibility.PRIVATE,
            subject=actor,
        )
    return reference


def consultant_reference_delete(*, actor: User, reference: ConsultantReference) -> None:
    check_can_edit_reference(actor, reference)
    with transaction.atomic():
        journal.record(
            actor=actor,
            verb="consultant_reference.deleted",
            obj=reference,
            payload={"year": reference.year},
            visibility=Visibility.PRIVATE,
            subject=actor,
        )
        reference.delete()
