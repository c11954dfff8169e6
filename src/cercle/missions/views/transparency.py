"""Pages of the circle's transparency: the concentration of missions, and the OCDS
export of a request."""

from __future__ import annotations

import json
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from cercle.core.forms import form_status
from cercle.core.pagecache import cached_page
from cercle.core.views import paginate
from cercle.missions import ocds
from cercle.missions.forms.transparency import ConcentrationFilterForm
from cercle.missions.policies.transparency import check_can_view_concentration
from cercle.missions.selectors import transparency as selectors

CHART_WIDTH = 420


@require_safe
@login_required
@cached_page
def concentration(request: HttpRequest) -> HttpResponse:
    check_can_view_concentration(request.user)
    form = ConcentrationFilterForm(request.GET or None)
    depuis = form.cleaned_data.get("depuis") if form.is_bound and form.is_valid() else None
    figures = selectors.concentration(
        actor=request.user, since=selectors.since_from_date(depuis, field="depuis")
    )
    bars = selectors.chart_bars(figures.rows, width=CHART_WIDTH)
    return render(
        request,
        "missions/transparency/concentration.html",
        {
            "form": form,
            "figures": figures,
            "bars": bars,
            "chart_width": CHART_WIDTH,
            "chart_height": max(len(bars), 1) * 28,
            "page": paginate(request, figures.rows),
        },
        status=form_status(form),
    )


@require_safe
@login_required
def request_ocds(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The request's OCDS release package, as a JSON file to download."""
    support_request = selectors.ocds_request_get(actor=request.user, uuid=uuid)
    package = ocds.release_package(support_request)
    response = HttpResponse(
        json.dumps(package, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="ocds-{support_request.uuid}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list[URLPattern] = [
    path("cercle/concentration/", concentration, name="concentration"),
    path("demandes/<uuid:uuid>/ocds.json", request_ocds, name="request_ocds"),
]
