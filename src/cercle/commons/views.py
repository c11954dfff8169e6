"""Pages of the commons registry: public list and detail, add, edit, (de)activate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.commons import selectors, services
from cercle.commons.forms import CommonFilterForm, CommonForm
from cercle.commons.models import Common
from cercle.commons.policies import (
    can_create_common,
    can_deactivate_common,
    can_edit_common,
    check_can_create_common,
    check_can_edit_common,
)
from cercle.core.forms import call_service, form_status
from cercle.core.views import paginate
from cercle.reciprocity.policies.reports import can_record_common_payout
from cercle.reciprocity.selectors import reports_commons


@require_safe
def common_list(request: HttpRequest) -> HttpResponse:
    form = CommonFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    commons = selectors.common_list(
        actor=request.user, q=filters.get("q", ""), include_inactive=True
    )
    return render(
        request,
        "commons/list.html",
        {
            "form": form,
            "page": paginate(request, commons),
            "can_create": can_create_common(request.user),
        },
        status=form_status(form),
    )


@require_safe
def common_detail(request: HttpRequest, slug: str) -> HttpResponse:
    common = selectors.common_get(actor=request.user, slug=slug)
    return render(
        request,
        "commons/detail.html",
        {
            "common": common,
            "usage": selectors.common_usage(actor=request.user, common=common),
            "can_edit": can_edit_common(request.user, common),
            "can_deactivate": can_deactivate_common(request.user),
            "funding": reports_commons.common_funding(actor=request.user, common=common),
            "can_record_payout": can_record_common_payout(request.user),
        },
    )


def _initial(common: Common) -> dict[str, Any]:
    return {
        "name": common.name,
        "url": common.url,
        "purpose": common.purpose,
        "stewards": ", ".join(p.slug for p in common.stewards.all()),
        "expected_in_kind": common.expected_in_kind,
        "expected_in_euros": common.expected_in_euros,
        "suggested_share_percent": common.suggested_share_percent,
    }


def _fields(form: CommonForm) -> dict[str, Any]:
    data = {k: v for k, v in form.cleaned_data.items() if k != "stewards"}
    return {**data, "stewards": form.steward_slugs()}


@login_required
def common_create(request: HttpRequest) -> HttpResponse:
    check_can_create_common(request.user)
    form = CommonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        common = call_service(form, services.common_create, actor=request.user, **_fields(form))
        if common is not None:
            messages.success(request, _("The common is in the registry."))
            return redirect(common.get_absolute_url())
    return render(
        request,
        "commons/form.html",
        {"form": form, "common": None},
        status=form_status(form) if request.method == "POST" else 200,
    )


@login_required
def common_edit(request: HttpRequest, slug: str) -> HttpResponse:
    common = selectors.common_get(actor=request.user, slug=slug)
    check_can_edit_common(request.user, common)
    form = CommonForm(request.POST or None, initial=_initial(common))
    if request.method == "POST" and form.is_valid():
        fields = _fields(form)
        if not fields["stewards"]:
            fields.pop("stewards")
        done = call_service(
            form, services.common_update, actor=request.user, common=common, **fields
        )
        if done is not None:
            messages.success(request, _("The common is updated."))
            return redirect(done.get_absolute_url())
    return render(
        request,
        "commons/form.html",
        {"form": form, "common": common},
        status=form_status(form) if request.method == "POST" else 200,
    )


@login_required
@require_POST
def common_deactivate(request: HttpRequest, slug: str) -> HttpResponse:
    user: Any = request.user
    common = selectors.common_get(actor=user, slug=slug)
    if request.POST.get("active") == "1":
        services.common_reactivate(actor=user, common=common)
        messages.success(request, _("The common is active again."))
    else:
        services.common_deactivate(actor=user, common=common)
        messages.success(request, _("The common is deactivated."))
    return redirect(common.get_absolute_url())
