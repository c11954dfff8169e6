"""Factories for the charter, the circle, engagement follow-up, regulation and the
directory, plus bulk builders that make hundreds of listed members in a few queries."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from cercle.core.models import User
from cercle.membership.enums import EngagementCheckStatus, RegulationStatus
from cercle.membership.models import (
    CharterEngagement,
    CharterSignature,
    CharterVersion,
    CircleMembership,
    EngagementCheck,
    RegulationCase,
)
from cercle.network.enums import EngagementLevel
from cercle.network.models import (
    ConsultantProfile,
    ConsultantReference,
    Organization,
    OrganizationMembership,
    Person,
    Skill,
)
from tests.factories.network import PersonFactory, StewardFactory

ENGAGEMENT_CODES = (
    "inform-network",
    "open-the-door",
    "open-resources",
    "respect-prior-work",
    "yearly-exchange",
)


class MemberFactory(PersonFactory):
    """A person whose own adhesion was validated (supporter level)."""

    engagement_level = EngagementLevel.SYMPATHISANT
    member_since = factory.Faker("past_datetime", tzinfo=datetime.UTC)


class ContributorMemberFactory(MemberFactory):
    engagement_level = EngagementLevel.CONTRIBUTEUR


class CharterVersionFactory(factory.django.DjangoModelFactory):
    """A published version with the five engagements (pass `engagements=[...]` codes to
    choose others)."""

    class Meta:
        model = CharterVersion
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Charte de coopération, texte {n}")
    preamble = "Pourquoi nous coopérons."
    closing = "En signant, j'accepte le suivi de mes engagements."
    published_at = factory.LazyFunction(timezone.now)
    published_by = factory.SubFactory(StewardFactory)

    @factory.post_generation
    def engagements(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if not create:
            return
        codes = ENGAGEMENT_CODES if extracted is None else extracted
        CharterEngagement.objects.bulk_create(
            CharterEngagement(
                version=self,  # type: ignore[misc]
                code=code,
                position=i,
                title=f"Engagement {code}",
                text=f"Texte de l'engagement {code}.",
            )
            for i, code in enumerate(codes, start=1)
        )


class CharterSignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CharterSignature

    person = factory.SubFactory(MemberFactory)
    version = factory.SubFactory(CharterVersionFactory)
    signed_at = factory.LazyFunction(timezone.now)
    consents_to_listing = True
    mandates_follow_up = True


class CircleMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CircleMembership

    person = factory.SubFactory(MemberFactory)
    joined_at = factory.LazyFunction(timezone.now)


class EngagementCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementCheck

    person = factory.SubFactory(MemberFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    engagement_code = ENGAGEMENT_CODES[0]
    status = EngagementCheckStatus.PENDING


class RegulationCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegulationCase

    person = factory.SubFactory(MemberFactory)
    raised_by = factory.SubFactory(ContributorMemberFactory)
    concern = "N'a pas informé le réseau d'une mission en cours."
    status = RegulationStatus.RAISED


def circle_member(version: CharterVersion, **person_fields: Any) -> Person:
    """A member who signed `version` and is in the circle (built without services)."""
    person: Person = MemberFactory(**person_fields)  # type: ignore[assignment]
    CharterSignatureFactory(person=person, version=version)
    CircleMembershipFactory(person=person)
    return person


# ---------------------------------------------------------------- bulk builders

_bulk_counter = iter(range(10**9))


def bulk_listed_members(
    count: int,
    *,
    version: CharterVersion,
    skills: tuple[Skill, ...] | list[Skill] = (),
    territory_codes: tuple[str, ...] = ("59", "59350"),
    organization: Organization | None = None,
    references: int = 1,
) -> list[Person]:
    """`count` listed circle members (user, person, profile with skills, territories and
    references, signature, circle period) in a fixed number of queries."""
    batch = next(_bulk_counter)
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"bulk{batch}-{i}@example.org", password="!", language="fr")
        for i in range(count)
    )
    people = Person.objects.bulk_create(
        Person(
            user=user,
            first_name=f"Prénom{i}",
            last_name=f"Nom{batch:03d}-{i:05d}",
            slug=f"bulk-{batch}-{i}",
            engagement_level=EngagementLevel.SYMPATHISANT,
            member_since=now,
        )
        for i, user in enumerate(users)
    )
    profiles = ConsultantProfile.objects.bulk_create(
        ConsultantProfile(person=person, headline="Accompagnement de tiers-lieux")
        for person in people
    )
    ConsultantProfile.skills.through.objects.bulk_create(
        ConsultantProfile.skills.through(consultantprofile_id=p.pk, skill_id=s.pk)
        for p in profiles
        for s in skills
    )
    ConsultantProfile.territories.through.objects.bulk_create(
        ConsultantProfile.territories.through(consultantprofile_id=p.pk, territory_id=code)
        for p in profiles
        for code in territory_codes
    )
    ConsultantReference.objects.bulk_create(
        ConsultantReference(
            profile=p, client=f"Commune {k}", year=2023, summary="Étude", is_public=k % 2 == 0
        )
        for p in profiles
        for k in range(references)
    )
    if organization is not None:
        OrganizationMembership.objects.bulk_create(
            OrganizationMembership(organization=organization, person=p) for p in people
        )
    CharterSignature.objects.bulk_create(
        CharterSignature(
            person=p,
            version=version,
            signed_at=now,
            consents_to_listing=True,
            mandates_follow_up=True,
        )
        for p in people
    )
    CircleMembership.objects.bulk_create(CircleMembership(person=p, joined_at=now) for p in people)
    return people


def bulk_engagement_checks(
    people: list[Person], *, year: int, status: str = EngagementCheckStatus.PENDING
) -> None:
    EngagementCheck.objects.bulk_create(
        EngagementCheck(person=p, year=year, engagement_code=code, status=status)
        for p in people
        for code in ENGAGEMENT_CODES
    )


def bulk_regulation_cases(people: list[Person], *, raised_by: Person) -> None:
    RegulationCase.objects.bulk_create(
        RegulationCase(person=p, raised_by=raised_by, concern="Préoccupation.") for p in people
    )
