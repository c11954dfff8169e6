"""Organizations: the list, creation, their page, editing and their people."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.forms import call_service, form_status
from cercle.core.pagecache import cached_page
from cercle.core.views import paginate
from cercle.network import policies, selectors, services
from cercle.network.enums import OrganizationRole
from cercle.network.forms import (
    MemberAddForm,
    MemberRoleForm,
    OrganizationFilterForm,
    OrganizationForm,
)
from cercle.network.models import Organization
from cercle.network.views import actor


@require_safe
@cached_page
def organization_list(request: HttpRequest) -> HttpResponse:
    form = OrganizationFilterForm(request.GET or None, departments=selectors.department_choices())
    filters: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    organizations = selectors.organization_list(
        actor_type=filters.get("actor_type", ""), department=filters.get("department", "")
    )
    return render(
        request,
        "network/organization_list.html",
        {
            "form": form,
            "page": paginate(request, organizations),
            "can_create": policies.can_create_organization(request.user),
        },
        status=form_status(form),
    )


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    policies.check_can_create_organization(request.user)
    data = request.POST if request.method == "POST" else None
    form = OrganizationForm(data)
    if data is not None and form.is_valid():
        organization = call_service(
            form, services.organization_create, actor=request.user, **form.cleaned_data
        )
        if organization is not None:
            messages.success(request, _("The organization is created; you administer it."))
            return redirect(organization.get_absolute_url())
    return render(
        request,
        "network/organization_form.html",
        {"form": form, "organization": None},
        status=form_status(form),
    )


@login_required
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_get(slug=slug)
    policies.check_can_edit_organization(request.user, organization)
    data = request.POST if request.method == "POST" else None
    form = OrganizationForm(
        data,
        initial={
            "name": organization.name,
            "actor_type": organization.actor_type,
            "territory_code": organization.territory_id,
            "siret": organization.siret or "",
            "description": organization.description,
            "website": organization.website,
        },
    )
    if data is not None and form.is_valid():
        saved = call_service(
            form,
            services.organization_update,
            actor=request.user,
            organization=organization,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(request, _("The organization is saved."))
            return redirect(saved.get_absolute_url())
        # The failed call may have changed the object in memory: show the stored one.
        organization = selectors.organization_get(slug=slug)
    return render(
        request,
        "network/organization_form.html",
        {"form": form, "organization": organization},
        status=form_status(form),
    )


def _render_organization(
    request: HttpRequest,
    organization: Organization,
    *,
    add_form: MemberAddForm | None = None,
    action_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = policies.can_manage_organization_people(request.user, organization)
    can_see_people = can_manage or policies.can_view_organization_people(request.user, organization)
    memberships = (
        selectors.organization_memberships(organization=organization) if can_see_people else []
    )
    return render(
        request,
        "network/organization_detail.html",
        {
            "organization": organization,
            "memberships": memberships,
            "can_see_people": can_see_people,
            "can_manage": can_manage,
            "can_edit": policies.can_edit_organization(request.user, organization),
            "can_open_people": policies.can_read_member_pages(request.user),
            "add_form": add_form or (MemberAddForm() if can_manage else None),
            "role_choices": OrganizationRole.choices,
            "action_errors": action_errors or [],
        },
        status=status,
    )


@require_safe
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_organization(request, selectors.organization_get(slug=slug))


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@login_required
@require_POST
def organization_member_add(request: HttpRequest, slug: str) -> HttpResponse:
    organization = selectors.organization_get(slug=slug)
    policies.check_can_manage_organization_people(request.user, organization)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        membership = call_service(
            form,
            services.organization_member_add,
            actor=request.user,
            organization=organization,
            **form.cleaned_data,
        )
        if membership is not None:
            messages.success(
                request,
                _("%(name)s now belongs to the organization.")
                % {"name": membership.person.full_name},
            )
            return redirect(organization.get_absolute_url())
    return _render_organization(request, organization, add_form=form, status=400)


@login_required
@require_POST
def organization_member_role(request: HttpRequest, slug: str, person_id: str) -> HttpResponse:
    organization = selectors.organization_get(slug=slug)
    person = selectors.person_get_by_uuid(uuid=person_id)
    policies.check_can_manage_organization_people(request.user, organization)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.organization_member_set_role(
                actor=actor(request),
                organization=organization,
                person=person,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            return _render_organization(
                request, organization, action_errors=_messages_of(error), status=400
            )
        messages.success(request, _("The role of %(name)s is saved.") % {"name": person.full_name})
        return redirect(organization.get_absolute_url())
    errors = [str(m) for ms in form.errors.values() for m in ms]
    return _render_organization(request, organization, action_errors=errors, status=400)


@login_required
@require_POST
def organization_member_remove(request: HttpRequest, slug: str, person_id: str) -> HttpResponse:
    organization = selectors.organization_get(slug=slug)
    person = selectors.person_get_by_uuid(uuid=person_id)
    leaving = policies.can_edit_profile(request.user, person)
    try:
        services.organization_member_remove(
            actor=actor(request), organization=organization, person=person
        )
    except ValidationError as error:
        return _render_organization(
            request, organization, action_errors=_messages_of(error), status=400
        )
    if leaving:
        messages.success(
            request, _("You left %(organization)s.") % {"organization": organization.name}
        )
        return redirect("network:profile")
    messages.success(
        request,
        _("%(name)s no longer belongs to the organization.") % {"name": person.full_name},
    )
    return redirect(organization.get_absolute_url())
