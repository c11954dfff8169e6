"""API: the public directory of circle members who consented to being listed."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.pagecache import cached_operation
from cercle.membership.selectors import directory as directory_selectors
from cercle.network.models import ConsultantProfile, Person

router = Router(tags=["directory"])

DEPARTMENT_PATTERN = r"^(?:[0-9]{2,3}|2[AaBb])?$"


class DirectoryOrganizationOut(Schema):
    slug: str
    name: str


class DirectorySkillOut(Schema):
    slug: str
    name: str
    is_major: bool


class DirectoryTerritoryOut(Schema):
    code: str
    name: str
    department_code: str


class DirectoryReferenceOut(Schema):
    client: str
    year: int
    summary: str


def _profile(person: Person) -> ConsultantProfile | None:
    try:
        return person.consultant_profile
    except ConsultantProfile.DoesNotExist:
        return None


class DirectoryMemberOut(Schema):
    slug: str
    name: str = Field(alias="full_name")
    headline: str
    organizations: list[DirectoryOrganizationOut]
    skills: list[DirectorySkillOut]
    territories: list[DirectoryTerritoryOut]
    references: list[DirectoryReferenceOut]

    @staticmethod
    def resolve_headline(person: Person) -> str:
        profile = _profile(person)
        return profile.headline if profile else ""

    @staticmethod
    def resolve_organizations(person: Person) -> list[dict[str, Any]]:
        return [{"slug": o.slug, "name": o.name} for o in person.organizations.all()]

    @staticmethod
    def resolve_skills(person: Person) -> list[dict[str, Any]]:
        profile = _profile(person)
        if profile is None:
            return []
        return [
            {"slug": s.slug, "name": s.name, "is_major": s.is_major} for s in profile.skills.all()
        ]

    @staticmethod
    def resolve_territories(person: Person) -> list[dict[str, Any]]:
        profile = _profile(person)
        if profile is None:
            return []
        return [
            {"code": t.code, "name": t.name, "department_code": t.department_code}
            for t in profile.territories.all()
        ]

    @staticmethod
    def resolve_references(person: Person) -> list[dict[str, Any]]:
        profile = _profile(person)
        if profile is None:
            return []
        return [
            {"client": r.client, "year": r.year, "summary": r.summary}
            for r in getattr(profile, "public_references", [])
        ]


class DirectoryMemberDetailOut(DirectoryMemberOut):
    bio: str


class DirectoryFilters(Schema):
    skill: str = Field("", max_length=80, description="A skill's slug.")
    territory: str = Field(
        "", pattern=DEPARTMENT_PATTERN, description="A département code (59, 2A, 974)."
    )


@router.get("/directory", response=list[DirectoryMemberOut])
@paginate(Pagination)
@cached_operation
def list_directory(request: HttpRequest, filters: Query[DirectoryFilters]) -> Any:
    """Public: circle members who consented to being listed, and nobody else."""
    return directory_selectors.directory_list(skill=filters.skill, territory=filters.territory)


@router.get("/directory/{slug}", response=DirectoryMemberDetailOut)
def get_directory_member(request: HttpRequest, slug: str) -> Person:
    """Public; 404 for anyone who is not listed, whether they exist or not."""
    return directory_selectors.directory_get(slug=slug)
