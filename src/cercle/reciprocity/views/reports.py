"""Pages: exports, commons funding, dashboards, the public yearly report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cercle.commons import selectors as commons_selectors
from cercle.core.errors import NotFound
from cercle.core.forms import call_service, form_status
from cercle.core.pagecache import cached_page
from cercle.core.pdf import pdf_response, render_pdf
from cercle.core.views import paginate
from cercle.reciprocity.charts import report_charts
from cercle.reciprocity.forms.reports import CommonPayoutForm, YearForm
from cercle.reciprocity.policies.reports import (
    check_can_export_ledger,
    check_can_record_common_payout,
    check_can_view_commons_game,
    check_can_view_steward_dashboard,
)
from cercle.reciprocity.selectors import reports_commons, reports_dashboard
from cercle.reciprocity.selectors.reports_exports import (
    TABLES,
    csv_stream,
    export_filename,
    xlsx_file,
)
from cercle.reciprocity.selectors.reports_fec import ENCODING, fec_filename, fec_stream
from cercle.reciprocity.selectors.reports_yearly import (
    check_report_year,
    last_complete_year,
    yearly_report,
)
from cercle.reciprocity.services.reports_commons import common_payout_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export_year(year: int) -> int:
    if not 2000 <= year <= timezone.localdate().year:
        raise NotFound(_("There are no accounts for this year."))
    return year


# --- Exports (stewards) ---------------------------------------------------------------


@require_safe
@login_required
def exports(request: HttpRequest) -> HttpResponse:
    check_can_export_ledger(request.user)
    form = YearForm(request.GET or None)
    year = form.year(timezone.localdate().year)
    return render(
        request,
        "reciprocity/reports/exports.html",
        {"form": form, "year": year, "fec_filename": fec_filename(year or 0)},
        status=form_status(form),
    )


@require_safe
@login_required
def export_fec(request: HttpRequest, year: int) -> StreamingHttpResponse:
    check_can_export_ledger(request.user)
    _export_year(year)
    response = StreamingHttpResponse(
        fec_stream(year), content_type=f"text/plain; charset={ENCODING}"
    )
    response["Content-Disposition"] = f'attachment; filename="{fec_filename(year)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def table_response(table_slug: str, year: int, extension: str) -> Any:
    """The CSV (streamed) or XLSX file of an export table; shared with the API."""
    make = TABLES.get(table_slug)
    if make is None or extension not in ("csv", "xlsx"):
        raise NotFound(_("There is no such export."))
    table = make(_export_year(year))
    filename = export_filename(table, year, extension)
    if extension == "csv":
        response: Any = StreamingHttpResponse(
            csv_stream(table), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(
            xlsx_file(table), as_attachment=True, filename=filename, content_type=XLSX
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@login_required
def export_table(request: HttpRequest, table: str, year: int, extension: str) -> Any:
    check_can_export_ledger(request.user)
    return table_response(table, year, extension)


# --- Commons ----------------------------------------------------------------------------


@require_safe
@login_required
def commons_game(request: HttpRequest) -> HttpResponse:
    check_can_view_commons_game(request.user)
    form = YearForm(request.GET or None, blank=_("All years"))
    game = reports_commons.commons_game(actor=request.user, year=form.year(None))
    return render(
        request,
        "reciprocity/reports/commons_game.html",
        {"form": form, "game": game, "page": paginate(request, game.rows)},
        status=form_status(form),
    )


@login_required
def common_payout(request: HttpRequest, slug: str) -> HttpResponse:
    common = commons_selectors.common_get(actor=request.user, slug=slug)
    check_can_record_common_payout(request.user)
    form = CommonPayoutForm(
        request.POST if request.method == "POST" else None,
        initial={"paid_on": timezone.localdate().isoformat()},
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, common_payout_record, actor=request.user, common=common, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The payout is recorded."))
            return redirect(common.get_absolute_url())
    return render(
        request,
        "reciprocity/reports/payout_form.html",
        {
            "form": form,
            "common": common,
            "funding": reports_commons.common_funding(actor=request.user, common=common),
        },
        status=form_status(form) if request.method == "POST" else 200,
    )


# --- The stewards' dashboard -----------------------------------------------------------


@require_safe
@login_required
@cached_page
def steward_dashboard(request: HttpRequest) -> HttpResponse:
    check_can_view_steward_dashboard(request.user)
    form = YearForm(request.GET or None)
    year = form.year(timezone.localdate().year) or timezone.localdate().year
    dashboard = reports_dashboard.steward_dashboard(actor=request.user, year=year)
    return render(
        request,
        "reciprocity/reports/steward_dashboard.html",
        {
            "form": form,
            "dashboard": dashboard,
            "page": paginate(request, dashboard.receivables),
        },
        status=form_status(form),
    )


# --- The public yearly report ------------------------------------------------------------


@require_safe
def report_latest(request: HttpRequest) -> HttpResponse:
    return redirect("reciprocity:reports_yearly", year=last_complete_year())


def _report_context(year: int) -> dict[str, Any]:
    report = yearly_report(year=check_report_year(year))
    return {
        "report": report,
        "charts": report_charts(report),
        "is_complete": year <= last_complete_year(),
        "generated_on": timezone.localdate(),
    }


@require_safe
@cached_page
def report_page(request: HttpRequest, year: int) -> HttpResponse:
    return render(request, "reciprocity/reports/yearly.html", _report_context(year))


@require_safe
def report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    context = _report_context(year)
    pdf = render_pdf("pdf/yearly_report.html", context)
    return pdf_response(pdf, f"rapport-annuel-{year}.pdf")


urlpatterns: list[URLPattern] = [
    path("contributions/exports/", exports, name="reports_exports"),
    path("contributions/exports/fec/<int:year>/", export_fec, name="reports_export_fec"),
    path(
        "contributions/exports/<slug:table>/<int:year>.csv",
        export_table,
        {"extension": "csv"},
        name="reports_export_csv",
    ),
    path(
        "contributions/exports/<slug:table>/<int:year>.xlsx",
        export_table,
        {"extension": "xlsx"},
        name="reports_export_xlsx",
    ),
    path("contributions/communs/", commons_game, name="reports_commons_game"),
    path(
        "contributions/communs/<slug:slug>/versements/",
        common_payout,
        name="reports_common_payout",
    ),
    path("contributions/soucieux/", steward_dashboard, name="reports_steward_dashboard"),
    path("rapport/", report_latest, name="reports_yearly_latest"),
    path("rapport/<int:year>/", report_page, name="reports_yearly"),
    path("rapport/<int:year>.pdf", report_pdf, name="reports_yearly_pdf"),
]
