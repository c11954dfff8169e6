"""API: the charter, signatures, the circle, engagement follow-up and regulation."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, Query, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.errors import NotFound
from cercle.core.pdf import pdf_response
from cercle.membership.enums import EngagementCheckStatus, RegulationDecision, RegulationStatus
from cercle.membership.models import (
    CharterSignature,
    CharterVersion,
    CircleMembership,
    EngagementCheck,
    RegulationCase,
)
from cercle.membership.policies.charter import check_can_follow_engagements
from cercle.membership.selectors import charter as charter_selectors
from cercle.membership.selectors import circle as circle_selectors
from cercle.membership.services import charter as charter_services
from cercle.membership.services import circle as circle_services
from cercle.membership.services import regulation as regulation_services
from cercle.network.models import Person

router = Router(tags=["charter"])


# ---------------------------------------------------------------- schemas


class EngagementOut(Schema):
    code: str
    position: int
    title: str
    text: str


class CharterVersionOut(Schema):
    id: UUID = Field(alias="uuid")
    number: int
    title: str
    preamble: str
    closing: str
    published_at: datetime
    published_by: str
    engagements: list[EngagementOut]

    @staticmethod
    def resolve_published_by(version: CharterVersion) -> str:
        return version.published_by.full_name

    @staticmethod
    def resolve_engagements(version: CharterVersion) -> list[dict[str, Any]]:
        return [
            {"code": e.code, "position": e.position, "title": e.title, "text": e.text}
            for e in version.engagements.all()
        ]


class CharterVersionDetailOut(CharterVersionOut):
    is_current: bool


class SignatoryToResignOut(Schema):
    slug: str
    name: str = Field(alias="full_name")
    email: str
    last_signed_version: int = Field(alias="last_signed_number")

    @staticmethod
    def resolve_email(person: Person) -> str:
        return person.user.email


class EngagementIn(Schema):
    code: str = Field(max_length=40)
    title: str = Field(max_length=200)
    text: str


class CharterVersionIn(Schema):
    title: str = Field(max_length=200)
    preamble: str = ""
    closing: str
    engagements: list[EngagementIn]


class SignatureIn(Schema):
    version: int = Field(description="The number of the version the signatory read.")
    consents_to_listing: bool = False
    mandates_follow_up: bool = False


class SignatureOut(Schema):
    id: UUID = Field(alias="uuid")
    version: int
    signed_at: datetime
    consents_to_listing: bool
    mandates_follow_up: bool

    @staticmethod
    def resolve_version(signature: CharterSignature) -> int:
        return signature.version.number


class CircleMembershipOut(Schema):
    id: UUID = Field(alias="uuid")
    joined_at: datetime
    ended_at: datetime | None
    end_reason: str


class CircleMemberOut(Schema):
    slug: str
    name: str = Field(alias="full_name")
    joined_at: datetime | None = Field(alias="circle_joined_at")
    signed_current_charter: bool = Field(alias="signed_current")
    organizations: list[str]

    @staticmethod
    def resolve_organizations(person: Person) -> list[str]:
        return [o.name for o in person.organizations.all()]


class EngagementCheckOut(Schema):
    id: UUID = Field(alias="uuid")
    person: str
    person_name: str
    year: int
    engagement_code: str
    status: str
    evidence_url: str
    evidence_note: str
    evidence_object_type: str
    evidence_object_id: str
    updated_at: datetime
    checked_by: str | None

    @staticmethod
    def resolve_person(check: EngagementCheck) -> str:
        return check.person.slug

    @staticmethod
    def resolve_person_name(check: EngagementCheck) -> str:
        return check.person.full_name

    @staticmethod
    def resolve_checked_by(check: EngagementCheck) -> str | None:
        return check.checked_by.slug if check.checked_by else None


class EngagementCheckPatch(Schema):
    """Evidence fields are for the member concerned; `status` is for stewards."""

    evidence_url: str | None = Field(None, max_length=200)
    evidence_note: str | None = None
    evidence_object_type: str | None = Field(None, max_length=80)
    evidence_object_id: str | None = Field(None, max_length=64)
    status: Literal["done", "missed"] | None = None


class BehindCheckOut(Schema):
    id: UUID = Field(alias="uuid")
    engagement_code: str
    status: str
    evidence_url: str
    evidence_note: str


class MemberBehindOut(Schema):
    slug: str
    name: str = Field(alias="full_name")
    behind_count: int
    missed_count: int
    checks: list[BehindCheckOut]

    @staticmethod
    def resolve_checks(person: Person) -> list[EngagementCheck]:
        return list(getattr(person, "behind_checks", []))


class BehindFilters(Schema):
    status: Literal["pending", "missed"] | None = Field(
        None, description="pending or missed; both when left out"
    )
    engagement: str = Field("", max_length=40, description="An engagement's code.")
    q: str = Field("", max_length=80, description="Part of a first or last name.")


class StewardSummaryOut(Schema):
    year: int
    current_charter_version: int | None
    contracts_to_handle: int
    to_resign: int
    behind: int
    open_cases: int
    circle_members: int


class YearOpenedOut(Schema):
    year: int
    created: int


class RegulationCaseOut(Schema):
    id: UUID = Field(alias="uuid")
    person: str
    person_name: str
    raised_by: str
    concern: str
    status: str
    hearing_notes: str
    heard_at: datetime | None
    decision: str
    decision_reason: str
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_person(case: RegulationCase) -> str:
        return case.person.slug

    @staticmethod
    def resolve_person_name(case: RegulationCase) -> str:
        return case.person.full_name

    @staticmethod
    def resolve_raised_by(case: RegulationCase) -> str:
        return case.raised_by.slug

    @staticmethod
    def resolve_decided_by(case: RegulationCase) -> str | None:
        return case.decided_by.slug if case.decided_by else None


class RegulationCaseIn(Schema):
    person: str = Field(max_length=120, description="The slug of the circle member concerned.")
    concern: str


class HearingIn(Schema):
    notes: str


class DecisionIn(Schema):
    decision: RegulationDecision
    reason: str


# ---------------------------------------------------------------- charter


@router.get("/charter/versions", response=list[CharterVersionOut])
@paginate(Pagination)
def list_versions(request: HttpRequest) -> Any:
    return charter_selectors.charter_version_list()


@router.get("/charter/current", response=CharterVersionOut)
def current_version(request: HttpRequest) -> CharterVersion:
    version = charter_selectors.charter_current()
    if version is None:
        raise NotFound(_("No charter has been published yet."))
    return version


@router.get("/charter/versions/{number}", response=CharterVersionDetailOut)
def get_version(request: HttpRequest, number: int) -> CharterVersion:
    """Public: one version of the charter with its engagements, current or not."""
    version = charter_selectors.charter_version_get(number=number)
    version.is_current = version.number == charter_selectors.charter_current_number()  # type: ignore[attr-defined]
    return version


@router.post("/charter/versions", response={201: CharterVersionOut})
def publish_version(request: HttpRequest, payload: CharterVersionIn) -> Status[Any]:
    version = charter_services.charter_version_publish(
        actor=authenticated_user(request),
        title=payload.title,
        preamble=payload.preamble,
        closing=payload.closing,
        engagements=[e.dict() for e in payload.engagements],
    )
    return Status(201, charter_selectors.charter_version_get(number=version.number))


@router.post("/charter/signatures", response={201: SignatureOut})
def sign(request: HttpRequest, payload: SignatureIn) -> Status[CharterSignature]:
    signature = charter_services.charter_sign(
        actor=authenticated_user(request),
        version_number=payload.version,
        consents_to_listing=payload.consents_to_listing,
        mandates_follow_up=payload.mandates_follow_up,
    )
    return Status(201, signature)


@router.get("/charter/signatures/mine", response=list[SignatureOut])
@paginate(Pagination)
def my_signatures(request: HttpRequest) -> Any:
    user = authenticated_user(request)
    person = circle_selectors.person_for_user(user=user)
    if person is None:
        return CharterSignature.objects.none()
    return charter_selectors.signature_list_for(person=person)


@router.get("/charter/signatures/{signature_id}/pdf", response={200: None})
def signature_pdf(request: HttpRequest, signature_id: UUID) -> HttpResponse:
    """The signed charter as a PDF (the signatory and stewards only)."""
    signature = charter_selectors.signature_get(
        actor=authenticated_user(request), signature_id=signature_id
    )
    return pdf_response(
        charter_selectors.signature_pdf(signature=signature),
        charter_selectors.signature_pdf_filename(signature=signature),
    )


@router.get("/charter/signatories-to-resign", response=list[SignatoryToResignOut])
@paginate(Pagination)
def signatories_to_resign(request: HttpRequest) -> Any:
    """Stewards: who signed an earlier version but not the current one, by name."""
    check_can_follow_engagements(authenticated_user(request))
    return charter_selectors.resign_list()


# ---------------------------------------------------------------- circle


@router.post("/circle/join", response={201: CircleMembershipOut}, tags=["circle"])
def join_circle(request: HttpRequest) -> Status[CircleMembership]:
    return Status(201, circle_services.circle_join(actor=authenticated_user(request)))


@router.post("/circle/leave", response=CircleMembershipOut, tags=["circle"])
def leave_circle(request: HttpRequest) -> CircleMembership:
    return circle_services.circle_leave(actor=authenticated_user(request))


@router.get("/circle/members", response=list[CircleMemberOut], tags=["circle"])
@paginate(Pagination)
def circle_members(request: HttpRequest) -> Any:
    return circle_selectors.circle_member_list(actor=authenticated_user(request))


# ---------------------------------------------------------------- engagement follow-up


@router.get("/engagement-checks", response=list[EngagementCheckOut], tags=["engagements"])
@paginate(Pagination)
def list_checks(
    request: HttpRequest,
    year: int | None = None,
    person: str = "",
    status: EngagementCheckStatus | None = None,
    engagement: str = "",
    mine: bool = False,
) -> Any:
    """Your own checks; stewards see everyone's unless `mine=true`."""
    return circle_selectors.engagement_check_list(
        actor=authenticated_user(request),
        year=year,
        person_slug=person,
        status=status or "",
        engagement_code=engagement,
        mine=mine,
    )


@router.patch("/engagement-checks/{check_id}", response=EngagementCheckOut, tags=["engagements"])
def update_check(
    request: HttpRequest, check_id: UUID, payload: EngagementCheckPatch
) -> EngagementCheck:
    user = authenticated_user(request)
    check = circle_selectors.engagement_check_get(actor=user, check_id=check_id)
    circle_services.engagement_check_update(
        actor=user, check=check, **payload.dict(exclude_unset=True)
    )
    return circle_selectors.engagement_check_get(actor=user, check_id=check_id)


@router.get(
    "/engagement-years/{year}/members-behind",
    response=list[MemberBehindOut],
    tags=["engagements"],
)
@paginate(Pagination)
def members_behind(
    request: HttpRequest,
    year: PathEx[int, P(ge=2000, le=2100)],
    filters: Query[BehindFilters],
) -> Any:
    """Stewards: circle members with engagements not done for `year`, most behind first."""
    return circle_selectors.engagement_behind_list(
        actor=authenticated_user(request),
        year=year,
        status=filters.status or "",
        engagement_code=filters.engagement,
        query=filters.q,
    )


@router.get("/stewards/summary", response=StewardSummaryOut, tags=["engagements"])
def steward_summary(request: HttpRequest) -> dict[str, Any]:
    """Stewards: the figures of their home page, for the current year."""
    year = circle_selectors.current_year()
    counts = circle_selectors.steward_counts(actor=authenticated_user(request), year=year)
    return {
        "year": year,
        "current_charter_version": charter_selectors.charter_current_number(),
        **counts,
    }


@router.post("/engagement-years/{year}/open", response={201: YearOpenedOut}, tags=["engagements"])
def open_year(request: HttpRequest, year: int) -> Status[dict[str, int]]:
    """Stewards: give every circle member one check per engagement for `year`."""
    created = circle_services.engagement_year_open(actor=authenticated_user(request), year=year)
    return Status(201, {"year": year, "created": created})


# ---------------------------------------------------------------- regulation


@router.get("/regulation-cases", response=list[RegulationCaseOut], tags=["regulation"])
@paginate(Pagination)
def list_cases(request: HttpRequest, status: RegulationStatus | None = None) -> Any:
    return circle_selectors.regulation_case_list(
        actor=authenticated_user(request), status=status or ""
    )


@router.post("/regulation-cases", response={201: RegulationCaseOut}, tags=["regulation"])
def raise_case(request: HttpRequest, payload: RegulationCaseIn) -> Status[RegulationCase]:
    user = authenticated_user(request)
    person = circle_selectors.person_by_slug(slug=payload.person)
    if person is None:
        raise ValidationError({"person": [_("Nobody has this identifier.")]})
    case = regulation_services.regulation_case_raise(
        actor=user, person=person, concern=payload.concern
    )
    return Status(201, circle_selectors.regulation_case_get(actor=user, case_id=case.uuid))


@router.get("/regulation-cases/{case_id}", response=RegulationCaseOut, tags=["regulation"])
def get_case(request: HttpRequest, case_id: UUID) -> RegulationCase:
    """Stewards, the member concerned and who raised the concern."""
    return circle_selectors.regulation_case_get(actor=authenticated_user(request), case_id=case_id)


@router.post("/regulation-cases/{case_id}/hearing", response=RegulationCaseOut, tags=["regulation"])
def hear_case(request: HttpRequest, case_id: UUID, payload: HearingIn) -> RegulationCase:
    user = authenticated_user(request)
    case = circle_selectors.regulation_case_get(actor=user, case_id=case_id)
    regulation_services.regulation_case_hear(actor=user, case=case, notes=payload.notes)
    return circle_selectors.regulation_case_get(actor=user, case_id=case_id)


@router.post(
    "/regulation-cases/{case_id}/decision", response=RegulationCaseOut, tags=["regulation"]
)
def decide_case(request: HttpRequest, case_id: UUID, payload: DecisionIn) -> RegulationCase:
    user = authenticated_user(request)
    case = circle_selectors.regulation_case_get(actor=user, case_id=case_id)
    regulation_services.regulation_case_decide(
        actor=user, case=case, decision=str(payload.decision), reason=payload.reason
    )
    return circle_selectors.regulation_case_get(actor=user, case_id=case_id)
