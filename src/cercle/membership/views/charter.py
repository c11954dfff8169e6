"""Charter pages: read the current text, sign it, versions, publish, signed PDF."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.forms import call_service
from cercle.core.pdf import pdf_response
from cercle.core.views import paginate
from cercle.membership.forms.charter import (
    CharterEngagementFormSet,
    CharterPublishForm,
    CharterSignForm,
)
from cercle.membership.policies.charter import (
    can_publish_charter,
    can_sign_charter,
    check_can_publish_charter,
)
from cercle.membership.selectors import charter as charter_selectors
from cercle.membership.selectors.circle import circle_membership_active, person_is_excluded
from cercle.membership.services import charter as charter_services
from cercle.membership.viewer import viewer_for


def render_charter_page(
    request: HttpRequest,
    *,
    form: CharterSignForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The current charter, and for a member: where they stand, the form, the circle."""
    viewer = viewer_for(request.user)
    current = charter_selectors.charter_current()
    person = viewer.person
    charter_status = charter_selectors.charter_status_for(person=person, current=current)
    context: dict[str, Any] = {
        "current": current,
        "charter_status": charter_status,
        "error": error,
        "can_publish": can_publish_charter(request.user),
    }
    if person is not None:
        context["membership"] = circle_membership_active(person=person)
        context["excluded"] = person_is_excluded(person=person)
        context["signatures"] = list(charter_selectors.signature_list_for(person=person))
        if (
            current is not None
            and can_sign_charter(request.user)
            and not charter_status.signed_current
        ):
            context["form"] = form or CharterSignForm(initial={"version": current.number})
    return render(request, "membership/charter/charter.html", context, status=status)


@require_safe
def charter(request: HttpRequest) -> HttpResponse:
    return render_charter_page(request)


@login_required
@require_POST
def charter_sign(request: HttpRequest) -> HttpResponse:
    form = CharterSignForm(request.POST)
    if form.is_valid():
        signature = call_service(
            form,
            charter_services.charter_sign,
            actor=request.user,
            version_number=form.cleaned_data["version"],
            consents_to_listing=form.cleaned_data["consents_to_listing"],
            mandates_follow_up=form.cleaned_data["mandates_follow_up"],
        )
        if signature is not None:
            messages.success(
                request,
                _("You signed version %(number)s of the charter.")
                % {"number": signature.version.number},
            )
            return redirect("membership:charter")
    if "version" in form.errors:
        # The text changed under the reader: show the new one, keep the reason visible,
        # and make the form carry the number of the text now on screen.
        current_number = charter_selectors.charter_current_number()
        errors = form.errors["version"]
        data = request.POST.copy()
        data["version"] = str(current_number or "")
        form = CharterSignForm(data)
        form.is_valid()
        for message in errors:
            form.add_error(None, message)
    return render_charter_page(request, form=form, status=400)


@require_safe
def charter_versions(request: HttpRequest) -> HttpResponse:
    versions = charter_selectors.charter_version_list()
    return render(
        request, "membership/charter/versions.html", {"page": paginate(request, versions)}
    )


@require_safe
def charter_version_detail(request: HttpRequest, number: int) -> HttpResponse:
    version = charter_selectors.charter_version_get(number=number)
    current_number = charter_selectors.charter_current_number()
    return render(
        request,
        "membership/charter/version_detail.html",
        {"version": version, "is_current": version.number == current_number},
    )


def _engagement_rows(formset: Any) -> list[dict[str, str]]:
    return [
        {k: f.cleaned_data.get(k, "") for k in ("code", "title", "text")}
        for f in formset.forms
        if f.cleaned_data
    ]


@login_required
def charter_publish(request: HttpRequest) -> HttpResponse:
    check_can_publish_charter(request.user)
    current = charter_selectors.charter_current()
    if request.method == "POST":
        form = CharterPublishForm(request.POST)
        formset = CharterEngagementFormSet(request.POST, prefix="engagements")
        if form.is_valid() and formset.is_valid():
            version = call_service(
                form,
                charter_services.charter_version_publish,
                actor=request.user,
                title=form.cleaned_data["title"],
                preamble=form.cleaned_data["preamble"],
                closing=form.cleaned_data["closing"],
                engagements=_engagement_rows(formset),
            )
            if version is not None:
                messages.success(
                    request,
                    _("Version %(number)s of the charter is published.")
                    % {"number": version.number},
                )
                return redirect("membership:charter")
        status = 400
    else:
        initial = (
            {"title": current.title, "preamble": current.preamble, "closing": current.closing}
            if current
            else {}
        )
        form = CharterPublishForm(initial=initial)
        formset = CharterEngagementFormSet(
            prefix="engagements",
            initial=[
                {"code": e.code, "title": e.title, "text": e.text}
                for e in (current.engagements.all() if current else [])
            ],
        )
        status = 200
    return render(
        request,
        "membership/charter/publish.html",
        {"form": form, "formset": formset, "current": current},
        status=status,
    )


@require_safe
@login_required
def signature_pdf(request: HttpRequest, signature_id: UUID) -> HttpResponse:
    signature = charter_selectors.signature_get(actor=request.user, signature_id=signature_id)
    pdf = charter_selectors.signature_pdf(signature=signature)
    return pdf_response(pdf, charter_selectors.signature_pdf_filename(signature=signature))
