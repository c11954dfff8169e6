"""Pages: contributions in kind (mine, declare, the stewards' queue) and animation time."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError
from cercle.core.forms import call_service, form_status
from cercle.core.views import paginate
from cercle.membership.viewer import viewer_for
from cercle.reciprocity.enums import InKindStatus
from cercle.reciprocity.forms.policies import (
    AnimationForm,
    InKindForm,
    InKindRefuseForm,
    InKindValidateForm,
)
from cercle.reciprocity.policies import policies
from cercle.reciprocity.selectors import policies_in_kind as selectors
from cercle.reciprocity.services import policies_in_kind as services

# ---------------------------------------------------------------- mine


def _in_kind_form(request: HttpRequest, person: Any) -> InKindForm:
    return InKindForm(
        request.POST or None,
        items=selectors.in_kind_item_choices(person=person),
        commons=selectors.common_choices(),
        missions=selectors.person_mission_choices(person=person),
        initial={"done_on": timezone.localdate()},
    )


@login_required
def in_kind_mine(request: HttpRequest) -> HttpResponse:
    entries = selectors.in_kind_list_mine(actor=request.user)
    person = viewer_for(request.user).person
    form = _in_kind_form(request, person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.in_kind_declare,
            actor=request.user,
            kind=data["kind"],
            hours=data["hours"],
            description=data["description"],
            done_on=data["done_on"],
            contract_choice=selectors.contract_choice_by_item(
                person=person,  # type: ignore[arg-type]
                item_uuid=data["contract_item"],
            ),
            common=selectors.common_by_slug(data["common"]),
            mission=selectors.mission_by_uuid(data["mission"]),
        )
        if done is not None:
            messages.success(request, _("Thank you: a steward will validate these hours."))
            return redirect("reciprocity:policies_in_kind")
    page = paginate(request, entries)
    rate = selectors.hour_value_setting()
    selectors.with_valuation(page, rate)  # type: ignore[arg-type]
    return render(
        request,
        "reciprocity/policies/in_kind.html",
        {
            "form": form,
            "page": page,
            "validated_hours": selectors.in_kind_hours(person=person),
            "can_review": policies.can_review_in_kind(request.user),
        },
        status=form_status(form),
    )


# ---------------------------------------------------------------- the stewards' queue


def _render_queue(
    request: HttpRequest, *, forms: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    wanted = request.GET.get("statut", InKindStatus.PENDING)
    if wanted not in InKindStatus.values and wanted != "tous":
        wanted = InKindStatus.PENDING
    entries = selectors.in_kind_list(actor=request.user, status="" if wanted == "tous" else wanted)
    page = paginate(request, entries)
    selectors.with_valuation(page, selectors.hour_value_setting())  # type: ignore[arg-type]
    bound = forms or {}
    for entry in page:  # type: ignore[attr-defined]
        key = str(entry.uuid)
        entry.validate_form = bound.get(key + ":validate") or InKindValidateForm(
            auto_id=_auto_id(entry.uuid, "v")
        )
        entry.refuse_form = bound.get(key + ":refuse") or InKindRefuseForm(
            auto_id=_auto_id(entry.uuid, "r")
        )
    return render(
        request,
        "reciprocity/policies/in_kind_queue.html",
        {
            "page": page,
            "wanted": wanted,
            "statuses": [(s.value, s.label) for s in InKindStatus],
            "me": viewer_for(request.user).person,
        },
        status=status,
    )


@require_safe
@login_required
def in_kind_queue(request: HttpRequest) -> HttpResponse:
    return _render_queue(request)


def _auto_id(uuid: UUID, suffix: str) -> str:
    return f"id_{uuid.hex[:12]}_{suffix}_%s"


def _decide(request: HttpRequest, uuid: UUID, form: Form, run: Any, key: str) -> HttpResponse:
    entry = selectors.in_kind_get(actor=request.user, uuid=uuid)
    status = 400
    if form.is_valid():
        try:
            done = call_service(form, run, actor=request.user, entry=entry, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if done is not None:
                messages.success(request, _("Recorded."))
                return redirect("reciprocity:policies_in_kind_queue")
    return _render_queue(request, forms={f"{entry.uuid}:{key}": form}, status=status)


@login_required
@require_POST
def in_kind_validate(request: HttpRequest, uuid: UUID) -> HttpResponse:
    form = InKindValidateForm(request.POST, auto_id=_auto_id(uuid, "v"))
    return _decide(request, uuid, form, services.in_kind_validate, "validate")


@login_required
@require_POST
def in_kind_refuse(request: HttpRequest, uuid: UUID) -> HttpResponse:
    form = InKindRefuseForm(request.POST, auto_id=_auto_id(uuid, "r"))
    return _decide(request, uuid, form, services.in_kind_refuse, "refuse")


# ---------------------------------------------------------------- animation time


@login_required
def animation(request: HttpRequest) -> HttpResponse:
    year_text = request.GET.get("annee", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    entries = selectors.animation_time_list(actor=request.user, year=year)
    can_log = policies.can_log_animation(request.user)
    form = None
    if can_log:
        form = AnimationForm(
            request.POST or None,
            missions=selectors.recent_mission_choices(),
            organizations=selectors.organization_choices(),
            initial={"done_on": timezone.localdate()},
        )
    elif request.method == "POST":
        policies.check_can_log_animation(request.user)
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.animation_time_log,
            actor=request.user,
            project=data["project"],
            mission=selectors.mission_by_uuid(data["mission"]),
            organization=selectors.organization_by_slug(data["organization"]),
            hours=data["hours"],
            done_on=data["done_on"],
            note=data["note"],
        )
        if done is not None:
            messages.success(request, _("Animation time recorded."))
            return redirect("reciprocity:policies_animation")
    return render(
        request,
        "reciprocity/policies/animation.html",
        {
            "form": form,
            "page": paginate(request, entries),
            "year": year,
            "total": selectors.animation_total(year=year),
        },
        status=form_status(form) if form is not None else 200,
    )


urlpatterns: list[URLPattern] = [
    path("contributions/en-nature/", in_kind_mine, name="policies_in_kind"),
    path("contributions/en-nature/a-valider/", in_kind_queue, name="policies_in_kind_queue"),
    path(
        "contributions/en-nature/<uuid:uuid>/valider/",
        in_kind_validate,
        name="policies_in_kind_validate",
    ),
    path(
        "contributions/en-nature/<uuid:uuid>/refuser/",
        in_kind_refuse,
        name="policies_in_kind_refuse",
    ),
    path("contributions/animation/", animation, name="policies_animation"),
]
