"""The circle (join, leave, members) and the yearly follow-up of engagements."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError
from cercle.core.forms import call_service
from cercle.core.models import User
from cercle.core.views import paginate
from cercle.membership.enums import EngagementCheckStatus
from cercle.membership.forms.charter import (
    CheckReviewForm,
    EngagementFilterForm,
    EvidenceForm,
    YearForm,
)
from cercle.membership.policies.charter import check_can_follow_engagements
from cercle.membership.selectors import circle as circle_selectors
from cercle.membership.services import circle as circle_services
from cercle.membership.views.charter import render_charter_page


def _actor(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind `login_required`)."""
    return cast(User, request.user)


# ---------------------------------------------------------------- circle


@login_required
@require_POST
def circle_join(request: HttpRequest) -> HttpResponse:
    try:
        circle_services.circle_join(actor=_actor(request))
    except ApplicationError as error:
        return render_charter_page(request, error=error.message, status=error.status)
    messages.success(request, _("Welcome to the circle."))
    return redirect("membership:charter")


@login_required
@require_POST
def circle_leave(request: HttpRequest) -> HttpResponse:
    try:
        circle_services.circle_leave(actor=_actor(request))
    except ApplicationError as error:
        return render_charter_page(request, error=error.message, status=error.status)
    messages.success(request, _("You left the circle. You may join it again at any time."))
    return redirect("membership:charter")


@require_safe
@login_required
def circle_members(request: HttpRequest) -> HttpResponse:
    people = circle_selectors.circle_member_list(actor=request.user)
    return render(request, "membership/circle/members.html", {"page": paginate(request, people)})


# ---------------------------------------------------------------- my engagements


def _year_from(request: HttpRequest) -> int:
    form = YearForm(request.GET)
    return form.cleaned_data["year"] if form.is_valid() else circle_selectors.current_year()


def _render_my_engagements(
    request: HttpRequest,
    *,
    year: int,
    bound: tuple[str, EvidenceForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    checks = list(circle_selectors.engagement_check_list(actor=request.user, year=year, mine=True))
    titles = circle_selectors.engagement_titles()
    rows: list[dict[str, Any]] = []
    for check in checks:
        form: EvidenceForm | None = None
        if check.status != EngagementCheckStatus.DONE:
            if bound is not None and bound[0] == str(check.uuid):
                form = bound[1]
            else:
                form = EvidenceForm(
                    initial={
                        "evidence_url": check.evidence_url,
                        "evidence_note": check.evidence_note,
                    },
                    prefix=str(check.uuid),
                )
        rows.append(
            {
                "check": check,
                "title": titles.get(check.engagement_code, check.engagement_code),
                "form": form,
            }
        )
    return render(
        request,
        "membership/circle/my_engagements.html",
        {"rows": rows, "year": year, "years": [year - 1, year, year + 1]},
        status=status,
    )


@require_safe
@login_required
def my_engagements(request: HttpRequest) -> HttpResponse:
    return _render_my_engagements(request, year=_year_from(request))


@login_required
@require_POST
def check_evidence(request: HttpRequest, check_id: UUID) -> HttpResponse:
    check = circle_selectors.engagement_check_get(actor=request.user, check_id=check_id)
    form = EvidenceForm(request.POST, prefix=str(check.uuid))
    if form.is_valid():
        try:
            saved = call_service(
                form,
                circle_services.engagement_check_record_evidence,
                actor=request.user,
                check=check,
                evidence_url=form.cleaned_data["evidence_url"],
                evidence_note=form.cleaned_data["evidence_note"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return _render_my_engagements(
                request, year=check.year, bound=(str(check.uuid), form), status=error.status
            )
        if saved is not None:
            messages.success(request, _("Evidence recorded."))
            return redirect(f"{reverse('membership:my_engagements')}?year={check.year}")
    return _render_my_engagements(
        request, year=check.year, bound=(str(check.uuid), form), status=400
    )


# ---------------------------------------------------------------- stewards' follow-up


def _render_follow_up(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    check_can_follow_engagements(request.user)
    titles = circle_selectors.engagement_titles()
    form = EngagementFilterForm(request.GET or None, engagement_choices=sorted(titles.items()))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    year = filters.get("year") or circle_selectors.current_year()
    people = circle_selectors.engagement_behind_list(
        actor=request.user,
        year=year,
        status=filters.get("status", ""),
        engagement_code=filters.get("engagement", ""),
        query=filters.get("q", ""),
    )
    if form.is_bound and not form.is_valid():
        status = 400
    page: Any = paginate(request, people)
    for person in page:
        for check in person.behind_checks:
            check.engagement_title = titles.get(check.engagement_code, check.engagement_code)
    return render(
        request,
        "membership/circle/follow_up.html",
        {
            "form": form,
            "page": page,
            "year": year,
            "titles": titles,
            "year_form": YearForm(initial={"year": year}),
            "review_form": CheckReviewForm(),
            "error": error,
        },
        status=status,
    )


@require_safe
@login_required
def engagement_follow_up(request: HttpRequest) -> HttpResponse:
    return _render_follow_up(request)


@login_required
@require_POST
def engagement_year_open(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.POST)
    if not form.is_valid():
        return _render_follow_up(
            request, error=_("Enter a year between 2000 and 2100."), status=400
        )
    try:
        created = circle_services.engagement_year_open(
            actor=_actor(request), year=form.cleaned_data["year"]
        )
    except ApplicationError as error:
        return _render_follow_up(request, error=error.message, status=error.status)
    messages.success(
        request,
        _("%(count)s engagements to follow were added for %(year)s.")
        % {"count": created, "year": form.cleaned_data["year"]},
    )
    return redirect("membership:engagement_follow_up")


@login_required
@require_POST
def check_review(request: HttpRequest, check_id: UUID) -> HttpResponse:
    check = circle_selectors.engagement_check_get(actor=request.user, check_id=check_id)
    form = CheckReviewForm(request.POST)
    if not form.is_valid():
        return _render_follow_up(request, error=_("Choose “done” or “missed”."), status=400)
    try:
        circle_services.engagement_check_review(
            actor=_actor(request), check=check, status=form.cleaned_data["status"]
        )
    except ApplicationError as error:
        return _render_follow_up(request, error=error.message, status=error.status)
    messages.success(
        request,
        _("%(person)s: “%(engagement)s” is now %(status)s.")
        % {
            "person": check.person,
            "engagement": check.engagement_code,
            "status": check.get_status_display(),
        },
    )
    return redirect(f"{reverse('membership:engagement_follow_up')}?year={check.year}")
