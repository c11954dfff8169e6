"""Pages of the selection: the client's choice, the evaluation, results and award."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError, Conflict, NotAllowed
from cercle.core.forms import call_service
from cercle.core.pagecache import cached_page
from cercle.core.uploads import download_response
from cercle.missions.enums import RequestStatus, SelectionMode
from cercle.missions.forms.selection import (
    AppointForm,
    ChoiceWithReasonsForm,
    ScoresForm,
    TiesForm,
)
from cercle.missions.models import Evaluator, SupportRequest
from cercle.missions.policies.common import viewer as viewer_of
from cercle.missions.policies.selection import (
    can_run_selection,
    can_see_progress,
    can_see_results,
    check_can_see_results,
)
from cercle.missions.selectors import selection as selectors
from cercle.missions.services import selection as services
from cercle.missions.services import selection_award as award_services


def _run(form: forms.BaseForm, service: Callable[..., Any], /, **kwargs: Any) -> tuple[Any, int]:
    """Call a service: (result, 200) or (None, 400/403/409) with the refusal on the form."""
    try:
        result = call_service(form, service, **kwargs)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return None, error.status
    return result, (200 if result is not None else 400)


def _offer_choices(request: SupportRequest, *, with_team: bool) -> list[tuple[str, str]]:
    return [
        (
            str(o.uuid),
            _("Offer %(label)s – %(team)s – %(price)s € HT")
            % {"label": o.label, "team": o.team.name, "price": o.price_ht}
            if with_team
            else _("Offer %(label)s") % {"label": o.label},
        )
        for o in selectors.submitted_offers(request=request)
    ]


# ---------------------------------------------------------------- the client's choice


def client_choice(request: HttpRequest, uuid: UUID, token: str) -> HttpResponse:
    """No login: the signed link is the key. A wrong or old link is a 403 page."""
    support_request = selectors.request_get(uuid=uuid)
    award_services.client_token_check(request=support_request, token=token)
    award = selectors.award_of(request=support_request)
    form = ChoiceWithReasonsForm(
        request.POST or None, offer_choices=_offer_choices(support_request, with_team=True)
    )
    status = 200
    if request.method == "POST" and award is None:
        status = 400
        if form.is_valid():
            done, status = _run(
                form,
                award_services.award_client,
                token=token,
                request=support_request,
                offer_uuid=form.cleaned_data["offer"],
                reasons=form.cleaned_data["reasons"],
            )
            if done is not None:
                award = selectors.award_of(request=support_request)
                form = None  # type: ignore[assignment]
                status = 200
    elif request.method == "POST":
        status = 409
    return render(
        request,
        "missions/selection/client_choice.html",
        {
            "support_request": support_request,
            "offers": selectors.client_offers(request=support_request),
            "form": form,
            "award": award,
            "deadline_passed": support_request.deadline_passed(),
        },
        status=status,
    )


@login_required
@require_POST
def client_link_send(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(uuid=uuid)
    award_services.client_link_send(actor=request.user, request=support_request)  # type: ignore[arg-type]
    messages.success(
        request,
        _("The link was sent to %(email)s.") % {"email": support_request.contact_email},
    )
    return redirect(support_request.get_absolute_url())


# ---------------------------------------------------------------- the evaluation


def _evaluation_context(
    request: HttpRequest, support_request: SupportRequest, **forms_: Any
) -> dict[str, Any]:
    user = request.user
    person = viewer_of(user).person
    evaluator = selectors.evaluator_for(person=person, request=support_request)
    context: dict[str, Any] = {
        "support_request": support_request,
        "deadline_passed": support_request.deadline_passed(),
        "evaluator": None,
    }
    if evaluator is not None:
        # Every access re-checks conflicts; a conflicted evaluator gets a 403 and an entry.
        services.evaluation_access(actor=user, evaluator=evaluator)  # type: ignore[arg-type]
        context["evaluator"] = evaluator
        context.update(_evaluator_context(support_request, evaluator, **forms_))
    if can_see_progress(user, support_request):
        context.update(_steward_context(support_request, **forms_))
    elif evaluator is None:
        raise NotAllowed(_("The evaluation is open to its evaluators and to stewards."))
    return context


def _evaluator_context(
    support_request: SupportRequest, evaluator: Evaluator, **forms_: Any
) -> dict[str, Any]:
    if not support_request.deadline_passed():
        return {}
    if evaluator.ties_declared_at is None:
        teams = services.bidding_teams(support_request)
        return {"ties_form": forms_.get("ties_form") or TiesForm(teams=teams)}
    sheet = selectors.evaluation_sheet(request=support_request, evaluator=evaluator)
    current = {
        (label, position): score.mark for label, position, score in sheet.marks_by_position()
    }
    scores_form = forms_.get("scores_form") or ScoresForm(
        offers=sheet.anonymised, criteria=sheet.criteria, current=current
    )
    return {
        "offers": sheet.anonymised,
        "criteria": sheet.criteria,
        "scores_form": scores_form,
        "can_score": evaluator.submitted_at is None and support_request.revealed_at is None,
        "missing": len(sheet.missing()) if not evaluator.submitted_at else 0,
        "submit_form": forms_.get("submit_form") or forms.Form(),
    }


def _steward_context(support_request: SupportRequest, **forms_: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "is_steward": True,
        "evaluators": list(selectors.evaluator_list(request=support_request)),
    }
    open_ = (
        support_request.status == RequestStatus.QUALIFIED
        and support_request.selection_mode == SelectionMode.DELEGATED
    )
    if open_ and support_request.revealed_at is None:
        context["appoint_form"] = forms_.get("appoint_form") or AppointForm(
            person_choices=selectors.member_choices(request=support_request)
        )
    if support_request.revealed_at is not None:
        context["results"] = selectors.results_compute(request=support_request)
        if open_:
            context["award_form"] = forms_.get("award_form") or ChoiceWithReasonsForm(
                offer_choices=_offer_choices(support_request, with_team=True)
            )
    return context


def _render_evaluation(
    request: HttpRequest, support_request: SupportRequest, status: int = 200, **forms_: Any
) -> HttpResponse:
    context = _evaluation_context(request, support_request, **forms_)
    return render(request, "missions/selection/evaluation.html", context, status=status)


@require_safe
@login_required
@cached_page
def evaluation(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _render_evaluation(request, selectors.request_get(uuid=uuid))


def _own_evaluator(request: HttpRequest, support_request: SupportRequest) -> Evaluator:
    return services.evaluation_access_for(actor=request.user, request=support_request)  # type: ignore[arg-type]


@require_safe
@login_required
def evaluation_file(request: HttpRequest, uuid: UUID, label: str) -> FileResponse:
    """An offer's anonymised method file, for its evaluators (conflicts checked first)."""
    support_request = selectors.request_get(uuid=uuid)
    evaluator = _own_evaluator(request, support_request)
    if evaluator.ties_declared_at is None or not support_request.deadline_passed():
        raise NotAllowed(_("Declare your ties to each team before you see the offers."))
    fieldfile, filename = selectors.anonymised_file(request=support_request, label=label)
    return download_response(fieldfile, filename=filename)


@login_required
@require_POST
def evaluator_appoint(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(uuid=uuid)
    if not can_run_selection(request.user, support_request):
        raise NotAllowed(_("Only stewards run the selection."))
    form = AppointForm(
        request.POST, person_choices=selectors.member_choices(request=support_request)
    )
    status = 400
    if form.is_valid():
        person = selectors.person_by_slug(slug=form.cleaned_data["person"])
        done, status = _run(
            form,
            services.evaluator_appoint,
            actor=request.user,
            request=support_request,
            person=person,
        )
        if done is not None:
            messages.success(request, _("The evaluator is appointed and told by e-mail."))
            return redirect("missions:evaluation", uuid=uuid)
    return _render_evaluation(request, support_request, status=status, appoint_form=form)


@login_required
@require_POST
def ties_declare(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(uuid=uuid)
    evaluator = _own_evaluator(request, support_request)
    form = TiesForm(request.POST, teams=services.bidding_teams(support_request))
    status = 400
    if form.is_valid():
        done, status = _run(
            form, services.ties_declare, actor=request.user, evaluator=evaluator, ties=form.ties()
        )
        if done is not None:
            if done.conflicted_at:
                messages.warning(
                    request,
                    _("Thank you. Because of the declared tie, you cannot evaluate this request."),
                )
                return redirect(support_request.get_absolute_url())
            messages.success(request, _("Your ties are declared: the offers are open to you."))
            return redirect("missions:evaluation", uuid=uuid)
    return _render_evaluation(request, support_request, status=status, ties_form=form)


@login_required
@require_POST
def scores_set(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(uuid=uuid)
    evaluator = _own_evaluator(request, support_request)
    form = ScoresForm(
        request.POST,
        offers=selectors.anonymised_offers(request=support_request),
        criteria=selectors.criteria(request=support_request),
    )
    status = 400
    if form.is_valid():
        done, status = _run(
            form, services.score_set, actor=request.user, evaluator=evaluator, marks=form.marks()
        )
        if done is not None:
            messages.success(request, _("Your marks are saved."))
            return redirect("missions:evaluation", uuid=uuid)
    return _render_evaluation(request, support_request, status=status, scores_form=form)


@login_required
@require_POST
def evaluation_submit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(uuid=uuid)
    evaluator = _own_evaluator(request, support_request)
    form = forms.Form(request.POST)
    done, status = _run(form, services.evaluation_submit, actor=request.user, evaluator=evaluator)
    if done is not None:
        messages.success(request, _("Your evaluation is submitted. Thank you."))
        return redirect("missions:evaluation", uuid=uuid)
    return _render_evaluation(request, support_request, status=status, submit_form=form)


@login_required
@require_POST
def award(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(uuid=uuid)
    if not can_run_selection(request.user, support_request):
        raise NotAllowed(_("Only stewards run the selection."))
    form = ChoiceWithReasonsForm(
        request.POST, offer_choices=_offer_choices(support_request, with_team=True)
    )
    status = 400
    if form.is_valid():
        done, status = _run(
            form,
            award_services.award_delegated,
            actor=request.user,
            request=support_request,
            offer_uuid=form.cleaned_data["offer"],
            reasons=form.cleaned_data["reasons"],
        )
        if done is not None:
            messages.success(request, _("The request is awarded; every bidder is told."))
            return redirect(support_request.get_absolute_url())
    if support_request.revealed_at is None:
        raise Conflict(_("Every evaluator must submit before the award."))
    return _render_evaluation(request, support_request, status=status, award_form=form)


@require_safe
@login_required
def results(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(uuid=uuid)
    check_can_see_results(request.user, support_request)
    return render(
        request,
        "missions/selection/results.html",
        {
            "support_request": support_request,
            "results": selectors.results_compute(request=support_request),
            "award": selectors.award_of(request=support_request),
        },
    )


urlpatterns: list[URLPattern] = [
    path("demandes/<uuid:uuid>/choix/<str:token>/", client_choice, name="client_choice"),
    path("demandes/<uuid:uuid>/lien-client/", client_link_send, name="client_link_send"),
    path("demandes/<uuid:uuid>/evaluation/", evaluation, name="evaluation"),
    path(
        "demandes/<uuid:uuid>/evaluation/evaluateurs/",
        evaluator_appoint,
        name="evaluator_appoint",
    ),
    path(
        "demandes/<uuid:uuid>/evaluation/offres/<str:label>/methode/",
        evaluation_file,
        name="evaluation_file",
    ),
    path("demandes/<uuid:uuid>/evaluation/liens/", ties_declare, name="ties_declare"),
    path("demandes/<uuid:uuid>/evaluation/notes/", scores_set, name="scores_set"),
    path("demandes/<uuid:uuid>/evaluation/soumettre/", evaluation_submit, name="evaluation_submit"),
    path("demandes/<uuid:uuid>/attribution/", award, name="award"),
    path("demandes/<uuid:uuid>/resultats/", results, name="selection_results"),
]


def selection_section(
    request: HttpRequest, support_request: SupportRequest, viewer: Any
) -> dict[str, Any]:
    """Context for this topic's part of the request page (`missions/requests/_selection.html`).

    Under one key, `selection`, so that it cannot clash with the other sections.
    """
    user = request.user
    person = getattr(viewer, "person", None)
    is_steward = bool(getattr(viewer, "is_steward", False))
    awarded = support_request.status == RequestStatus.AWARDED
    context: dict[str, Any] = {
        "support_request": support_request,
        "mode": support_request.selection_mode,
        "is_steward": is_steward,
        "is_evaluator": selectors.evaluator_for(person=person, request=support_request) is not None,
        "revealed": support_request.revealed_at is not None,
        "can_send_link": (
            is_steward
            and support_request.selection_mode == SelectionMode.CLIENT
            and support_request.status == RequestStatus.QUALIFIED
            and support_request.offers_deadline <= timezone.now()
        ),
        "award": selectors.award_of(request=support_request) if awarded else None,
        "results": None,
    }
    delegated = support_request.selection_mode == SelectionMode.DELEGATED
    if awarded and delegated and can_see_results(user, support_request):
        context["results"] = selectors.results_compute(request=support_request)
    return {"selection": context}
