"""Pages of mission follow-up: the list, a mission's timeline and steps, its documentation,
the client's satisfaction survey and the stewards' quality review."""

from __future__ import annotations

from collections.abc import Callable
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
from cercle.missions.enums import MissionStatus
from cercle.missions.forms.follow_up import (
    CommonsUseFormSet,
    DocumentationForm,
    MissionDeliverForm,
    MissionFilterForm,
    MissionStartForm,
    MissionUpdateForm,
    QualityReviewForm,
    SatisfactionForm,
)
from cercle.missions.models import Mission, SupportRequest
from cercle.missions.policies import follow_up as policies
from cercle.missions.selectors import follow_up as selectors
from cercle.missions.services import follow_up as services
from cercle.missions.services import follow_up_feedback as feedback
from cercle.reciprocity.selectors.policies import mission_contribution_section

# ---------------------------------------------------------------- list and detail


@require_safe
@login_required
def mission_list(request: HttpRequest) -> HttpResponse:
    form = MissionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    missions = selectors.mission_list(actor=request.user, status=filters.get("status", ""))
    return render(
        request,
        "missions/follow_up/list.html",
        {
            "form": form,
            "page": paginate(request, missions),
            "review_year": timezone.localdate().year,
            "can_review": policies.can_review_quality(request.user),
        },
        status=form_status(form),
    )


def _actions(request: HttpRequest, mission: Mission, forms: dict[str, Form]) -> dict[str, Any]:
    """The forms of the steps this viewer may take now (bound ones keep their errors)."""
    user = request.user
    status = mission.status
    context: dict[str, Any] = {}
    if status == MissionStatus.AWARDED and policies.can_start(user, mission):
        context["start_form"] = forms.get("start_form") or MissionStartForm(prefix="start")
    if status == MissionStatus.STARTED and policies.can_post_update(user, mission):
        context["update_form"] = forms.get("update_form") or MissionUpdateForm(prefix="update")
    if status == MissionStatus.STARTED and policies.can_deliver(user, mission):
        context["deliver_form"] = forms.get("deliver_form") or MissionDeliverForm(prefix="deliver")
    context["can_document"] = status == MissionStatus.DELIVERED and policies.can_document(
        user, mission
    )
    context["can_close"] = status == MissionStatus.DOCUMENTED and policies.can_close(user, mission)
    return context


def _render_detail(
    request: HttpRequest,
    mission: Mission,
    *,
    forms: dict[str, Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "mission": mission,
        "team": list(mission.team.members.all()),
        "updates": list(mission.updates.all()),
        "commons_used": list(mission.commons_used.all()),
        "documentation": getattr(mission, "documentation", None),
        "confidential": policies.can_view_confidential(request.user, mission),
        "error": error,
        **_actions(request, mission, forms or {}),
        **mission_contribution_section(actor=request.user, mission=mission),
    }
    if context["confidential"]:
        context["survey"] = getattr(mission, "survey", None)
        context["reviews"] = list(mission.quality_reviews.all())
    return render(request, "missions/follow_up/detail.html", context, status=status)


@require_safe
@login_required
def mission_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    mission = selectors.mission_get(actor=request.user, uuid=uuid)
    return _render_detail(request, mission)


STEP_FORMS: dict[str, type[Form]] = {
    "start_form": MissionStartForm,
    "update_form": MissionUpdateForm,
    "deliver_form": MissionDeliverForm,
}


def _step(
    request: HttpRequest,
    uuid: UUID,
    key: str,
    run: Callable[..., Any],
    done_message: str,
) -> HttpResponse:
    mission = selectors.mission_get(actor=request.user, uuid=uuid)
    prefix = key.removesuffix("_form")
    form = STEP_FORMS[key](request.POST, prefix=prefix)
    status = 400
    error = ""
    if form.is_valid():
        try:
            done = call_service(
                form, run, actor=request.user, mission=mission, text=form.cleaned_data["text"]
            )
        except ApplicationError as refusal:
            # Show the refusal with the page as it is now (another step may have won).
            mission = selectors.mission_get(actor=request.user, uuid=uuid)
            return _render_detail(request, mission, error=refusal.message, status=refusal.status)
        if done is not None:
            messages.success(request, done_message)
            return redirect(mission.get_absolute_url())
    return _render_detail(request, mission, forms={key: form}, error=error, status=status)


@login_required
@require_POST
def mission_start(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _step(request, uuid, "start_form", services.mission_start, _("The mission has started."))


@login_required
@require_POST
def mission_update(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _step(
        request, uuid, "update_form", services.mission_update_post, _("Your update is posted.")
    )


@login_required
@require_POST
def mission_deliver(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _step(
        request,
        uuid,
        "deliver_form",
        services.mission_deliver,
        _("The delivery is recorded and the client received the satisfaction survey."),
    )


@login_required
@require_POST
def mission_close(request: HttpRequest, uuid: UUID) -> HttpResponse:
    mission = selectors.mission_get(actor=request.user, uuid=uuid)
    services.mission_close(actor=request.user, mission=mission)  # type: ignore[arg-type]
    messages.success(request, _("The mission is closed."))
    return redirect(mission.get_absolute_url())


# ---------------------------------------------------------------- documentation


def _commons_uses(formset: Any, by_slug: dict[str, Any]) -> list[services.CommonsUseInput]:
    uses = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        slug = data.get("common") or ""
        how = (data.get("how_used") or "").strip()
        if not slug:
            if how:
                form.add_error("common", _("Choose the common."))
            continue
        common = by_slug.get(slug)
        if common is None:
            form.add_error("common", _("Select a valid choice."))
            continue
        uses.append(services.CommonsUseInput(common, how, data.get("given_back") or ""))
    return uses


@login_required
def mission_document(request: HttpRequest, uuid: UUID) -> HttpResponse:
    mission = selectors.mission_get(actor=request.user, uuid=uuid)
    policies.check_can_document(request.user, mission)
    choices = selectors.common_choices()
    lines = selectors.offer_commons_lines(mission=mission)
    initial = [{"common": line.common.slug} for line in lines]
    form = DocumentationForm(request.POST or None)
    formset = CommonsUseFormSet(
        request.POST or None,
        prefix="commons",
        initial=initial,
        form_kwargs={"common_choices": choices},
    )
    status = 200
    if request.method == "POST":
        status = 400
        form_ok = form.is_valid()
        formset_ok = formset.is_valid()
        uses = _commons_uses(formset, selectors.commons_by_slug([c for c, _n in choices]))
        rows_ok = not any(f.errors for f in formset.forms)
        if form_ok and formset_ok and rows_ok:
            try:
                done = call_service(
                    form,
                    services.mission_document,
                    actor=request.user,
                    mission=mission,
                    commons_used=uses,
                    **form.cleaned_data,
                )
            except ApplicationError as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                if done is not None:
                    messages.success(request, _("The mission is documented. Thank you!"))
                    return redirect(mission.get_absolute_url())
    return render(
        request,
        "missions/follow_up/document.html",
        {"mission": mission, "form": form, "formset": formset, "budgeted": lines},
        status=status,
    )


# ---------------------------------------------------------------- satisfaction survey


def mission_survey(request: HttpRequest, uuid: UUID, token: str) -> HttpResponse:
    """The client's questionnaire, behind a signed link, without an account."""
    mission = selectors.mission_for_survey(uuid=uuid)
    survey = feedback.survey_for_token(mission=mission, token=token)
    if survey.answered_at is not None:
        return render(
            request,
            "missions/follow_up/survey_done.html",
            {"mission": mission, "already": True},
            status=409,
        )
    form = SatisfactionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = call_service(
                    form,
                    feedback.satisfaction_survey_answer,
                    mission=mission,
                    token=token,
                    **form.cleaned_data,
                )
            except ApplicationError as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                if done is not None:
                    return render(
                        request, "missions/follow_up/survey_done.html", {"mission": mission}
                    )
    return render(
        request,
        "missions/follow_up/survey.html",
        {"mission": mission, "form": form},
        status=status,
    )


# ---------------------------------------------------------------- quality review


def _review_rows(
    request: HttpRequest, year: int, bound: tuple[str, Form] | None = None
) -> tuple[Any, list[tuple[Mission, Any, Form | None]]]:
    page: Any = paginate(request, selectors.quality_review_missions(actor=request.user, year=year))
    rows = []
    for mission in page:
        review = mission.year_reviews[0] if mission.year_reviews else None
        form: Form | None = None
        if review is None and policies.can_review_quality(request.user, mission):
            if bound is not None and bound[0] == str(mission.uuid):
                form = bound[1]
            else:
                form = QualityReviewForm(prefix=str(mission.uuid))
        rows.append((mission, review, form))
    return page, rows


def _render_review(
    request: HttpRequest,
    year: int,
    *,
    bound: tuple[str, Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    policies.check_can_review_quality(request.user)
    if year not in feedback.quality_review_years():
        status = 404
        return render(
            request,
            "core/error.html",
            {"message": _("Choose a year that has begun."), "status": 404},
            status=404,
        )
    page, rows = _review_rows(request, year, bound)
    return render(
        request,
        "missions/follow_up/quality_review.html",
        {
            "year": year,
            "page": page,
            "rows": rows,
            "error": error,
            "previous_year": year - 1,
            "next_year": year + 1 if year + 1 in feedback.quality_review_years() else None,
        },
        status=status,
    )


@require_safe
@login_required
def quality_review(request: HttpRequest, year: int) -> HttpResponse:
    return _render_review(request, year)


@require_safe
@login_required
def quality_review_current(request: HttpRequest) -> HttpResponse:
    return redirect("missions:quality_review", year=timezone.localdate().year)


@login_required
@require_POST
def quality_review_record(request: HttpRequest, year: int, uuid: UUID) -> HttpResponse:
    mission = selectors.mission_get(actor=request.user, uuid=uuid)
    form = QualityReviewForm(request.POST, prefix=str(mission.uuid))
    status = 400
    if form.is_valid():
        try:
            done = call_service(
                form,
                feedback.quality_review_record,
                actor=request.user,
                mission=mission,
                year=year,
                **form.cleaned_data,
            )
        except ApplicationError as refusal:
            return _render_review(request, year, error=refusal.message, status=refusal.status)
        if done is not None:
            messages.success(request, _("The review is recorded."))
            return redirect("missions:quality_review", year=year)
    return _render_review(request, year, bound=(str(mission.uuid), form), status=status)


# ---------------------------------------------------------------- the request page


def mission_section(
    request: HttpRequest, support_request: SupportRequest, viewer: Any
) -> dict[str, object]:
    """Context for this topic's part of the request page (`missions/requests/_follow_up.html`)."""
    mission = selectors.mission_for_request(actor=request.user, support_request=support_request)
    return {"mission": mission}


urlpatterns: list[URLPattern] = [
    path("missions/", mission_list, name="mission_list"),
    path("missions/revue-qualite/", quality_review_current, name="quality_review_current"),
    path("missions/revue-qualite/<int:year>/", quality_review, name="quality_review"),
    path(
        "missions/revue-qualite/<int:year>/<uuid:uuid>/",
        quality_review_record,
        name="quality_review_record",
    ),
    path("missions/<uuid:uuid>/", mission_detail, name="mission_detail"),
    path("missions/<uuid:uuid>/demarrer/", mission_start, name="mission_start"),
    path("missions/<uuid:uuid>/nouvelles/", mission_update, name="mission_update"),
    path("missions/<uuid:uuid>/livraison/", mission_deliver, name="mission_deliver"),
    path("missions/<uuid:uuid>/documentation/", mission_document, name="mission_document"),
    path("missions/<uuid:uuid>/cloture/", mission_close, name="mission_close"),
    path("missions/<uuid:uuid>/satisfaction/<str:token>/", mission_survey, name="mission_survey"),
]
