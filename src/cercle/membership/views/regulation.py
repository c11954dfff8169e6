"""Regulation pages: the cases one may see, raising a concern, hearing, deciding."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError
from cercle.core.forms import call_service, form_status
from cercle.core.views import paginate
from cercle.membership.enums import RegulationStatus
from cercle.membership.forms.charter import (
    DecisionForm,
    HearingForm,
    RegulationFilterForm,
    RegulationRaiseForm,
)
from cercle.membership.models import RegulationCase
from cercle.membership.policies.charter import (
    can_decide_case,
    can_hear_case,
    can_raise_concern,
    check_can_raise_concern,
    person_of_user,
)
from cercle.membership.selectors import circle as circle_selectors
from cercle.membership.services import regulation as regulation_services


@require_safe
@login_required
def regulation_list(request: HttpRequest) -> HttpResponse:
    form = RegulationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cases = circle_selectors.regulation_case_list(
        actor=request.user, status=filters.get("status", "")
    )
    return render(
        request,
        "membership/regulation/list.html",
        {
            "form": form,
            "page": paginate(request, cases),
            "can_raise": can_raise_concern(request.user),
        },
        status=form_status(form),
    )


@login_required
def regulation_raise(request: HttpRequest) -> HttpResponse:
    check_can_raise_concern(request.user)
    choices = circle_selectors.circle_member_choices(exclude=person_of_user(request.user))
    form = RegulationRaiseForm(request.POST or None, person_choices=choices)
    status = 200
    if request.method == "POST":
        status = 400
        person = (
            circle_selectors.person_by_slug(slug=form.cleaned_data["person"])
            if form.is_valid()
            else None
        )
        if form.is_valid() and person is None:
            form.add_error("person", _("Nobody has this identifier."))
        if person is not None:
            try:
                case = call_service(
                    form,
                    regulation_services.regulation_case_raise,
                    actor=request.user,
                    person=person,
                    concern=form.cleaned_data["concern"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if case is not None:
                    messages.success(
                        request, _("The concern is recorded. A steward will hear the member.")
                    )
                    return redirect(case.get_absolute_url())
    return render(request, "membership/regulation/raise.html", {"form": form}, status=status)


def _render_detail(
    request: HttpRequest,
    case: RegulationCase,
    *,
    hearing_form: Form | None = None,
    decision_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"case": case}
    if case.status == RegulationStatus.RAISED and can_hear_case(request.user, case):
        context["hearing_form"] = hearing_form or HearingForm()
    if case.status == RegulationStatus.HEARING and can_decide_case(request.user, case):
        context["decision_form"] = decision_form or DecisionForm()
    return render(request, "membership/regulation/detail.html", context, status=status)


@require_safe
@login_required
def regulation_detail(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = circle_selectors.regulation_case_get(actor=request.user, case_id=case_id)
    return _render_detail(request, case)


def _step(
    request: HttpRequest, case_id: UUID, form_class: type[Form], run: Any, key: str
) -> HttpResponse:
    case = circle_selectors.regulation_case_get(actor=request.user, case_id=case_id)
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        try:
            done = call_service(form, run, actor=request.user, case=case, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if done is not None:
                messages.success(request, _("Recorded."))
                return redirect(done.get_absolute_url())
    return _render_detail(request, case, status=status, **{key: form})


@login_required
@require_POST
def regulation_hear(request: HttpRequest, case_id: UUID) -> HttpResponse:
    return _step(
        request, case_id, HearingForm, regulation_services.regulation_case_hear, "hearing_form"
    )


@login_required
@require_POST
def regulation_decide(request: HttpRequest, case_id: UUID) -> HttpResponse:
    return _step(
        request, case_id, DecisionForm, regulation_services.regulation_case_decide, "decision_form"
    )
