"""A person's own profile, people's pages and engagement levels."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.forms import call_service, form_status
from cercle.network import policies, selectors, services
from cercle.network.enums import EngagementLevel
from cercle.network.forms import LevelForm, ProfileForm
from cercle.network.models import Person


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = selectors.person_for_user(user=request.user)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(
        data,
        initial={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "bio": person.bio,
            "territory_code": person.territory_id or "",
        },
    )
    if data is not None and form.is_valid():
        saved = call_service(
            form,
            services.person_update_profile,
            actor=request.user,
            person=person,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(request, _("Your profile is saved."))
            return redirect("network:profile")
    return render(
        request,
        "network/profile.html",
        {"form": form, "person": person, "memberships": person.memberships.all()},
        status=form_status(form),
    )


def _render_person(
    request: HttpRequest, person: Person, *, level_form: LevelForm | None = None, status: int = 200
) -> HttpResponse:
    can_set_level = policies.can_set_engagement_level(request.user, person)
    if level_form is None and can_set_level:
        level_form = LevelForm(
            initial={"level": person.engagement_level or EngagementLevel.SYMPATHISANT}
        )
    return render(
        request,
        "network/person_detail.html",
        {
            "person": person,
            "memberships": person.memberships.all(),
            "consultant": getattr(person, "consultant", None),
            "level_form": level_form if can_set_level else None,
            "is_self": policies.can_edit_profile(request.user, person),
        },
        status=status,
    )


@require_safe
@login_required
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = selectors.person_get(slug=slug)
    policies.check_can_view_person(request.user, person)
    return _render_person(request, person)


@login_required
@require_POST
def person_set_level(request: HttpRequest, slug: str) -> HttpResponse:
    person = selectors.person_get(slug=slug)
    policies.check_can_set_engagement_level(request.user, person)
    form = LevelForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            services.person_set_engagement_level,
            actor=request.user,
            person=person,
            level=form.cleaned_data["level"],
        )
        if done is not None:
            messages.success(
                request,
                _("%(name)s is now: %(level)s.")
                % {"name": person.full_name, "level": person.get_engagement_level_display()},
            )
            return redirect(person.get_absolute_url())
    return _render_person(request, person, level_form=form, status=400)
