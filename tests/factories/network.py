from __future__ import annotations

import factory

from cercle.network.enums import ActorType
from cercle.network.models import Organization, Person, Skill
from tests.factories.core import UserFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    slug = factory.Sequence(lambda n: f"personne-{n}")
    territory_id = "59"


class StewardFactory(PersonFactory):
    engagement_level = "soucieux"
    member_since = factory.Faker("past_datetime", tzinfo=__import__("datetime").UTC)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Tiers-lieu n°{n}")
    slug = factory.Sequence(lambda n: f"structure-{n}")
    actor_type = ActorType.TIERS_LIEU
    territory_id = "59350"


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Compétence {n}")
    slug = factory.Sequence(lambda n: f"competence-{n}")
