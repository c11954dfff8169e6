"""The stewards' home page and the list of signatories to re-sign."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cercle.core.views import paginate
from cercle.membership.policies.charter import check_can_follow_engagements
from cercle.membership.selectors.charter import charter_current_number, resign_list
from cercle.membership.selectors.circle import current_year, steward_counts

# The adhesion contracts waiting for a steward live on the contracts' pages.
CONTRACTS_TO_HANDLE_URL = "/adhesion/a-traiter/"


@require_safe
@login_required
def steward_home(request: HttpRequest) -> HttpResponse:
    year = current_year()
    return render(
        request,
        "membership/steward/home.html",
        {
            "counts": steward_counts(actor=request.user, year=year),
            "year": year,
            "current_number": charter_current_number(),
            "contracts_url": CONTRACTS_TO_HANDLE_URL,
        },
    )


@require_safe
@login_required
def steward_resign_list(request: HttpRequest) -> HttpResponse:
    check_can_follow_engagements(request.user)
    return render(
        request,
        "membership/steward/resign.html",
        {"page": paginate(request, resign_list()), "current_number": charter_current_number()},
    )
