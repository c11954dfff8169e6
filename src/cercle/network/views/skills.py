"""The skills taxonomy: public list; stewards create, edit and deactivate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.forms import call_service, form_status
from cercle.core.views import paginate
from cercle.network import policies, selectors, services
from cercle.network.forms import SkillEditForm, SkillForm
from cercle.network.views import actor


@require_safe
def skill_list(request: HttpRequest) -> HttpResponse:
    can_manage = policies.can_manage_skills(request.user)
    skills = selectors.skill_list(include_inactive=can_manage)
    return render(
        request,
        "network/skill_list.html",
        {"page": paginate(request, skills), "can_manage": can_manage},
    )


@login_required
def skill_create(request: HttpRequest) -> HttpResponse:
    policies.check_can_manage_skills(request.user)
    data = request.POST if request.method == "POST" else None
    form = SkillForm(data)
    if data is not None and form.is_valid():
        skill = call_service(form, services.skill_create, actor=request.user, **form.cleaned_data)
        if skill is not None:
            messages.success(request, _("The skill “%(name)s” is added.") % {"name": skill.name})
            return redirect("network:skill_list")
    return render(
        request,
        "network/skill_form.html",
        {"form": form, "skill": None},
        status=form_status(form),
    )


@login_required
def skill_edit(request: HttpRequest, slug: str) -> HttpResponse:
    policies.check_can_manage_skills(request.user)
    skill = selectors.skill_get(slug=slug)
    data = request.POST if request.method == "POST" else None
    form = SkillEditForm(
        data,
        initial={
            "name": skill.name,
            "description": skill.description,
            "is_major": skill.is_major,
            "is_active": skill.is_active,
        },
    )
    if data is not None and form.is_valid():
        saved = call_service(
            form, services.skill_update, actor=request.user, skill=skill, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, _("The skill “%(name)s” is saved.") % {"name": saved.name})
            return redirect("network:skill_list")
        skill = selectors.skill_get(slug=slug)
    return render(
        request,
        "network/skill_form.html",
        {"form": form, "skill": skill},
        status=form_status(form),
    )


@login_required
@require_POST
def skill_deactivate(request: HttpRequest, slug: str) -> HttpResponse:
    policies.check_can_manage_skills(request.user)
    skill = selectors.skill_get(slug=slug)
    services.skill_deactivate(actor=actor(request), skill=skill)
    messages.success(
        request,
        _("The skill “%(name)s” is deactivated: consultants can no longer choose it.")
        % {"name": skill.name},
    )
    return redirect("network:skill_list")
