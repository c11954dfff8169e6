"""Pages: payments (record, refund, match), receipts and the HelloAsso import."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
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
from cercle.core.forms import call_service
from cercle.core.models import User
from cercle.core.pdf import pdf_response, render_pdf
from cercle.core.views import paginate
from cercle.reciprocity.enums import PaymentKind
from cercle.reciprocity.forms.declarations import (
    HelloAssoFetchForm,
    HelloAssoImportForm,
    MatchForm,
    PaymentForm,
    RefundForm,
)
from cercle.reciprocity.models import Payment
from cercle.reciprocity.policies.declarations import (
    can_manage_payments,
    check_can_manage_payments,
)
from cercle.reciprocity.selectors import declarations as selectors
from cercle.reciprocity.services import declarations_helloasso as helloasso
from cercle.reciprocity.services import declarations_helloasso_api as helloasso_api
from cercle.reciprocity.services import declarations_payments as services
from cercle.reciprocity.services import declarations_refunds as refund_services


@require_safe
@login_required
def payment_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", "")
    if kind not in PaymentKind.values:
        kind = ""
    unmatched = request.GET.get("a_rapprocher") == "1"
    payments = selectors.payment_list(actor=request.user, kind=kind, unmatched=unmatched)
    steward = can_manage_payments(request.user)
    return render(
        request,
        "reciprocity/declarations/payments.html",
        {
            "page": paginate(request, payments),
            "kinds": PaymentKind.choices,
            "kind": kind,
            "unmatched": unmatched,
            "is_steward": steward,
            "unmatched_count": selectors.unmatched_count(actor=request.user) if steward else 0,
        },
    )


def _payment_form(request: HttpRequest) -> PaymentForm:
    return PaymentForm(
        request.POST or None,
        declarations=selectors.declaration_choices(),
        commons_lines=selectors.commons_line_choices(),
        organizations=selectors.organization_choices(),
        initial={"declaration": request.GET.get("declaration", "")},
    )


def payment_input(data: dict[str, Any]) -> dict[str, Any]:
    """The service's keyword arguments from a form's (or the API's) cleaned data."""
    found = selectors.resolve_payment_input(
        declaration=data.get("declaration") or "",
        commons_line=data.get("commons_line") or "",
        organization=data.get("organization") or "",
        payer_email=data.get("payer_email") or "",
    )
    return {
        "kind": data["kind"],
        "method": data["method"],
        "paid_on": data["paid_on"],
        "gross": data["gross"],
        "fee": data.get("fee") or "0",
        "payer_name": data.get("payer_name") or "",
        "payer_email": data.get("payer_email") or "",
        "external_id": data.get("external_id") or "",
        "note": data.get("note") or "",
        **found,
    }


@login_required
def payment_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    check_can_manage_payments(user)
    form = _payment_form(request)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                payment = call_service(
                    form,
                    lambda: services.payment_record(actor=user, **payment_input(form.cleaned_data)),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if payment is not None:
                    messages.success(
                        request,
                        _("Payment recorded; receipt %(number)s issued.")
                        % {"number": payment.receipt.number},
                    )
                    return redirect(payment.get_absolute_url())
    return render(
        request, "reciprocity/declarations/payment_form.html", {"form": form}, status=status
    )


def _render_payment(
    request: HttpRequest,
    payment: Payment,
    *,
    refund_form: Form | None = None,
    match_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    steward = can_manage_payments(request.user)
    refunds = selectors.payment_refunds(payment)
    refunded = sum((r.gross for r in refunds), start=payment.gross * 0)
    context: dict[str, Any] = {
        "payment": payment,
        "refunds": refunds,
        "refundable": payment.gross - refunded,
        "receipt": getattr(payment, "receipt", None),
        "is_steward": steward,
    }
    if steward and not payment.is_refund and payment.gross > refunded:
        context["refund_form"] = refund_form or RefundForm()
    if (
        steward
        and payment.kind == PaymentKind.CONTRIBUTION
        and payment.declaration_id is None
        and not payment.is_refund
        and payment.payer_person is not None
    ):
        choices = [
            (str(d.uuid), f"{d.year} — {selectors.left_to_pay(d)} € HT")
            for d in selectors.payable_declarations(person=payment.payer_person)
        ]
        context["match_form"] = match_form or MatchForm(declarations=choices)
    return render(request, "reciprocity/declarations/payment_detail.html", context, status=status)


@require_safe
@login_required
def payment_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _render_payment(request, selectors.payment_get(actor=request.user, uuid=uuid))


@login_required
@require_POST
def payment_refund(request: HttpRequest, uuid: UUID) -> HttpResponse:
    payment = selectors.payment_get(actor=request.user, uuid=uuid)
    check_can_manage_payments(request.user)
    form = RefundForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            refund = call_service(
                form,
                refund_services.payment_refund,
                actor=request.user,
                payment=payment,
                amount=form.cleaned_data["amount"],
                refunded_on=form.cleaned_data["refunded_on"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if refund is not None:
                messages.success(request, _("The refund is recorded."))
                return redirect(payment.get_absolute_url())
    return _render_payment(request, payment, refund_form=form, status=status)


@login_required
@require_POST
def payment_match(request: HttpRequest, uuid: UUID) -> HttpResponse:
    payment = selectors.payment_get(actor=request.user, uuid=uuid)
    check_can_manage_payments(request.user)
    choices = (
        [
            (str(d.uuid), str(d.year))
            for d in selectors.payable_declarations(person=payment.payer_person)
        ]
        if payment.payer_person
        else []
    )
    form = MatchForm(request.POST, declarations=choices)
    status = 400
    if form.is_valid():
        try:
            target = selectors.resolve_payment_input(declaration=form.cleaned_data["declaration"])
            done = call_service(
                form,
                refund_services.payment_match,
                actor=request.user,
                payment=payment,
                declaration=target["declaration"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            done = None
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
            done = None
        if done is not None:
            messages.success(request, _("The payment now settles the declaration."))
            return redirect(payment.get_absolute_url())
    return _render_payment(request, payment, match_form=form, status=status)


@require_safe
@login_required
def receipt_pdf(request: HttpRequest, uuid: UUID) -> HttpResponse:
    receipt = selectors.receipt_get(actor=request.user, uuid=uuid)
    return pdf_response(receipt_document(receipt), f"recu-{receipt.number}.pdf")


def receipt_document(receipt: Any) -> bytes:
    return render_pdf(
        "pdf/receipt.html",
        {
            "receipt": receipt,
            "payment": receipt.payment,
            "association_name": getattr(settings, "ASSOCIATION_NAME", ""),
            "association_address": getattr(settings, "ASSOCIATION_ADDRESS", ""),
            "association_siren": getattr(settings, "ASSOCIATION_SIREN", ""),
        },
    )


def _attempt(form: Form, run: Any) -> tuple[Any, int]:
    """Run an import; its refusals go on the form. (report or None, status)."""
    try:
        report = call_service(form, run)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return None, error.status
    return report, 200 if report is not None else 400


@login_required
def helloasso_import(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    check_can_manage_payments(user)
    configured = helloasso_api.helloasso_api_configured()
    upload = HelloAssoImportForm()
    fetch = HelloAssoFetchForm() if configured else None
    report: Any = None
    status = 200
    if request.method == "POST" and request.POST.get("source") == "api" and configured:
        fetch = HelloAssoFetchForm(request.POST)
        status = 400
        if fetch.is_valid():
            data = fetch.cleaned_data
            report, status = _attempt(
                fetch,
                lambda: helloasso_api.helloasso_import_api(
                    actor=user, since=data["since"], dry_run=data["dry_run"]
                ),
            )
    elif request.method == "POST":
        upload = HelloAssoImportForm(request.POST, request.FILES)
        status = 400
        if upload.is_valid():
            data = upload.cleaned_data
            report, status = _attempt(
                upload,
                lambda: helloasso.helloasso_import_file(
                    actor=user, content=data["file"].read(), dry_run=data["dry_run"]
                ),
            )
    if report is not None and not report.dry_run:
        messages.success(request, _("The import is done."))
    return render(
        request,
        "reciprocity/declarations/helloasso.html",
        {"upload_form": upload, "fetch_form": fetch, "report": report},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("contributions/paiements/", payment_list, name="payment_list"),
    path("contributions/paiements/nouveau/", payment_create, name="payment_create"),
    path("contributions/paiements/<uuid:uuid>/", payment_detail, name="payment_detail"),
    path("contributions/paiements/<uuid:uuid>/rembourser/", payment_refund, name="payment_refund"),
    path("contributions/paiements/<uuid:uuid>/rapprocher/", payment_match, name="payment_match"),
    path("contributions/recus/<uuid:uuid>.pdf", receipt_pdf, name="receipt_pdf"),
    path("contributions/helloasso/", helloasso_import, name="helloasso_import"),
]
