"""Pages: support letters — the request, the reviewer, the review, the letter."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError, NotAllowed
from cercle.core.forms import call_service, form_status
from cercle.core.uploads import download_response
from cercle.core.views import paginate
from cercle.decisions.enums import LetterStatus
from cercle.decisions.forms.letters import (
    LetterFilterForm,
    LetterRequestForm,
    ReviewerForm,
    ReviewForm,
)
from cercle.decisions.models import SupportLetterRequest
from cercle.decisions.policies.letters import (
    can_appoint_reviewer,
    can_download_dossier,
    can_download_letter_pdf,
    can_manage_criteria,
    can_review_letter,
    can_withdraw_letter,
    check_can_appoint_reviewer,
    check_can_request_letter,
    check_can_review_letter,
    is_requester,
)
from cercle.decisions.selectors import letters as selectors
from cercle.decisions.services import letters as services
from cercle.decisions.views.letters_criteria import urlpatterns as criteria_urlpatterns


def _run(form: Form, service: Any, /, **kwargs: Any) -> tuple[Any, int]:
    """Call a service; its refusals land on the form. (result or None, status)."""
    try:
        done = call_service(form, service, **kwargs)
    except ApplicationError as error:
        field = next(iter(error.errors), None)
        form.add_error(field if field in form.fields else None, error.message)
        return None, error.status
    return done, 200 if done is not None else 400


# ---------------------------------------------------------------- list and request


@require_safe
@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    form = LetterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    letters = selectors.letter_list(
        actor=request.user, status=filters.get("status", ""), mine=filters.get("mine", False)
    )
    return render(
        request,
        "decisions/letters/list.html",
        {
            "form": form,
            "page": paginate(request, letters),
            "can_manage_criteria": can_manage_criteria(request.user),
        },
        status=form_status(form),
    )


def _request_form(request: HttpRequest, data: Any = None, files: Any = None) -> LetterRequestForm:
    return LetterRequestForm(
        data,
        files,
        holder_choices=selectors.holder_choices(actor=request.user),
        operator_choices=selectors.operator_choices(),
        initial={"contact_email": getattr(request.user, "email", "")},
    )


@login_required
def letter_request(request: HttpRequest) -> HttpResponse:
    check_can_request_letter(request.user)
    if request.method != "POST":
        form = _request_form(request)
        return render(
            request,
            "decisions/letters/request.html",
            {"form": form, "criteria": selectors.reading_criterion_list(active_only=True)},
        )
    form = _request_form(request, request.POST, request.FILES)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        operators, _unknown = selectors.organizations_by_slugs(slugs=data["operators"])
        letter, status = _run(
            form,
            services.letter_request_create,
            actor=request.user,
            project_name=data["project_name"],
            project_summary=data["project_summary"],
            holder=selectors.organization_by_slug(slug=data["holder"]),
            call_name=data["call_name"],
            call_url=data["call_url"],
            call_deadline=data["call_deadline"],
            dossier=data["dossier"],
            contact_email=data["contact_email"],
            operators=operators,
        )
        if letter is not None:
            messages.success(
                request, _("Your request is recorded. The stewards will appoint a reviewer.")
            )
            return redirect(letter.get_absolute_url())
    return render(
        request,
        "decisions/letters/request.html",
        {"form": form, "criteria": selectors.reading_criterion_list(active_only=True)},
        status=status,
    )


# ---------------------------------------------------------------- detail


def _timeline(letter: SupportLetterRequest) -> list[tuple[str, Any]]:
    steps: list[tuple[str, Any]] = [(_("Requested"), letter.created_at)]
    if letter.reviewer_id:
        steps.append((_("Reviewer appointed"), None))
    if letter.reviewed_at:
        steps.append((_("Dossier reviewed"), letter.reviewed_at))
    if letter.proposal_id and letter.proposal is not None:
        steps.append((_("Network decision opened"), letter.proposal.opened_at))
        steps.append((_("Network decision closes"), letter.proposal.closes_at))
    if letter.issued_at:
        steps.append((_("Letter issued"), letter.issued_at))
    elif letter.status in (LetterStatus.REFUSED, LetterStatus.WITHDRAWN):
        steps.append((letter.get_status_display(), None))
    return steps


@require_safe
@login_required
def letter_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    letter = selectors.letter_get(actor=request.user, uuid=uuid)
    user = request.user
    return render(
        request,
        "decisions/letters/detail.html",
        {
            "letter": letter,
            "timeline": _timeline(letter),
            "is_requester": is_requester(user, letter),
            "can_download_dossier": can_download_dossier(user, letter),
            "can_download_pdf": can_download_letter_pdf(user, letter),
            "can_appoint": can_appoint_reviewer(user, letter)
            and letter.status in services.OPEN_STATUSES,
            "can_review": can_review_letter(user, letter)
            and letter.status == LetterStatus.IN_REVIEW,
            "can_withdraw": can_withdraw_letter(user, letter)
            and letter.status in services.OPEN_STATUSES,
        },
    )


@require_safe
@login_required
def letter_dossier(request: HttpRequest, uuid: UUID) -> FileResponse:
    letter = selectors.letter_get(actor=request.user, uuid=uuid)
    if not can_download_dossier(request.user, letter):
        raise NotAllowed(_("The dossier is shared with the network's members."))
    name = letter.dossier.name.rsplit("/", 1)[-1]
    return download_response(letter.dossier, filename=f"{letter.project_key}-{name}")


@require_safe
@login_required
def letter_pdf(request: HttpRequest, uuid: UUID) -> FileResponse:
    letter = selectors.letter_get(actor=request.user, uuid=uuid)
    if not can_download_letter_pdf(request.user, letter):
        raise NotAllowed(_("The letter is available once the network has agreed."))
    return download_response(
        letter.letter_pdf,
        filename=f"lettre-de-soutien-{letter.project_key}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_POST
def letter_withdraw(request: HttpRequest, uuid: UUID) -> HttpResponse:
    letter = selectors.letter_get(actor=request.user, uuid=uuid)
    services.letter_withdraw(actor=request.user, letter=letter)  # type: ignore[arg-type]
    messages.success(request, _("The request is withdrawn."))
    return redirect(letter.get_absolute_url())


# ---------------------------------------------------------------- reviewer


def _render_reviewer(
    request: HttpRequest, letter: SupportLetterRequest, form: ReviewerForm, status: int = 200
) -> HttpResponse:
    page = paginate(request, selectors.reviewer_candidate_people(letter=letter))
    candidates = selectors.reviewer_candidates(letter=letter, people=page)  # type: ignore[arg-type]
    return render(
        request,
        "decisions/letters/reviewer.html",
        {"letter": letter, "form": form, "page": page, "candidates": candidates},
        status=status,
    )


@login_required
def letter_reviewer(request: HttpRequest, uuid: UUID) -> HttpResponse:
    letter = selectors.letter_get(actor=request.user, uuid=uuid)
    check_can_appoint_reviewer(request.user, letter)
    choices = selectors.reviewer_choices(letter=letter)
    if request.method != "POST":
        return _render_reviewer(request, letter, ReviewerForm(person_choices=choices))
    form = ReviewerForm(request.POST, person_choices=choices)
    status = 400
    if form.is_valid():
        done, status = _run(
            form,
            services.letter_reviewer_appoint,
            actor=request.user,
            letter=letter,
            person=selectors.person_by_slug(slug=form.cleaned_data["person"]),
        )
        if done is not None:
            messages.success(request, _("The reviewer is appointed and told by e-mail."))
            return redirect(letter.get_absolute_url())
    return _render_reviewer(request, letter, form, status)


# ---------------------------------------------------------------- review


@login_required
def letter_review(request: HttpRequest, uuid: UUID) -> HttpResponse:
    letter = selectors.letter_get(actor=request.user, uuid=uuid)
    check_can_review_letter(request.user, letter)
    criteria = list(selectors.reading_criterion_list(active_only=True))
    form = ReviewForm(request.POST or None, criteria=criteria)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = _run(
                form,
                services.letter_review_submit,
                actor=request.user,
                letter=letter,
                assessments=form.assessments(),
                summary=form.cleaned_data["summary"],
            )
            if done is not None:
                messages.success(
                    request, _("Your review is recorded: the network now decides by consent.")
                )
                return redirect(letter.get_absolute_url())
    return render(
        request, "decisions/letters/review.html", {"letter": letter, "form": form}, status=status
    )


urlpatterns: list[URLPattern] = [
    path("lettres-de-soutien/", letter_list, name="letter_list"),
    path("lettres-de-soutien/demander/", letter_request, name="letter_request"),
    *criteria_urlpatterns,
    path("lettres-de-soutien/<uuid:uuid>/", letter_detail, name="letter_detail"),
    path("lettres-de-soutien/<uuid:uuid>/dossier/", letter_dossier, name="letter_dossier"),
    path("lettres-de-soutien/<uuid:uuid>/lettre.pdf", letter_pdf, name="letter_pdf"),
    path("lettres-de-soutien/<uuid:uuid>/relecteur/", letter_reviewer, name="letter_reviewer"),
    path("lettres-de-soutien/<uuid:uuid>/relecture/", letter_review, name="letter_review"),
    path("lettres-de-soutien/<uuid:uuid>/retirer/", letter_withdraw, name="letter_withdraw"),
]
