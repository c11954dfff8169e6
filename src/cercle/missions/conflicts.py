"""Conflicts of interest on a request: who may not judge it.

Reused by every process that needs a neutral person (evaluators here, support-letter
reviewers later). Decision 0009: a bidder (invited, accepted or positioned), a member of
an organization of a bidder or of the client, or anyone who declared a tie to a team is
barred from the request. Each reason is a sentence a person can read.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from cercle.missions.enums import MemberStatus, TieKind
from cercle.missions.models import Positioning, SupportRequest, TeamMember, TieDeclaration
from cercle.network.models import Organization, OrganizationMembership, Person

BIDDING_STATUSES = (MemberStatus.INVITED, MemberStatus.ACCEPTED)


def conflict_reasons(person: Person, request: SupportRequest) -> list[str]:
    """Why `person` may not judge `request`; an empty list when nothing is detected.

    A fixed number of queries (four), whatever the size of the teams and whether the
    request names a client organization.
    """
    reasons: list[str] = []
    memberships = TeamMember.objects.filter(request=request, status__in=BIDDING_STATUSES)
    if memberships.filter(person=person).exists():
        reasons.append(_("is a member of, or invited to, a team bidding on this request"))
    if Positioning.objects.filter(request=request, person=person).exists():
        reasons.append(_("positioned themselves on this request"))
    # One query for both organization reasons, with or without a client organization, so
    # the evaluation costs the same number of queries whatever the request (issue 6): the
    # person's memberships that are shared with a bidder or are the client's.
    bidders = memberships.exclude(person=person).values("person_id")
    shared_with_bidder = OrganizationMembership.objects.filter(
        organization_id=OuterRef("organization_id"), person_id__in=bidders
    )
    client_id = request.client_organization_id
    wanted = Q(shared=True) if client_id is None else Q(shared=True) | Q(organization_id=client_id)
    rows = list(
        OrganizationMembership.objects.filter(person=person)
        .annotate(shared=Exists(shared_with_bidder))
        .filter(wanted)
        .values_list("organization_id", "shared")
    )
    if any(shared for _organization, shared in rows):
        reasons.append(_("belongs to the same organization as a member of a bidding team"))
    if client_id is not None and any(organization == client_id for organization, _s in rows):
        reasons.append(_("belongs to the client organization"))
    if (
        TieDeclaration.objects.filter(evaluator__request=request, evaluator__person=person)
        .exclude(kind=TieKind.NONE)
        .exists()
    ):
        reasons.append(_("declared a tie to a bidding team"))
    return reasons


def has_conflict(person: Person, request: SupportRequest) -> bool:
    return bool(conflict_reasons(person, request))


def organization_conflict_reasons(
    person: Person, organizations: Iterable[Organization]
) -> list[str]:
    """Why `person` may not judge something that concerns `organizations` (a support
    letter's holder and operators): one reason per organization they belong to.

    One query, whatever the number of organizations.
    """
    by_id = {organization.pk: organization for organization in organizations}
    if not by_id:
        return []
    shared = (
        OrganizationMembership.objects.filter(person=person, organization_id__in=by_id)
        .order_by("organization__name")
        .values_list("organization_id", flat=True)
    )
    return [_("belongs to the organization “%(name)s”") % {"name": by_id[pk].name} for pk in shared]
