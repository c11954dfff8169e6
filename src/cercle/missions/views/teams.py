"""Pages of the circle: positioning, teams, invitations and the team suggestion."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError
from cercle.core.forms import call_service, form_status
from cercle.core.models import User
from cercle.core.views import paginate
from cercle.missions.forms.teams import (
    InviteForm,
    PositioningForm,
    SuggestionForm,
    TeamCreateForm,
)
from cercle.missions.models import Positioning, SupportRequest, Team
from cercle.missions.policies.teams import (
    can_create_team,
    can_manage_team,
    can_position,
    can_remove_member,
    can_respond,
    can_view_suggestion,
    can_view_teams,
    check_can_create_team,
    check_can_manage_team,
    check_can_position,
    check_can_view_suggestion,
    request_is_open,
)
from cercle.missions.selectors import suggestion as suggestion_selectors
from cercle.missions.selectors import teams as selectors
from cercle.missions.services import teams as services


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def request_url(support_request: SupportRequest) -> str:
    """The request page when the requests topic serves it, else its teams page."""
    try:
        return support_request.get_absolute_url()
    except NoReverseMatch:
        return reverse("missions:team_list", kwargs={"uuid": support_request.uuid})


def team_url(team: Team) -> str:
    return reverse(
        "missions:team_detail", kwargs={"uuid": team.request.uuid, "team_uuid": team.uuid}
    )


# ---------------------------------------------------------------- the request page's part


def viewer_teams(request: Any, support_request: Any, viewer: Any) -> list[Team] | None:
    """The rows of `selectors.request_teams` for the request page (None for those who may
    not see the teams): its sections read the team list, the viewer's team and the
    viewer's ties to the offers from them."""
    if not can_view_teams(request.user):
        return None
    return selectors.request_teams(
        actor=request.user,
        support_request=support_request,
        person=getattr(viewer, "person", None),
    )


def teams_section(
    request: Any,
    support_request: Any,
    viewer: Any,
    *,
    teams: list[Team] | None = None,
    positionings: list[Positioning] | None = None,
) -> dict[str, object]:
    """Context for `missions/requests/_teams.html` (two queries, any team count, and one
    more unless the page passes the request's `positionings`)."""
    user = request.user
    if not can_view_teams(user):
        return {"teams_list": [], "teams_request": support_request, "teams_hidden": True}
    person = getattr(viewer, "person", None)
    if teams is None:
        teams = selectors.request_teams(actor=user, support_request=support_request, person=person)
    mine = selectors.accepted_team(teams)
    if positionings is None:
        my_positioning = selectors.positioning_of(person=person, support_request=support_request)
    else:
        my_positioning = next(
            (p for p in positionings if person is not None and p.person_id == person.pk), None
        )
    return {
        "teams_list": selectors.standing(teams),
        "teams_request": support_request,
        "teams_is_open": request_is_open(support_request),
        "teams_my_positioning": my_positioning,
        "teams_can_position": can_position(user, support_request),
        "teams_my_team": mine,
        "teams_can_create": mine is None and can_create_team(user, support_request),
        "teams_can_suggest": can_view_suggestion(user),
    }


# ---------------------------------------------------------------- positioning


@login_required
def positioning_create(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_for_teams(actor=request.user, uuid=uuid)
    check_can_position(request.user)
    form = PositioningForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done = call_service(
                form,
                services.positioning_create,
                actor=request.user,
                support_request=support_request,
                note=form.cleaned_data["note"],
            )
            if done is not None:
                messages.success(request, _("The circle sees that you are interested."))
                return redirect(request_url(support_request))
    return render(
        request,
        "missions/teams/positioning.html",
        {
            "support_request": support_request,
            "form": form,
            "back_url": request_url(support_request),
        },
        status=status,
    )


@login_required
@require_POST
def positioning_withdraw(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_for_teams(actor=request.user, uuid=uuid)
    try:
        services.positioning_withdraw(actor=_user(request), support_request=support_request)
    except ValidationError as error:
        return render(
            request,
            "core/error.html",
            {"message": " ".join(error.messages), "status": 400},
            status=400,
        )
    messages.success(request, _("Your positioning is withdrawn."))
    return redirect(request_url(support_request))


# ---------------------------------------------------------------- teams


@require_safe
@login_required
def team_list(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_for_teams(actor=request.user, uuid=uuid)
    teams = selectors.team_list(actor=request.user, support_request=support_request)
    context = teams_section(request, support_request, _viewer(request))
    context.update(
        {
            "support_request": support_request,
            "page": paginate(request, teams),
            "back_url": request_url(support_request),
        }
    )
    return render(request, "missions/teams/list.html", context)


def _viewer(request: HttpRequest) -> Any:
    from cercle.membership.viewer import viewer_for

    return viewer_for(request.user)


@login_required
def team_create(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_for_teams(actor=request.user, uuid=uuid)
    check_can_create_team(request.user)
    form = TeamCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        team = call_service(
            form,
            services.team_create,
            actor=request.user,
            support_request=support_request,
            name=form.cleaned_data["name"],
        )
        if team is not None:
            messages.success(request, _("Your team is formed: invite its members."))
            return redirect(team_url(team))
    return render(
        request,
        "missions/teams/create.html",
        {
            "support_request": support_request,
            "form": form,
            "back_url": request_url(support_request),
        },
        status=form_status(form),
    )


def _render_team(
    request: HttpRequest,
    team: Team,
    *,
    invite_form: InviteForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    person = selectors.viewer_person(user)
    manage = can_manage_team(user, team) and request_is_open(team.request)
    if manage and invite_form is None:
        invite_form = InviteForm(person_choices=selectors.invitable_people(team=team))
    rows = [
        {
            "member": m,
            "can_respond": request_is_open(team.request) and can_respond(user, m),
            "can_remove": request_is_open(team.request)
            and team.dissolved_at is None
            and can_remove_member(user, _with_team(m, team)),
            "is_me": person is not None and m.person_id == person.pk,
            "can_take_lead": manage and m.status == "accepted" and m.role != "lead",
        }
        for m in team.live_members  # type: ignore[attr-defined]
    ]
    return render(
        request,
        "missions/teams/detail.html",
        {
            "team": team,
            "support_request": team.request,
            "rows": rows,
            "invite_form": invite_form if manage else None,
            "can_dissolve": manage,
            "errors": errors or [],
            "back_url": request_url(team.request),
        },
        status=status,
    )


def _with_team(member: Any, team: Team) -> Any:
    member.team = team
    return member


def _team(request: HttpRequest, uuid: UUID, team_uuid: UUID) -> Team:
    support_request = selectors.request_for_teams(actor=request.user, uuid=uuid)
    return selectors.team_get(
        actor=request.user, support_request=support_request, team_uuid=team_uuid
    )


@require_safe
@login_required
def team_detail(request: HttpRequest, uuid: UUID, team_uuid: UUID) -> HttpResponse:
    return _render_team(request, _team(request, uuid, team_uuid))


@login_required
@require_POST
def team_invite(request: HttpRequest, uuid: UUID, team_uuid: UUID) -> HttpResponse:
    team = _team(request, uuid, team_uuid)
    check_can_manage_team(request.user, team)
    form = InviteForm(request.POST, person_choices=selectors.invitable_people(team=team))
    if form.is_valid():
        person = selectors.person_by_slug(slug=form.cleaned_data["person"])
        if person is None:
            form.add_error("person", _("Nobody has this identifier."))
        else:
            done = call_service(
                form,
                services.team_member_invite,
                actor=request.user,
                team=team,
                person=person,
                role=form.cleaned_data["role"],
            )
            if done is not None:
                messages.success(request, _("%(name)s is invited.") % {"name": person.full_name})
                return redirect(team_url(team))
    return _render_team(request, team, invite_form=form, status=400)


def _member_action(
    request: HttpRequest, uuid: UUID, team_uuid: UUID, slug: str, run: Any, done_message: str
) -> HttpResponse:
    team = _team(request, uuid, team_uuid)
    member = selectors.member_get(actor=request.user, team=team, person_slug=slug)
    try:
        run(actor=request.user, member=member)
    except ValidationError as error:
        team = _team(request, uuid, team_uuid)
        return _render_team(request, team, errors=list(error.messages), status=400)
    except ApplicationError as error:
        team = _team(request, uuid, team_uuid)
        return _render_team(request, team, errors=[error.message], status=error.status)
    messages.success(request, done_message)
    if run is services.team_member_decline:
        return redirect("missions:team_invitations")
    return redirect(team_url(team))


@login_required
@require_POST
def team_member_accept(
    request: HttpRequest, uuid: UUID, team_uuid: UUID, slug: str
) -> HttpResponse:
    return _member_action(
        request, uuid, team_uuid, slug, services.team_member_accept, _("You joined the team.")
    )


@login_required
@require_POST
def team_member_decline(
    request: HttpRequest, uuid: UUID, team_uuid: UUID, slug: str
) -> HttpResponse:
    return _member_action(
        request, uuid, team_uuid, slug, services.team_member_decline, _("Invitation declined.")
    )


@login_required
@require_POST
def team_member_remove(
    request: HttpRequest, uuid: UUID, team_uuid: UUID, slug: str
) -> HttpResponse:
    return _member_action(
        request, uuid, team_uuid, slug, services.team_member_remove, _("The team is updated.")
    )


@login_required
@require_POST
def team_lead_transfer(
    request: HttpRequest, uuid: UUID, team_uuid: UUID, slug: str
) -> HttpResponse:
    team = _team(request, uuid, team_uuid)
    member = selectors.member_get(actor=request.user, team=team, person_slug=slug)
    try:
        services.team_lead_transfer(actor=_user(request), team=team, person=member.person)
    except ValidationError as error:
        return _render_team(request, team, errors=list(error.messages), status=400)
    except ApplicationError as error:
        if error.status == 403:
            raise
        return _render_team(request, team, errors=[error.message], status=error.status)
    messages.success(request, _("%(name)s now leads the team.") % {"name": member.person.full_name})
    return redirect(team_url(team))


@login_required
@require_POST
def team_dissolve(request: HttpRequest, uuid: UUID, team_uuid: UUID) -> HttpResponse:
    team = _team(request, uuid, team_uuid)
    try:
        services.team_dissolve(actor=_user(request), team=team)
    except ApplicationError as error:
        if error.status == 403:
            raise
        return _render_team(request, team, errors=[error.message], status=error.status)
    messages.success(request, _("The team is dissolved."))
    return redirect(request_url(team.request))


# ---------------------------------------------------------------- invitations


@require_safe
@login_required
def team_invitations(request: HttpRequest) -> HttpResponse:
    invitations = selectors.invitation_list(actor=request.user)
    return render(
        request, "missions/teams/invitations.html", {"page": paginate(request, invitations)}
    )


# ---------------------------------------------------------------- suggestion


@require_safe
@login_required
def team_suggestion(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_for_teams(actor=request.user, uuid=uuid)
    check_can_view_suggestion(request.user)
    form = SuggestionForm(request.GET or None)
    report = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        report = suggestion_selectors.suggestion_for_request(
            actor=request.user,
            support_request=support_request,
            days=data.get("jours"),
            max_size=data.get("taille"),
        )
    return render(
        request,
        "missions/teams/suggestion.html",
        {
            "support_request": support_request,
            "form": form,
            "report": report,
            "back_url": request_url(support_request),
        },
        status=form_status(form),
    )


TEAM = "demandes/<uuid:uuid>/equipes/<uuid:team_uuid>/"

urlpatterns: list[URLPattern] = [
    path("demandes/invitations/", team_invitations, name="team_invitations"),
    path("demandes/<uuid:uuid>/positionnement/", positioning_create, name="positioning_create"),
    path(
        "demandes/<uuid:uuid>/positionnement/retrait/",
        positioning_withdraw,
        name="positioning_withdraw",
    ),
    path("demandes/<uuid:uuid>/equipes/", team_list, name="team_list"),
    path("demandes/<uuid:uuid>/equipes/nouvelle/", team_create, name="team_create"),
    path(TEAM, team_detail, name="team_detail"),
    path(TEAM + "inviter/", team_invite, name="team_invite"),
    path(TEAM + "dissoudre/", team_dissolve, name="team_dissolve"),
    path(TEAM + "membres/<slug:slug>/accepter/", team_member_accept, name="team_member_accept"),
    path(TEAM + "membres/<slug:slug>/refuser/", team_member_decline, name="team_member_decline"),
    path(TEAM + "membres/<slug:slug>/retirer/", team_member_remove, name="team_member_remove"),
    path(TEAM + "membres/<slug:slug>/chef-de-file/", team_lead_transfer, name="team_lead_transfer"),
    path("demandes/<uuid:uuid>/suggestion/", team_suggestion, name="team_suggestion"),
]
