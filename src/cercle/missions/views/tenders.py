"""Pages of the tender watch: the list, posting, a tender with its interests and
discussion, turning it into a request, and recording its result."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError
from cercle.core.forms import call_service, form_status
from cercle.core.views import paginate
from cercle.missions.forms.tenders import (
    CommentForm,
    InterestForm,
    ResultForm,
    TenderForm,
    ToRequestForm,
)
from cercle.missions.policies.tenders import check_can_lead_tender_answer, check_can_post_tender
from cercle.missions.selectors import tenders as selectors
from cercle.missions.services import tenders as services
from cercle.network.policies import person_or_none


@require_safe
@login_required
def tender_list(request: HttpRequest) -> HttpResponse:
    return _list(request, selectors.UPCOMING)


@require_safe
@login_required
def tender_past_list(request: HttpRequest) -> HttpResponse:
    return _list(request, selectors.PAST)


def _list(request: HttpRequest, when: str) -> HttpResponse:
    tenders = selectors.tender_list(actor=request.user, when=when)
    return render(
        request,
        "missions/tenders/list.html",
        {"page": paginate(request, tenders), "past": when == selectors.PAST},
    )


@login_required
def tender_create(request: HttpRequest) -> HttpResponse:
    check_can_post_tender(request.user)
    form = TenderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tender = call_service(form, services.tender_post, actor=request.user, **form.cleaned_data)
        if tender is not None:
            messages.success(request, _("The tender is posted. Members can now say they are in."))
            return redirect(tender.get_absolute_url())
    return render(request, "missions/tenders/create.html", {"form": form}, status=form_status(form))


def _render_detail(
    request: HttpRequest,
    uuid: UUID,
    *,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = selectors.tender_detail(actor=request.user, uuid=uuid)
    forms = forms or {}
    context: dict[str, Any] = {
        "detail": detail,
        "tender": detail.tender,
        "interest_form": forms.get("interest")
        or InterestForm(initial={"kind": detail.my_interest or None}),
        "comment_form": forms.get("comment") or CommentForm(),
    }
    if detail.can_lead and not detail.is_open:
        context["result_form"] = forms.get("result") or ResultForm()
    return render(request, "missions/tenders/detail.html", context, status=status)


@require_safe
@login_required
def tender_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _render_detail(request, uuid)


def _step(
    request: HttpRequest,
    uuid: UUID,
    form: Form,
    key: str,
    run: Any,
    done_message: str,
    **extra: Any,
) -> HttpResponse:
    """Run one action from the detail page; errors re-render the page with a 4xx."""
    tender = selectors.tender_get(actor=request.user, uuid=uuid)
    status = 400
    if form.is_valid():
        try:
            done = call_service(
                form, run, actor=request.user, tender=tender, **form.cleaned_data, **extra
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if done is not None:
                messages.success(request, done_message)
                return redirect(tender.get_absolute_url())
    return _render_detail(request, uuid, forms={key: form}, status=status)


@login_required
@require_POST
def tender_interest(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _step(
        request,
        uuid,
        InterestForm(request.POST),
        "interest",
        services.tender_interest_set,
        _("Your interest is recorded."),
    )


@login_required
@require_POST
def tender_interest_remove(request: HttpRequest, uuid: UUID) -> HttpResponse:
    tender = selectors.tender_get(actor=request.user, uuid=uuid)
    services.tender_interest_remove(actor=request.user, tender=tender)  # type: ignore[arg-type]
    messages.success(request, _("Your interest is withdrawn."))
    return redirect(tender.get_absolute_url())


@login_required
@require_POST
def tender_comment(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _step(
        request,
        uuid,
        CommentForm(request.POST),
        "comment",
        services.tender_comment_post,
        _("Your message is posted."),
    )


@login_required
@require_POST
def tender_result(request: HttpRequest, uuid: UUID) -> HttpResponse:
    tender = selectors.tender_get(actor=request.user, uuid=uuid)
    check_can_lead_tender_answer(request.user, tender)
    return _step(
        request,
        uuid,
        ResultForm(request.POST),
        "result",
        services.tender_record_result,
        _("The result is recorded."),
    )


@login_required
def tender_to_request(request: HttpRequest, uuid: UUID) -> HttpResponse:
    tender = selectors.tender_get(actor=request.user, uuid=uuid)
    check_can_lead_tender_answer(request.user, tender)
    form = ToRequestForm(
        request.POST or None,
        people_choices=selectors.tender_people_choices(exclude=person_or_none(request.user)),
        skill_choices=selectors.tender_skill_choices(),
        initial={"description": tender.description},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                people = selectors.people_by_slugs(slug for slug, _r in form.members())
                created = call_service(
                    form,
                    services.tender_to_request,
                    actor=request.user,
                    tender=tender,
                    team_name=data["team_name"],
                    members=[(people[slug], role) for slug, role in form.members()],
                    budget_min_ht=data["budget_min_ht"],
                    budget_max_ht=data["budget_max_ht"],
                    offers_deadline=data["offers_deadline"],
                    territory=data["territory"],
                    description=data["description"],
                    skills=data["skills"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if created is not None:
                    messages.success(
                        request, _("The request is created and the invitations are sent.")
                    )
                    return redirect(services.request_url(created))
    return render(
        request,
        "missions/tenders/to_request.html",
        {"form": form, "tender": tender},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("appels-d-offres/", tender_list, name="tender_list"),
    path("appels-d-offres/passes/", tender_past_list, name="tender_past_list"),
    path("appels-d-offres/nouveau/", tender_create, name="tender_create"),
    path("appels-d-offres/<uuid:uuid>/", tender_detail, name="tender_detail"),
    path("appels-d-offres/<uuid:uuid>/interet/", tender_interest, name="tender_interest"),
    path(
        "appels-d-offres/<uuid:uuid>/interet/retirer/",
        tender_interest_remove,
        name="tender_interest_remove",
    ),
    path("appels-d-offres/<uuid:uuid>/messages/", tender_comment, name="tender_comment"),
    path("appels-d-offres/<uuid:uuid>/demande/", tender_to_request, name="tender_to_request"),
    path("appels-d-offres/<uuid:uuid>/resultat/", tender_result, name="tender_result"),
]
