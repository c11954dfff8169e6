"""Pages of requests: the public intake, the stewards' form, the list, the detail page,
qualification, cancellation and documents."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError
from cercle.core.forms import call_service, form_status
from cercle.core.pagecache import cached_page
from cercle.core.ratelimit import check_rate, client_ip
from cercle.core.uploads import download_response
from cercle.core.views import paginate
from cercle.membership.viewer import viewer_for
from cercle.missions.enums import RequestStatus
from cercle.missions.forms.requests import (
    CancelForm,
    DocumentsForm,
    PublicRequestForm,
    QualifyForm,
    RequestFilterForm,
    StewardRequestForm,
    criterion_formset,
)
from cercle.missions.models import Positioning, SupportRequest
from cercle.missions.policies.requests import (
    can_add_request_documents,
    can_cancel_request,
    can_file_request,
    can_qualify_request,
    check_can_add_request_documents,
    check_can_confirm_request,
    check_can_file_request,
    check_can_qualify_request,
)
from cercle.missions.selectors import requests as selectors
from cercle.missions.selectors.rotation import panel_invitation_list
from cercle.missions.services import requests as services
from cercle.missions.services import requests_qualification as qualification

PUBLIC_RATE = {"limit": 5, "window_seconds": 3600}


# ---------------------------------------------------------------- list


@require_safe
@login_required
@cached_page
def request_list(request: HttpRequest) -> HttpResponse:
    skills = selectors.skill_choices()
    form = RequestFilterForm(
        request.GET or None, skills=skills, departments=selectors.department_choices()
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    requests = selectors.request_list(
        actor=request.user,
        status=filters.get("status", ""),
        skill=filters.get("skill", ""),
        department=filters.get("department", ""),
        q=filters.get("q", ""),
    )
    return render(
        request,
        "missions/requests/list.html",
        {
            "form": form,
            "page": paginate(request, requests),
            "can_file": can_file_request(request.user),
            "now": timezone.now(),
        },
        status=form_status(form),
    )


# ---------------------------------------------------------------- intake


def request_submit(request: HttpRequest) -> HttpResponse:
    """The public form: no account needed, confirmed by e-mail, rate-limited per address."""
    skills = selectors.skill_choices()
    form = PublicRequestForm(request.POST or None, request.FILES or None, skills=skills)
    if request.method == "POST":
        check_rate("request-submit", client_ip(request), **PUBLIC_RATE)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                # A robot filled the honeypot: say thanks, keep nothing.
                return redirect("missions:request_submitted")
            created = call_service(form, services.request_submit_public, **form.service_kwargs())
            if created is not None:
                return redirect("missions:request_submitted")
    return render(
        request, "missions/requests/submit.html", {"form": form}, status=form_status(form)
    )


@require_safe
def request_submitted(request: HttpRequest) -> HttpResponse:
    return render(request, "missions/requests/submitted.html")


def request_confirm(request: HttpRequest, uuid: UUID, token: str) -> HttpResponse:
    """The client's link: a page with one button, so that mail scanners confirm nothing."""
    support_request = selectors.request_for_confirmation(uuid=uuid)
    check_can_confirm_request(support_request, token)
    if request.method == "POST":
        support_request = services.request_confirm(support_request=support_request, token=token)
        return render(
            request,
            "missions/requests/confirmed.html",
            {"support_request": support_request, "done": True},
        )
    return render(
        request,
        "missions/requests/confirmed.html",
        {
            "support_request": support_request,
            "done": support_request.status != RequestStatus.UNCONFIRMED,
        },
    )


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    check_can_file_request(request.user)
    form = StewardRequestForm(
        request.POST or None,
        request.FILES or None,
        skills=selectors.skill_choices(),
        organizations=selectors.organization_choices(),
    )
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form, services.request_create, actor=request.user, **form.service_kwargs()
        )
        if created is not None:
            messages.success(request, _("The request is filed and the circle is told."))
            return redirect(created.get_absolute_url())
    return render(request, "missions/requests/new.html", {"form": form}, status=form_status(form))


# ---------------------------------------------------------------- detail


def _sections(
    request: HttpRequest, support_request: SupportRequest, positionings: list[Positioning]
) -> dict[str, Any]:
    from cercle.missions.views import follow_up, offers, selection, teams

    viewer = viewer_for(request.user)
    # Read once, for the teams' section and the offers' (who sees which offer in full).
    rows = teams.viewer_teams(request, support_request, viewer)
    context: dict[str, Any] = {}
    context.update(
        teams.teams_section(request, support_request, viewer, teams=rows, positionings=positionings)
    )
    context.update(offers.offers_section(request, support_request, viewer, teams=rows))
    context.update(selection.selection_section(request, support_request, viewer))
    context.update(follow_up.mission_section(request, support_request, viewer))
    return context


def _render_detail(
    request: HttpRequest,
    support_request: SupportRequest,
    *,
    cancel_form: CancelForm | None = None,
    documents_form: DocumentsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    positionings = list(selectors.positioning_list(support_request=support_request))
    context: dict[str, Any] = {
        "support_request": support_request,
        "positionings": positionings,
        "panel": list(panel_invitation_list(support_request)),
        "can_qualify": can_qualify_request(user, support_request),
        "can_cancel": can_cancel_request(user, support_request),
        "can_add_documents": can_add_request_documents(user, support_request),
        "deadline_passed": support_request.deadline_passed(),
    }
    if context["can_cancel"]:
        context["cancel_form"] = cancel_form or CancelForm()
    if context["can_add_documents"]:
        context["documents_form"] = documents_form or DocumentsForm()
    if support_request.status == RequestStatus.CANCELLED:
        context["cancel_reason"] = selectors.cancel_reason(support_request=support_request)
    context.update(_sections(request, support_request, positionings))
    return render(request, "missions/requests/detail.html", context, status=status)


@require_safe
@login_required
@cached_page
def request_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(actor=request.user, uuid=uuid)
    return _render_detail(request, support_request)


@require_safe
@login_required
def request_document_download(request: HttpRequest, uuid: UUID, document: UUID) -> FileResponse:
    row = selectors.request_document_get(
        actor=request.user, request_uuid=uuid, document_uuid=document
    )
    return download_response(row.file, filename=row.original_name, content_type=row.content_type)


@login_required
@require_POST
def request_documents_add(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(actor=request.user, uuid=uuid)
    check_can_add_request_documents(request.user, support_request)
    form = DocumentsForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            added = call_service(
                form,
                services.request_documents_add,
                actor=request.user,
                support_request=support_request,
                documents=form.cleaned_data["documents"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if added is not None:
                messages.success(request, _("Documents added."))
                return redirect(support_request.get_absolute_url())
    return _render_detail(request, support_request, documents_form=form, status=status)


# ---------------------------------------------------------------- qualification


def _criteria_rows(formset: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": f.cleaned_data.get("name", ""),
            "weight": f.cleaned_data.get("weight"),
            "is_price": f.cleaned_data.get("is_price", False),
        }
        for f in formset.forms
        if f.cleaned_data
    ]


@login_required
def request_qualify(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(actor=request.user, uuid=uuid)
    check_can_qualify_request(request.user, support_request)
    status = 200
    if request.method == "POST":
        form = QualifyForm(request.POST)
        formset = criterion_formset(request.POST)
        status = 400
        valid = form.is_valid() & formset.is_valid()
        if valid:
            try:
                done = call_service(
                    form,
                    qualification.request_qualify,
                    actor=request.user,
                    support_request=support_request,
                    criteria=_criteria_rows(formset),
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if done is not None:
                    messages.success(request, _("The request is qualified."))
                    return redirect(done.get_absolute_url())
    else:
        initial: dict[str, Any] = {"offers_deadline": support_request.offers_deadline}
        if support_request.scope:
            initial.update(
                scope=support_request.scope,
                subsidiarity_note=support_request.subsidiarity_note,
                selection_mode=support_request.selection_mode,
                price_rule=support_request.price_rule,
            )
        form = QualifyForm(initial=initial)
        formset = criterion_formset(
            initial=[
                {"name": c.name, "weight": c.weight, "is_price": c.is_price}
                for c in support_request.criteria.all()
            ]
        )
    return render(
        request,
        "missions/requests/qualify.html",
        {"support_request": support_request, "form": form, "formset": formset},
        status=status,
    )


@login_required
@require_POST
def request_cancel(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_get(actor=request.user, uuid=uuid)
    form = CancelForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            done = call_service(
                form,
                qualification.request_cancel,
                actor=request.user,
                support_request=support_request,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if done is not None:
                messages.success(request, _("The request is cancelled."))
                return redirect(done.get_absolute_url())
    return _render_detail(request, support_request, cancel_form=form, status=status)


urlpatterns: list[URLPattern] = [
    path("demandes/", request_list, name="request_list"),
    path("demandes/deposer/", request_submit, name="request_submit"),
    path("demandes/deposee/", request_submitted, name="request_submitted"),
    path("demandes/nouvelle/", request_new, name="request_new"),
    path("demandes/<uuid:uuid>/", request_detail, name="request_detail"),
    path("demandes/<uuid:uuid>/confirmer/<str:token>/", request_confirm, name="request_confirm"),
    path("demandes/<uuid:uuid>/qualifier/", request_qualify, name="request_qualify"),
    path("demandes/<uuid:uuid>/annuler/", request_cancel, name="request_cancel"),
    path("demandes/<uuid:uuid>/documents/", request_documents_add, name="request_documents_add"),
    path(
        "demandes/<uuid:uuid>/documents/<uuid:document>/",
        request_document_download,
        name="request_document",
    ),
]
