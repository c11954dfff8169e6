"""Pages: the association's reading criteria for support letters (stewards edit them)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cercle.core.errors import ApplicationError
from cercle.core.forms import call_service, form_status
from cercle.decisions.forms.letters import CriterionForm
from cercle.decisions.policies.letters import can_manage_criteria, check_can_manage_criteria
from cercle.decisions.selectors import letters as selectors
from cercle.decisions.services import letters_criteria as services


def _render_list(request: HttpRequest, form: CriterionForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "decisions/letters/criteria.html",
        {
            "form": form,
            "criteria": selectors.reading_criterion_list(),
            "can_manage": can_manage_criteria(request.user),
        },
        status=status,
    )


@login_required
def criteria(request: HttpRequest) -> HttpResponse:
    """Everyone signed in reads the criteria; stewards add to them here."""
    if request.method != "POST":
        return _render_list(request, CriterionForm())
    check_can_manage_criteria(request.user)
    form = CriterionForm(request.POST)
    if form.is_valid():
        created = call_service(
            form, services.reading_criterion_create, actor=request.user, **form.cleaned_data
        )
        if created is not None:
            messages.success(request, _("The criterion is added."))
            return redirect("decisions:letter_criteria")
    return _render_list(request, form, form_status(form))


@login_required
def criterion_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    check_can_manage_criteria(request.user)
    criterion = selectors.reading_criterion_get(uuid=uuid)
    form = CriterionForm(
        request.POST or None,
        initial={"title": criterion.title, "description": criterion.description},
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.reading_criterion_update,
            actor=request.user,
            criterion=criterion,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("The criterion is saved."))
            return redirect("decisions:letter_criteria")
    return render(
        request,
        "decisions/letters/criterion_edit.html",
        {"form": form, "criterion": criterion},
        status=form_status(form),
    )


@login_required
@require_POST
def criterion_move(request: HttpRequest, uuid: UUID) -> HttpResponse:
    check_can_manage_criteria(request.user)
    criterion = selectors.reading_criterion_get(uuid=uuid)
    direction = request.POST.get("direction", "")
    try:
        services.reading_criterion_move(
            actor=request.user,  # type: ignore[arg-type]
            criterion=criterion,
            direction=direction,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return _render_list(request, CriterionForm(), error.status)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return _render_list(request, CriterionForm(), 400)
    return redirect("decisions:letter_criteria")


@login_required
@require_POST
def criterion_active(request: HttpRequest, uuid: UUID) -> HttpResponse:
    check_can_manage_criteria(request.user)
    criterion = selectors.reading_criterion_get(uuid=uuid)
    is_active = request.POST.get("is_active") == "1"
    services.reading_criterion_set_active(
        actor=request.user,  # type: ignore[arg-type]
        criterion=criterion,
        is_active=is_active,
    )
    if is_active:
        messages.success(request, _("The criterion is in use again."))
    else:
        messages.success(request, _("The criterion is no longer used for new reviews."))
    return redirect("decisions:letter_criteria")


urlpatterns: list[URLPattern] = [
    path("lettres-de-soutien/criteres/", criteria, name="letter_criteria"),
    path("lettres-de-soutien/criteres/<uuid:uuid>/", criterion_edit, name="letter_criterion_edit"),
    path(
        "lettres-de-soutien/criteres/<uuid:uuid>/deplacer/",
        criterion_move,
        name="letter_criterion_move",
    ),
    path(
        "lettres-de-soutien/criteres/<uuid:uuid>/activer/",
        criterion_active,
        name="letter_criterion_active",
    ),
]
