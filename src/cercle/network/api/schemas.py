"""Shapes of the network's API: input shape only, no queries, no business rules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from cercle.network.models import (
    ConsultantProfile,
    Organization,
    OrganizationMembership,
    Person,
)


class TerritoryOut(Schema):
    code: str
    name: str
    kind: str
    department_code: str


class PersonOrganizationOut(Schema):
    slug: str
    name: str
    role: str


class PersonOut(Schema):
    id: UUID = Field(alias="uuid")
    slug: str
    first_name: str
    last_name: str
    full_name: str
    bio: str
    territory_code: str | None
    engagement_level: str
    member_since: datetime | None
    organizations: list[PersonOrganizationOut]

    @staticmethod
    def resolve_territory_code(person: Person) -> str | None:
        return person.territory_id

    @staticmethod
    def resolve_organizations(person: Person) -> list[dict[str, str]]:
        return [
            {"slug": m.organization.slug, "name": m.organization.name, "role": m.role}
            for m in person.memberships.all()
        ]


class MeOut(PersonOut):
    """The caller's own person, with what only they see."""

    language: str = Field(description="The language of pages, e-mails and API messages")

    @staticmethod
    def resolve_language(person: Person) -> str:
        return person.user.language


class MeIn(Schema):
    """Fields left out keep their value; `territory_code: null` or "" removes it."""

    first_name: str | None = Field(None, max_length=80)
    last_name: str | None = Field(None, max_length=80)
    bio: str | None = Field(None, max_length=5000)
    territory_code: str | None = Field(None, max_length=5)
    language: str | None = Field(None, max_length=8, description="fr or en")


class LevelIn(Schema):
    level: str = Field(description="sympathisant, contributeur or soucieux")


class OrganizationOut(Schema):
    id: UUID = Field(alias="uuid")
    slug: str
    name: str
    actor_type: str
    siret: str | None
    territory: TerritoryOut
    description: str
    website: str
    is_member: bool
    member_since: datetime | None

    @staticmethod
    def resolve_is_member(organization: Organization) -> bool:
        return organization.member_since is not None


class OrganizationIn(Schema):
    name: str = Field(max_length=200)
    actor_type: str = Field(
        description="tiers_lieu, collectivite, association, entreprise, citoyen or prestataire"
    )
    territory_code: str = Field(max_length=5, description="INSEE code of a département or commune")
    siret: str | None = Field("", max_length=20)
    description: str = Field("", max_length=5000)
    website: str = Field("", max_length=200)


class OrganizationPatch(Schema):
    name: str | None = Field(None, max_length=200)
    actor_type: str | None = None
    territory_code: str | None = Field(None, max_length=5)
    siret: str | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=5000)
    website: str | None = Field(None, max_length=200)


class PersonRefOut(Schema):
    id: UUID = Field(alias="uuid")
    slug: str
    full_name: str


class MemberOut(Schema):
    person: PersonRefOut
    role: str
    joined_at: datetime

    @staticmethod
    def resolve_person(membership: OrganizationMembership) -> Person:
        return membership.person


class MemberIn(Schema):
    email: str = Field(max_length=254, description="E-mail of an existing account")
    role: str = Field("member", description="admin or member")


class RoleIn(Schema):
    role: str = Field(description="admin or member")


class SkillOut(Schema):
    slug: str
    name: str
    description: str
    is_major: bool
    is_active: bool


class SkillIn(Schema):
    name: str = Field(max_length=120)
    description: str = Field("", max_length=2000)
    is_major: bool = False


class SkillPatch(Schema):
    name: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=2000)
    is_major: bool | None = None
    is_active: bool | None = None


class ReferenceOut(Schema):
    id: UUID = Field(alias="uuid")
    client: str
    year: int
    summary: str
    is_public: bool


class ReferenceIn(Schema):
    client: str = Field(max_length=200)
    year: int
    summary: str = Field(max_length=5000)
    is_public: bool = False


class ReferencePatch(Schema):
    client: str | None = Field(None, max_length=200)
    year: int | None = None
    summary: str | None = Field(None, max_length=5000)
    is_public: bool | None = None


class ConsultantProfileOut(Schema):
    headline: str
    skills: list[str]
    day_rate_min: Decimal | None
    day_rate_max: Decimal | None
    availability: str
    days_per_month: int | None
    territory_codes: list[str]
    references: list[ReferenceOut]

    @staticmethod
    def resolve_skills(profile: ConsultantProfile) -> list[str]:
        return [s.slug for s in profile.skills.all()]

    @staticmethod
    def resolve_territory_codes(profile: ConsultantProfile) -> list[str]:
        return [t.code for t in profile.territories.all()]

    @staticmethod
    def resolve_references(profile: ConsultantProfile) -> list[object]:
        return list(profile.references.all())


class ConsultantProfileIn(Schema):
    """The whole profile: what is left out is emptied (day rates in € excl. VAT)."""

    headline: str = Field("", max_length=200)
    skills: list[str] = Field(default_factory=list, description="Slugs of active skills")
    day_rate_min: Decimal | None = None
    day_rate_max: Decimal | None = None
    availability: str = Field("available", description="available, limited or unavailable")
    days_per_month: int | None = None
    territory_codes: list[str] = Field(default_factory=list, description="INSEE codes")
