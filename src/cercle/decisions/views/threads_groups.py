"""Pages: the groups one may read, a group's threads, and stewards' group management."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError, NotFound
from cercle.core.forms import call_service
from cercle.core.models import User
from cercle.core.views import paginate
from cercle.decisions.forms.threads import GroupForm, GroupMemberAddForm
from cercle.decisions.models import Group
from cercle.decisions.policies.groups import (
    can_create_group,
    can_edit_group,
    can_manage_group_members,
    can_post_in_group,
    check_can_create_group,
    check_can_edit_group,
    check_can_manage_group_members,
)
from cercle.decisions.selectors import threads as selectors
from cercle.decisions.services import threads_groups as services


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _run(form: Any, service: Any, **kwargs: Any) -> tuple[Any, int]:
    try:
        done = call_service(form, service, **kwargs)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return None, error.status
    return done, (200 if done is not None else 400)


@require_safe
def group_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "decisions/threads/group_list.html",
        {
            "page": paginate(request, selectors.group_list(actor=request.user)),
            "can_create": can_create_group(request.user),
        },
    )


@require_safe
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_get(actor=request.user, slug=slug)
    return render(
        request,
        "decisions/threads/group_detail.html",
        {
            "group": group,
            "page": paginate(request, selectors.thread_list(actor=request.user, group=group)),
            "can_post": can_post_in_group(request.user, group),
            "can_edit": can_edit_group(request.user, group),
            "can_manage": can_manage_group_members(request.user, group),
        },
    )


def _group_form_page(
    request: HttpRequest, *, group: Group | None, form: GroupForm, status: int
) -> HttpResponse:
    return render(
        request,
        "decisions/threads/group_form.html",
        {"group": group, "form": form},
        status=status,
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    check_can_create_group(request.user)
    form = GroupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            group, status = _run(
                form, services.group_create, actor=request.user, **form.cleaned_data
            )
            if group is not None:
                messages.success(request, _("The group is created."))
                return redirect(group.get_absolute_url())
    return _group_form_page(request, group=None, form=form, status=status)


@login_required
def group_edit(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_get(actor=request.user, slug=slug)
    check_can_edit_group(request.user, group)
    initial = {
        "name": group.name,
        "kind": group.kind,
        "membership_rule": group.membership_rule,
        "visibility": group.visibility,
        "description": group.description,
    }
    form = GroupForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = _run(
                form, services.group_update, actor=request.user, group=group, **form.cleaned_data
            )
            if done is not None:
                messages.success(request, _("The group is changed."))
                return redirect(group.get_absolute_url())
    return _group_form_page(request, group=group, form=form, status=status)


def _members_page(
    request: HttpRequest, group: Group, form: GroupMemberAddForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "decisions/threads/group_members.html",
        {
            "group": group,
            "form": form,
            "page": paginate(request, selectors.group_membership_list(group=group)),
        },
        status=status,
    )


@login_required
def group_members(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_get(actor=request.user, slug=slug)
    check_can_manage_group_members(request.user, group)
    form = GroupMemberAddForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            person = selectors.person_by_slug(slug=form.cleaned_data["person"])
            if person is None:
                form.add_error("person", _("Nobody has this identifier."))
            else:
                done, status = _run(
                    form,
                    services.group_member_add,
                    actor=request.user,
                    group=group,
                    person=person,
                    is_admin=form.cleaned_data["is_admin"],
                )
                if done is not None:
                    messages.success(
                        request, _("%(name)s is listed in the group.") % {"name": person}
                    )
                    return redirect("decisions:group_members", slug=group.slug)
    return _members_page(request, group, form, status)


def _member_step(request: HttpRequest, slug: str, person_slug: str, run: Any) -> HttpResponse:
    group = selectors.group_get(actor=request.user, slug=slug)
    check_can_manage_group_members(request.user, group)
    person = selectors.person_by_slug(slug=person_slug)
    if person is None:
        raise NotFound(_("Nobody has this identifier."))
    try:
        run(group, person)
    except ApplicationError as error:
        if error.status == 403:
            raise
        messages.error(request, error.message)
        return _members_page(request, group, GroupMemberAddForm(), error.status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _members_page(request, group, GroupMemberAddForm(), 400)
    messages.success(request, _("Recorded."))
    return redirect("decisions:group_members", slug=group.slug)


@login_required
@require_POST
def group_member_admin(request: HttpRequest, slug: str, person_slug: str) -> HttpResponse:
    is_admin = request.POST.get("is_admin") == "1"
    return _member_step(
        request,
        slug,
        person_slug,
        lambda group, person: services.group_member_update(
            actor=_user(request), group=group, person=person, is_admin=is_admin
        ),
    )


@login_required
@require_POST
def group_member_remove(request: HttpRequest, slug: str, person_slug: str) -> HttpResponse:
    return _member_step(
        request,
        slug,
        person_slug,
        lambda group, person: services.group_member_remove(
            actor=_user(request), group=group, person=person
        ),
    )


urlpatterns: list[URLPattern] = [
    path("decisions/", group_list, name="group_list"),
    path("decisions/groupes/nouveau/", group_create, name="group_create"),
    path("decisions/groupes/<slug:slug>/", group_detail, name="group_detail"),
    path("decisions/groupes/<slug:slug>/modifier/", group_edit, name="group_edit"),
    path("decisions/groupes/<slug:slug>/membres/", group_members, name="group_members"),
    path(
        "decisions/groupes/<slug:slug>/membres/<slug:person_slug>/role/",
        group_member_admin,
        name="group_member_admin",
    ),
    path(
        "decisions/groupes/<slug:slug>/membres/<slug:person_slug>/retirer/",
        group_member_remove,
        name="group_member_remove",
    ),
]
