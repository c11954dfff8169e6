"""Every write on positioning and teams: interest, teams, invitations, answers, leaving.

A consultant is in at most one team per request: the services check it, and the
database's partial unique constraint `one_team_per_request` settles two concurrent
accepts (the loser gets the same clear refusal, never a 500). An answer to an invitation
is checked again under the invitation's row lock: accept and decline at once keep one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.core.transitions import check_transition
from cercle.missions.enums import MEMBER_TRANSITIONS, MemberStatus, OfferStatus, TeamRole
from cercle.missions.models import Evaluator, Positioning, SupportRequest, Team, TeamMember
from cercle.missions.policies.teams import (
    OPEN_STATUSES,
    check_can_create_team,
    check_can_manage_team,
    check_can_position,
    check_can_remove_member,
    check_can_respond,
)
from cercle.missions.selectors.teams import invitable
from cercle.network.models import Person
from cercle.network.services import person_of

INVITABLE_ROLES = (
    TeamRole.CO_CONTRACTOR,
    TeamRole.SUB_CONTRACTOR,
    TeamRole.GUARANTOR,
    TeamRole.HELPING_COMMONER,
)


def _check_open(support_request: SupportRequest) -> None:
    """Teams and positionings change only while the request takes offers."""
    if support_request.status not in OPEN_STATUSES:
        raise Conflict(_("This request no longer takes positionings or team changes."))
    if support_request.deadline_passed(timezone.now()):
        raise Conflict(_("The deadline for offers has passed: positionings and teams are locked."))


def _in_circle(person: Person) -> bool:
    return person.circle_memberships.filter(ended_at__isnull=True).exists()


def _why_not_invitable(person: Person, team: Team) -> str:
    """The sentence that explains a refusal of `selectors.teams.invitable` (which decides)."""
    if not _in_circle(person):
        return _("Only members of the consultants' circle can join a team.")
    if TeamMember.objects.filter(team=team, person=person).exists():
        return _("This person was already invited to this team.")
    if _already_in_team(person, team.request, but=team):
        return _("This person is already in another team for this request.")
    if Evaluator.objects.filter(request=team.request, person=person).exists():
        return _("An evaluator of this request cannot join a team that bids on it.")
    return _("Only circle members listed in the directory can be invited to a team.")


def _already_in_team(person: Person, support_request: SupportRequest, *, but: Team | None) -> bool:
    rows = TeamMember.objects.filter(
        request=support_request, person=person, status=MemberStatus.ACCEPTED
    )
    if but is not None:
        rows = rows.exclude(team=but)
    return rows.exists()


def _one_team_error() -> ValidationError:
    return ValidationError(
        {
            "person": [
                _(
                    "You are already in another team for this request: leave it first "
                    "(one team per person and request)."
                )
            ]
        }
    )


def _team_url(team: Team) -> str:
    from django.urls import reverse

    return reverse(
        "missions:team_detail", kwargs={"uuid": team.request.uuid, "team_uuid": team.uuid}
    )


# ---------------------------------------------------------------- positioning


def positioning_create(
    *, actor: User, support_request: SupportRequest, note: str = ""
) -> Positioning:
    """Say one is interested in a request; a withdrawn positioning comes back."""
    check_can_position(actor)
    person = person_of(actor)
    _check_open(support_request)
    note = (note or "").strip()
    existing = Positioning.objects.filter(request=support_request, person=person).first()
    if existing is not None and existing.withdrawn_at is None:
        raise ValidationError({"note": [_("You have already positioned on this request.")]})
    with transaction.atomic():
        if existing is not None:
            positioning = existing
            positioning.withdrawn_at = None
            positioning.note = note
        else:
            positioning = Positioning(request=support_request, person=person, note=note)
        positioning.full_clean(validate_constraints=existing is None)
        try:
            with transaction.atomic():
                positioning.save()
        except IntegrityError as error:
            raise ValidationError(
                {"note": [_("You have already positioned on this request.")]}
            ) from error
        journal.record(
            actor=actor,
            verb="positioning.created",
            obj=support_request,
            payload={"person": person.slug, "note": note},
            visibility=Visibility.MEMBERS,
            subject=actor,
        )
    return positioning


def positioning_withdraw(*, actor: User, support_request: SupportRequest) -> Positioning:
    check_can_position(actor)
    person = person_of(actor)
    _check_open(support_request)
    positioning = Positioning.objects.filter(
        request=support_request, person=person, withdrawn_at__isnull=True
    ).first()
    if positioning is None:
        raise ValidationError({"note": [_("You have not positioned on this request.")]})
    with transaction.atomic():
        positioning.withdrawn_at = timezone.now()
        positioning.save(update_fields=["withdrawn_at"])
        journal.record(
            actor=actor,
            verb="positioning.withdrawn",
            obj=support_request,
            payload={"person": person.slug},
            visibility=Visibility.MEMBERS,
            subject=actor,
        )
    return positioning


# ---------------------------------------------------------------- teams


def team_create(*, actor: User, support_request: SupportRequest, name: str) -> Team:
    """Form a team; its creator leads it (an accepted member with the lead role)."""
    check_can_create_team(actor)
    person = person_of(actor)
    _check_open(support_request)
    if _already_in_team(person, support_request, but=None):
        raise ValidationError(
            {
                "name": [
                    _(
                        "You are already in a team for this request: leave it before "
                        "forming another one."
                    )
                ]
            }
        )
    team = Team(request=support_request, name=(name or "").strip(), lead=person)
    if team.name and Team.objects.filter(request=support_request, name=team.name).exists():
        raise ValidationError({"name": [_("A team with this name already bids on this request.")]})
    team.full_clean()
    now = timezone.now()
    try:
        with transaction.atomic():
            team.save()
            lead = TeamMember(
                team=team,
                request=support_request,
                person=person,
                role=TeamRole.LEAD,
                status=MemberStatus.ACCEPTED,
                invited_by=person,
                responded_at=now,
            )
            lead.save()
            journal.record(
                actor=actor,
                verb="team.created",
                obj=team,
                payload={"request": str(support_request.uuid), "lead": person.slug},
                visibility=Visibility.MEMBERS,
            )
    except IntegrityError as error:
        # A concurrent accept or a team of the same name won the race.
        if Team.objects.filter(request=support_request, name=team.name).exists():
            raise ValidationError(
                {"name": [_("A team with this name already bids on this request.")]}
            ) from error
        raise ValidationError({"name": _one_team_error().message_dict["person"]}) from error
    return team


def _check_team_open(team: Team) -> None:
    if team.dissolved_at is not None:
        raise Conflict(_("This team was dissolved."))
    _check_open(team.request)


def team_member_invite(*, actor: User, team: Team, person: Person, role: str) -> TeamMember:
    """The lead invites a circle member with a role; the invitee is told by e-mail."""
    check_can_manage_team(actor, team)
    _check_team_open(team)
    errors: dict[str, list[str]] = {}
    if role not in INVITABLE_ROLES:
        errors["role"] = [_("Choose a role other than lead: a team has one lead.")]
    if not invitable(team=team).filter(pk=person.pk).exists():
        errors["person"] = [_why_not_invitable(person, team)]
    if errors:
        raise ValidationError(errors)
    inviter = person_of(actor)
    member = TeamMember(
        team=team,
        request=team.request,
        person=person,
        role=role,
        status=MemberStatus.INVITED,
        invited_by=inviter,
    )
    member.full_clean(exclude=["invited_at"], validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
            journal.record(
                actor=actor,
                verb="team.member_invited",
                obj=team,
                payload={"person": person.slug, "role": role},
                visibility=Visibility.MEMBERS,
                subject=person.user,
            )
            notify(
                kind=NotificationKind.TEAM_INVITATION,
                url=_team_url(team),
                users=[person.user],
                subject=gettext_lazy("You are invited to join a team"),
                template="missions/email/teams_invitation.txt",
                context={
                    "team": team.name,
                    "lead": inviter.full_name,
                    "request": team.request.title,
                    "role": str(role),
                    "deadline": team.request.offers_deadline.isoformat(),
                    "url": _team_url(team),
                },
            )
    except IntegrityError as error:
        raise ValidationError(
            {"person": [_("This person was already invited to this team.")]}
        ) from error
    return member


def _respond(*, actor: User, member: TeamMember, target: str) -> TeamMember:
    check_can_respond(actor, member)
    check_transition(MEMBER_TRANSITIONS, member.status, target)
    _check_team_open(member.team)
    if target == MemberStatus.ACCEPTED and _already_in_team(
        member.person, member.request, but=member.team
    ):
        raise _one_team_error()
    try:
        with transaction.atomic():
            # Accepted in one tab, declined in another at the same moment: the answer is
            # checked again on the locked row, so the second one is refused, not written.
            status = (
                TeamMember.objects.select_for_update()
                .filter(pk=member.pk)
                .values_list("status", flat=True)
                .first()
            )
            if status is None:
                raise Conflict(_("This invitation was withdrawn."))
            check_transition(MEMBER_TRANSITIONS, status, target)
            member.status = target
            member.responded_at = timezone.now()
            # Savepoint: the constraint's refusal leaves the outer transaction usable.
            with transaction.atomic():
                member.save(update_fields=["status", "responded_at"])
            verb = "accepted" if target == MemberStatus.ACCEPTED else "declined"
            journal.record(
                actor=actor,
                verb=f"team.member_{verb}",
                obj=member.team,
                payload={"person": member.person.slug, "role": member.role},
                visibility=Visibility.MEMBERS,
                subject=actor,
            )
            lead_user = member.team.lead.user
            notify(
                kind=NotificationKind.TEAM_INVITATION,
                url=_team_url(member.team),
                users=[lead_user],
                subject=gettext_lazy("An answer to your team invitation"),
                template="missions/email/teams_response.txt",
                context={
                    "team": member.team.name,
                    "person": member.person.full_name,
                    "accepted": target == MemberStatus.ACCEPTED,
                    "request": member.request.title,
                    "url": _team_url(member.team),
                },
            )
    except IntegrityError as error:
        member.status = MemberStatus.INVITED
        member.responded_at = None
        raise _one_team_error() from error
    return member


def team_member_accept(*, actor: User, member: TeamMember) -> TeamMember:
    return _respond(actor=actor, member=member, target=MemberStatus.ACCEPTED)


def team_member_decline(*, actor: User, member: TeamMember) -> TeamMember:
    return _respond(actor=actor, member=member, target=MemberStatus.DECLINED)


def team_member_remove(*, actor: User, member: TeamMember) -> TeamMember | None:
    """The lead removes a member (or withdraws an invitation); a member leaves.

    An accepted member becomes `left`; a pending invitation is withdrawn (deleted: it
    was never a membership). Returns the member row, or None for a withdrawn invitation.
    """
    check_can_remove_member(actor, member)
    _check_team_open(member.team)
    leaving = member.person.user_id == actor.pk
    payload: dict[str, Any] = {"person": member.person.slug, "role": member.role}
    with transaction.atomic():
        if member.status == MemberStatus.INVITED:
            member.delete()
            verb = "team.invitation_withdrawn"
            result = None
        else:
            check_transition(MEMBER_TRANSITIONS, member.status, MemberStatus.LEFT)
            member.status = MemberStatus.LEFT
            member.responded_at = timezone.now()
            member.save(update_fields=["status", "responded_at"])
            verb = "team.member_left" if leaving else "team.member_removed"
            result = member
        journal.record(
            actor=actor,
            verb=verb,
            obj=member.team,
            payload=payload,
            visibility=Visibility.MEMBERS,
            subject=member.person.user,
        )
    return result


def team_dissolve(*, actor: User, team: Team) -> Team:
    """The lead dissolves a team without a live offer; everyone is free again."""
    check_can_manage_team(actor, team)
    _check_team_open(team)
    if team.offers.filter(status=OfferStatus.SUBMITTED).exists():
        raise Conflict(_("This team has submitted an offer: withdraw it before dissolving."))
    now = timezone.now()
    with transaction.atomic():
        team.dissolved_at = now
        team.save(update_fields=["dissolved_at"])
        team.members.filter(status=MemberStatus.ACCEPTED).update(
            status=MemberStatus.LEFT, responded_at=now
        )
        team.members.filter(status=MemberStatus.INVITED).update(
            status=MemberStatus.DECLINED, responded_at=now
        )
        journal.record(
            actor=actor,
            verb="team.dissolved",
            obj=team,
            payload={"request": str(team.request.uuid)},
            visibility=Visibility.MEMBERS,
        )
    return team


def team_lead_transfer(*, actor: User, team: Team, person: Person) -> Team:
    """The lead hands the lead role to an accepted member and becomes a co-contractor."""
    check_can_manage_team(actor, team)
    _check_team_open(team)
    new_lead = TeamMember.objects.filter(
        team=team, person=person, status=MemberStatus.ACCEPTED
    ).first()
    if new_lead is None or new_lead.role == TeamRole.LEAD:
        raise ValidationError(
            {"person": [_("Hand the lead to another accepted member of the team.")]}
        )
    old_lead = TeamMember.objects.get(team=team, role=TeamRole.LEAD)
    previous_role = new_lead.role
    with transaction.atomic():
        # One lead per team: the old lead steps down before the new one steps up.
        old_lead.role = TeamRole.CO_CONTRACTOR
        old_lead.save(update_fields=["role"])
        new_lead.role = TeamRole.LEAD
        new_lead.save(update_fields=["role"])
        team.lead = person
        team.save(update_fields=["lead"])
        journal.record(
            actor=actor,
            verb="team.lead_transferred",
            obj=team,
            payload={"from": old_lead.person.slug, "to": person.slug, "role": previous_role},
            visibility=Visibility.MEMBERS,
            subject=person.user,
        )
    return team
