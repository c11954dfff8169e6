"""A person's consultant profile and references; only the person themself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cercle.core.forms import call_service, form_status
from cercle.network import selectors, services
from cercle.network.enums import Availability
from cercle.network.forms import ConsultantProfileForm, ReferenceForm
from cercle.network.views import actor


@login_required
def consultant_profile(request: HttpRequest) -> HttpResponse:
    person = services.person_of(actor(request))
    profile = selectors.consultant_profile_get(person=person)
    initial: dict[str, object] = {"availability": Availability.AVAILABLE}
    if profile is not None:
        initial = {
            "headline": profile.headline,
            "skills": [s.slug for s in profile.skills.all()],
            "day_rate_min": profile.day_rate_min,
            "day_rate_max": profile.day_rate_max,
            "availability": profile.availability,
            "days_per_month": profile.days_per_month,
            "territory_codes": selectors.territory_codes_text(profile.territories.all()),
        }
    data = request.POST if request.method == "POST" else None
    form = ConsultantProfileForm(
        data, initial=initial, skill_choices=selectors.skill_choices(profile=profile)
    )
    if data is not None and form.is_valid():
        values = dict(form.cleaned_data)
        values["territory_codes"] = services.split_codes(values["territory_codes"])
        saved = call_service(
            form, services.consultant_profile_update, actor=request.user, person=person, **values
        )
        if saved is not None:
            messages.success(request, _("Your consultant profile is saved."))
            return redirect("network:consultant_profile")
    return render(
        request,
        "network/consultant_profile.html",
        {
            "form": form,
            "profile": profile,
            "references": list(profile.references.all()) if profile else [],
        },
        status=form_status(form),
    )


@login_required
def reference_create(request: HttpRequest) -> HttpResponse:
    person = services.person_of(actor(request))
    data = request.POST if request.method == "POST" else None
    form = ReferenceForm(data)
    if data is not None and form.is_valid():
        reference = call_service(
            form,
            services.consultant_reference_create,
            actor=request.user,
            person=person,
            **form.cleaned_data,
        )
        if reference is not None:
            messages.success(request, _("The reference is added."))
            return redirect("network:consultant_profile")
    return render(
        request,
        "network/reference_form.html",
        {"form": form, "reference": None},
        status=form_status(form),
    )


@login_required
def reference_edit(request: HttpRequest, reference_id: str) -> HttpResponse:
    person = services.person_of(actor(request))
    reference = selectors.consultant_reference_get(person=person, uuid=reference_id)
    data = request.POST if request.method == "POST" else None
    form = ReferenceForm(
        data,
        initial={
            "client": reference.client,
            "year": reference.year,
            "summary": reference.summary,
            "is_public": reference.is_public,
        },
    )
    if data is not None and form.is_valid():
        saved = call_service(
            form,
            services.consultant_reference_update,
            actor=request.user,
            reference=reference,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(request, _("The reference is saved."))
            return redirect("network:consultant_profile")
    return render(
        request,
        "network/reference_form.html",
        {"form": form, "reference": reference},
        status=form_status(form),
    )


@login_required
@require_POST
def reference_delete(request: HttpRequest, reference_id: str) -> HttpResponse:
    person = services.person_of(actor(request))
    reference = selectors.consultant_reference_get(person=person, uuid=reference_id)
    services.consultant_reference_delete(actor=actor(request), reference=reference)
    messages.success(request, _("The reference is deleted."))
    return redirect("network:consultant_profile")
