"""Load what the team suggestion needs, in a bounded number of queries, and turn the
solver's answer into rows a page or the API can show ("why is this person here?")."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef

from cercle.membership.models import CircleMembership
from cercle.missions.enums import MemberStatus
from cercle.missions.models import Evaluator, SupportRequest, TeamMember
from cercle.missions.policies.teams import check_can_view_suggestion
from cercle.missions.selectors.fairness import awarded_missions_since
from cercle.missions.suggestion import (
    DEFAULT_DAY_RATE,
    Candidate,
    Problem,
    Suggestion,
    default_days,
    default_max_size,
    suggest_teams,
)
from cercle.network.models import ConsultantProfile, OrganizationMembership, Person, Skill


@dataclass(frozen=True)
class MemberWhy:
    """One suggested person and the reasons they are in the team."""

    person: Person
    skills: list[Skill]
    missions_12m: int
    availability: str
    availability_label: str
    day_rate: Decimal | None


@dataclass(frozen=True)
class SuggestedTeam:
    status: str
    members: list[MemberWhy]
    estimated_cost: Decimal | None
    objective: int | None


@dataclass
class SuggestionReport:
    """Everything the suggestion page shows."""

    days: Decimal
    max_size: int
    budget_max: Decimal
    required_skills: list[Skill]
    teams: list[SuggestedTeam] = field(default_factory=list)
    # The status of the solve that found nothing (INFEASIBLE, UNKNOWN…), if any.
    final_status: str = ""
    uncovered_skills: list[Skill] = field(default_factory=list)
    limiting: str = ""
    candidate_count: int = 0
    excluded_count: int = 0


@dataclass
class LoadedCandidates:
    candidates: list[Candidate]
    people: dict[int, Person]
    availability: dict[int, str]
    excluded: set[int]


def conflicted_people(support_request: SupportRequest) -> set[int]:
    """People who may not be suggested: the client organization's people, the request's
    evaluators, and anyone already accepted in a team on this request (three queries)."""
    excluded: set[int] = set()
    if support_request.client_organization_id:
        excluded |= set(
            OrganizationMembership.objects.filter(
                organization_id=support_request.client_organization_id
            ).values_list("person_id", flat=True)
        )
    excluded |= set(
        Evaluator.objects.filter(request=support_request).values_list("person_id", flat=True)
    )
    excluded |= set(
        TeamMember.objects.filter(
            request=support_request, status=MemberStatus.ACCEPTED
        ).values_list("person_id", flat=True)
    )
    return excluded


def load_candidates(*, support_request: SupportRequest, required: list[int]) -> LoadedCandidates:
    """Circle members with a consultant profile who bring a required skill (or all of
    them when the request names no skill). About six queries, whatever the size."""
    active = Exists(
        CircleMembership.objects.filter(person=OuterRef("person_id"), ended_at__isnull=True)
    )
    profiles = ConsultantProfile.objects.filter(active).select_related("person")
    if required:
        profiles = profiles.filter(
            Exists(
                ConsultantProfile.skills.through.objects.filter(
                    consultantprofile_id=OuterRef("pk"), skill_id__in=required
                )
            )
        )
    rows = list(profiles)
    skill_rows = ConsultantProfile.skills.through.objects.filter(consultantprofile__in=profiles)
    if required:
        skill_rows = skill_rows.filter(skill_id__in=required)
    skills_of: dict[int, set[int]] = {}
    for profile_id, skill_id in skill_rows.values_list("consultantprofile_id", "skill_id"):
        skills_of.setdefault(profile_id, set()).add(skill_id)
    missions = awarded_missions_since()
    excluded = conflicted_people(support_request)
    candidates = [
        Candidate(
            key=p.person_id,
            skills=frozenset(skills_of.get(p.pk, set())),
            missions_12m=missions.get(p.person_id, 0),
            day_rate=p.day_rate_min,
            availability=p.availability,
            excluded=p.person_id in excluded,
        )
        for p in rows
    ]
    return LoadedCandidates(
        candidates=candidates,
        people={p.person_id: p.person for p in rows},
        availability={p.person_id: p.get_availability_display() for p in rows},  # type: ignore[attr-defined]
        excluded=excluded,
    )


def suggestion_for_request(
    *,
    actor: Any,
    support_request: SupportRequest,
    days: Decimal | None = None,
    max_size: int | None = None,
    count: int = 3,
    time_limit: float = 1.0,
) -> SuggestionReport:
    check_can_view_suggestion(actor)
    skills = list(support_request.required_skills.order_by("name"))
    skill_by_id = {s.pk: s for s in skills}
    required = list(skill_by_id)
    loaded = load_candidates(support_request=support_request, required=required)
    report = SuggestionReport(
        days=days if days is not None else default_days(support_request.budget_min_ht),
        max_size=max_size if max_size is not None else default_max_size(len(required)),
        budget_max=support_request.budget_max_ht,
        required_skills=skills,
        candidate_count=len(loaded.candidates),
        excluded_count=sum(1 for c in loaded.candidates if c.excluded),
    )
    problem = Problem(
        required_skills=frozenset(required),
        candidates=loaded.candidates,
        budget_max=support_request.budget_max_ht,
        days=report.days,
        max_size=report.max_size,
        default_rate=DEFAULT_DAY_RATE,
    )
    by_key = {c.key: c for c in loaded.candidates}
    results = suggest_teams(problem, count=count, time_limit=time_limit)
    for result in results:
        if not result.found:
            report.final_status = result.status
            report.uncovered_skills = [skill_by_id[s] for s in sorted(result.uncovered_skills)]
            report.limiting = result.limiting
            continue
        report.teams.append(_explain(result, by_key, loaded, skill_by_id))
    return report


def _explain(
    result: Suggestion,
    by_key: dict[int, Candidate],
    loaded: LoadedCandidates,
    skill_by_id: dict[int, Skill],
) -> SuggestedTeam:
    members = []
    for key in result.members:
        candidate = by_key[key]
        members.append(
            MemberWhy(
                person=loaded.people[key],
                skills=[skill_by_id[s] for s in sorted(candidate.skills) if s in skill_by_id],
                missions_12m=candidate.missions_12m,
                availability=candidate.availability,
                availability_label=loaded.availability[key],
                day_rate=candidate.day_rate,
            )
        )
    members.sort(key=lambda m: (m.person.last_name, m.person.first_name))
    return SuggestedTeam(
        status=result.status,
        members=members,
        estimated_cost=result.estimated_cost,
        objective=result.objective,
    )
