"""Pages: my statement, yearly declarations (declare, amend, invoice, cancel).

Payments, refunds, receipts and the HelloAsso import are in `declarations_payments`;
their addresses are collected here.
"""

from __future__ import annotations

import contextlib
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError, Conflict
from cercle.core.forms import call_service, form_status
from cercle.core.pagecache import cached_page
from cercle.core.views import paginate
from cercle.reciprocity.enums import DeclarationStatus
from cercle.reciprocity.forms.declarations import CancelForm, DeclarationForm, YearForm
from cercle.reciprocity.models import YearlyDeclaration
from cercle.reciprocity.policies.declarations import (
    can_amend_declaration,
    can_declare,
    can_manage_payments,
    check_can_amend_declaration,
    check_can_declare,
    person_of,
)
from cercle.reciprocity.selectors import declarations as selectors
from cercle.reciprocity.services import declarations as services
from cercle.reciprocity.views import declarations_payments


def _year(request: HttpRequest) -> tuple[YearForm, int]:
    form = YearForm(request.GET or None)
    year = timezone.localdate().year
    if form.is_bound and form.is_valid() and form.cleaned_data.get("annee"):
        year = form.cleaned_data["annee"]
    return form, year


@require_safe
@login_required
@cached_page
def statement(request: HttpRequest) -> HttpResponse:
    form, year = _year(request)
    data = selectors.statement_get(actor=request.user, year=year)
    return render(
        request,
        "reciprocity/declarations/statement.html",
        {
            "form": form,
            "statement": data,
            "can_declare": can_declare(request.user),
            "has_open": any(d.status != DeclarationStatus.CANCELLED for d in data.declarations),
        },
        status=form_status(form),
    )


@require_safe
@login_required
def declaration_list(request: HttpRequest) -> HttpResponse:
    form, year = _year(request)
    status = request.GET.get("statut", "")
    if status not in DeclarationStatus.values:
        status = ""
    overdue = request.GET.get("en_retard") == "1"
    declarations = selectors.declaration_list(
        actor=request.user,
        year=year if request.GET.get("annee") else None,
        status=status,
        overdue=overdue,
    )
    return render(
        request,
        "reciprocity/declarations/list.html",
        {
            "form": form,
            "page": paginate(request, declarations),
            "statuses": DeclarationStatus.choices,
            "status": status,
            "overdue": overdue,
            "is_steward": can_manage_payments(request.user),
        },
        status=form_status(form),
    )


def _declaration_form(request: HttpRequest, *, year: int, **kwargs: Any) -> DeclarationForm:
    person = person_of(request.user)
    missions = selectors.mission_choices(person=person, year=year) if person else []
    return DeclarationForm(request.POST or None, missions=missions, **kwargs)


@login_required
def declaration_create(request: HttpRequest) -> HttpResponse:
    check_can_declare(request.user)
    _form, year = _year(request)
    if request.method == "POST":
        # The posted year picks the missions offered; one outside the form's bounds is
        # left to the form's error (year 0 made the mission query crash: a 500).
        with contextlib.suppress(ValueError):
            posted = int(request.POST.get("year") or year)
            bounds = DeclarationForm.base_fields["year"]
            if bounds.min_value <= posted <= bounds.max_value:  # type: ignore[attr-defined]
                year = posted
    form = _declaration_form(request, year=year, initial={"year": year})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                declaration = call_service(
                    form,
                    services.declaration_create,
                    actor=request.user,
                    year=form.cleaned_data["year"],
                    amount_ht=form.cleaned_data["amount_ht"],
                    note=form.cleaned_data["note"],
                    lines=form.lines(),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if declaration is not None:
                    messages.success(request, _("Your declaration is recorded. Thank you."))
                    return redirect(declaration.get_absolute_url())
    return render(
        request,
        "reciprocity/declarations/form.html",
        {"form": form, **_expected_context(request, year)},
        status=status,
    )


def _expected_context(request: HttpRequest, year: int) -> dict[str, Any]:
    person = person_of(request.user)
    if person is None:
        return {"year": year}
    from cercle.reciprocity.selectors.policies import expected_total

    return {"year": year, "expected": expected_total(person=person, year=year)}


def _render_detail(
    request: HttpRequest,
    declaration: YearlyDeclaration,
    *,
    cancel_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    steward = can_manage_payments(request.user)
    context: dict[str, Any] = {
        "declaration": declaration,
        "lines": selectors.declaration_lines(declaration),
        "payments": selectors.declaration_payments(declaration),
        "left": selectors.left_to_pay(declaration),
        "can_amend": can_amend_declaration(request.user, declaration),
        "can_invoice": steward and declaration.status == DeclarationStatus.DECLARED,
        "can_cancel": steward
        and declaration.status in (DeclarationStatus.DECLARED, DeclarationStatus.INVOICED),
        "is_steward": steward,
    }
    if context["can_cancel"]:
        context["cancel_form"] = cancel_form or CancelForm()
    if declaration.person_id:
        from cercle.reciprocity.selectors.policies import expected_total

        context["expected"] = expected_total(person=declaration.person, year=declaration.year)
    return render(request, "reciprocity/declarations/detail.html", context, status=status)


@require_safe
@login_required
def declaration_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    declaration = selectors.declaration_get(actor=request.user, uuid=uuid)
    return _render_detail(request, declaration)


@login_required
def declaration_amend(request: HttpRequest, uuid: UUID) -> HttpResponse:
    declaration = selectors.declaration_get(actor=request.user, uuid=uuid)
    check_can_amend_declaration(request.user, declaration)
    if declaration.status != DeclarationStatus.DECLARED:
        raise Conflict(_("Only a declaration not yet invoiced can be amended."))
    initial: dict[str, Any] = {"amount_ht": declaration.amount_ht, "note": declaration.note}
    for line in declaration.lines.all():
        initial[f"mission_{line.mission.uuid}"] = line.amount_ht
    form = _declaration_form(request, year=declaration.year, with_year=False, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = call_service(
                    form,
                    services.declaration_amend,
                    actor=request.user,
                    declaration=declaration,
                    amount_ht=form.cleaned_data["amount_ht"],
                    note=form.cleaned_data["note"],
                    lines=form.lines(),
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if done is not None:
                    messages.success(request, _("Your declaration is amended."))
                    return redirect(done.get_absolute_url())
    return render(
        request,
        "reciprocity/declarations/form.html",
        {
            "form": form,
            "declaration": declaration,
            **_expected_context(request, declaration.year),
        },
        status=status,
    )


@login_required
@require_POST
def declaration_invoice(request: HttpRequest, uuid: UUID) -> HttpResponse:
    declaration = selectors.declaration_get(actor=request.user, uuid=uuid)
    try:
        services.declaration_invoice(actor=request.user, declaration=declaration)  # type: ignore[arg-type]
    except ApplicationError as error:
        if error.status == 403:
            raise
        messages.error(request, error.message)
        return _render_detail(
            request, selectors.declaration_get(actor=request.user, uuid=uuid), status=error.status
        )
    messages.success(request, _("The declaration is invoiced."))
    return redirect(declaration.get_absolute_url())


@login_required
@require_POST
def declaration_cancel(request: HttpRequest, uuid: UUID) -> HttpResponse:
    declaration = selectors.declaration_get(actor=request.user, uuid=uuid)
    form = CancelForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            done = call_service(
                form,
                services.declaration_cancel,
                actor=request.user,
                declaration=declaration,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            if error.status == 403:
                raise
            form.add_error(None, error.message)
            status = error.status
        else:
            if done is not None:
                messages.success(request, _("The declaration is cancelled."))
                return redirect(done.get_absolute_url())
    return _render_detail(request, declaration, cancel_form=form, status=status)


urlpatterns: list[URLPattern] = [
    path("contributions/", statement, name="statement"),
    path("contributions/declarations/", declaration_list, name="declaration_list"),
    path("contributions/declarations/nouvelle/", declaration_create, name="declaration_create"),
    path("contributions/declarations/<uuid:uuid>/", declaration_detail, name="declaration_detail"),
    path(
        "contributions/declarations/<uuid:uuid>/modifier/",
        declaration_amend,
        name="declaration_amend",
    ),
    path(
        "contributions/declarations/<uuid:uuid>/facturer/",
        declaration_invoice,
        name="declaration_invoice",
    ),
    path(
        "contributions/declarations/<uuid:uuid>/annuler/",
        declaration_cancel,
        name="declaration_cancel",
    ),
    *declarations_payments.urlpatterns,
]
