from __future__ import annotations

import datetime

import factory

from cercle.network.enums import ActorType, Availability, EngagementLevel, OrganizationRole
from cercle.network.models import (
    ConsultantProfile,
    ConsultantReference,
    Organization,
    OrganizationMembership,
    Person,
    Skill,
)
from tests.factories.core import UserFactory


class PersonFactory(factory.django.DjangoModelFactory):
    """Someone signed up, not (yet) a member."""

    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    slug = factory.Sequence(lambda n: f"personne-{n}")
    territory_id = "59"


class SupporterFactory(PersonFactory):
    """A member at the first level (sympathisant)."""

    engagement_level = EngagementLevel.SYMPATHISANT
    member_since = factory.Faker("past_datetime", tzinfo=datetime.UTC)


class ContributorFactory(SupporterFactory):
    engagement_level = EngagementLevel.CONTRIBUTEUR


class StewardFactory(PersonFactory):
    engagement_level = "soucieux"
    member_since = factory.Faker("past_datetime", tzinfo=datetime.UTC)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Tiers-lieu n°{n}")
    slug = factory.Sequence(lambda n: f"structure-{n}")
    actor_type = ActorType.TIERS_LIEU
    territory_id = "59350"


class MemberOrganizationFactory(OrganizationFactory):
    """An organization whose adhesion was validated."""

    member_since = factory.Faker("past_datetime", tzinfo=datetime.UTC)


class OrganizationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationMembership

    organization = factory.SubFactory(OrganizationFactory)
    person = factory.SubFactory(PersonFactory)
    role = OrganizationRole.MEMBER


class OrganizationAdminFactory(OrganizationMembershipFactory):
    role = OrganizationRole.ADMIN


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Compétence {n}")
    slug = factory.Sequence(lambda n: f"competence-{n}")


class ConsultantProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultantProfile
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    headline = "Accompagnement de tiers-lieux ruraux"
    availability = Availability.AVAILABLE

    @factory.post_generation
    def skills(self, create: bool, extracted: list[Skill] | None, **kwargs: object) -> None:
        if create and extracted:
            self.skills.set(extracted)

    @factory.post_generation
    def territories(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.territories.set(extracted)


class ConsultantReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultantReference

    profile = factory.SubFactory(ConsultantProfileFactory)
    client = factory.Sequence(lambda n: f"Commune n°{n}")
    year = 2023
    summary = "Diagnostic et feuille de route d'un tiers-lieu."
    is_public = False
