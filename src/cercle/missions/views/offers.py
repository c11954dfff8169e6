"""Pages of the circle: a team's offer (submit, read, withdraw, files) and the request
page's part about offers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.commons.selectors import common_choices
from cercle.core.errors import ApplicationError, NotAllowed, NotFound
from cercle.core.forms import call_service
from cercle.core.uploads import download_response
from cercle.missions.enums import OfferStatus
from cercle.missions.forms.offers import AnonymisedFileForm, CommonsLineFormSet, OfferForm
from cercle.missions.models import Offer, SupportRequest, Team
from cercle.missions.policies.offers import (
    OfferAccess,
    can_change_offer,
    can_see_offers_of,
    check_can_download,
)
from cercle.missions.selectors import offers as selectors
from cercle.missions.services import offers as services


def offers_section(
    request: HttpRequest,
    support_request: SupportRequest,
    viewer: Any,
    *,
    teams: list[Team] | None = None,
) -> dict[str, object]:
    """Context for this topic's part of the request page (`missions/requests/_offers.html`);
    `teams`: the rows of `teams.request_teams` the page has read (saves four queries)."""
    if not can_see_offers_of(request.user):
        return {"offers_view": None}
    return {
        "offers_view": selectors.offers_view(
            actor=request.user, support_request=support_request, teams=teams
        )
    }


# ---------------------------------------------------------------- submit


@login_required
def offer_submit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    support_request = selectors.request_for_offers(actor=request.user, uuid=uuid)
    team = selectors.team_led_by(actor=request.user, support_request=support_request)
    if team is None:
        raise NotAllowed(_("Only the lead of a team on this request submits its offer."))
    live = Offer.objects.filter(team=team, status=OfferStatus.SUBMITTED).first()
    choices = common_choices()
    bound = request.method == "POST"
    form = OfferForm(request.POST if bound else None, request.FILES if bound else None)
    formset = CommonsLineFormSet(
        request.POST if bound else None, prefix="commons", form_kwargs={"common_choices": choices}
    )
    status = 200
    if bound:
        status = 400
        if form.is_valid() and formset.is_valid():
            lines = [
                {
                    "common": row["common"],
                    "amount_ht": row["amount_ht"],
                    "purpose": row.get("purpose", ""),
                }
                for row in formset.cleaned_data
                if row and row.get("common")
            ]
            data = form.cleaned_data
            try:
                offer = call_service(
                    form,
                    services.offer_submit,
                    actor=request.user,
                    team=team,
                    price_ht=data["price_ht"],
                    days=data["days"],
                    method=data["method"],
                    references=data["references"],
                    commons_lines=lines,
                    method_file=data.get("method_file") or None,
                    anonymised_method_file=data.get("anonymised_method_file") or None,
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if offer is not None:
                    messages.success(
                        request,
                        _("Your offer is submitted as offer %(label)s.") % {"label": offer.label},
                    )
                    return redirect("missions:offer_detail", uuid=offer.uuid)
    return render(
        request,
        "missions/offers/submit.html",
        {
            "support_request": support_request,
            "team": team,
            "live_offer": live,
            "deadline_passed": support_request.deadline_passed(),
            "form": form,
            "formset": formset,
            "has_commons": bool(choices),
        },
        status=status,
    )


# ---------------------------------------------------------------- one offer


def _render_detail(
    request: HttpRequest,
    visible: selectors.VisibleOffer,
    *,
    file_form: AnonymisedFileForm | None = None,
    status: int = 200,
) -> HttpResponse:
    offer = visible.offer
    open_ = timezone.now() < offer.request.offers_deadline
    can_change = (
        visible.full
        and can_change_offer(request.user, offer)
        and offer.status == OfferStatus.SUBMITTED
        and open_
    )
    context: dict[str, Any] = {
        "offer": offer,
        "visible": visible,
        "support_request": offer.request,
        "can_change": can_change,
        "deadline_passed": not open_,
        "anonymised": selectors.offer_anonymised(offer) if visible.full else None,
    }
    if can_change:
        context["file_form"] = file_form or AnonymisedFileForm()
    return render(request, "missions/offers/detail.html", context, status=status)


@require_safe
@login_required
def offer_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _render_detail(request, selectors.offer_get(actor=request.user, uuid=uuid))


@login_required
@require_POST
def offer_withdraw(request: HttpRequest, uuid: UUID) -> HttpResponse:
    visible = selectors.offer_get(actor=request.user, uuid=uuid)
    services.offer_withdraw(actor=request.user, offer=visible.offer)  # type: ignore[arg-type]
    messages.success(request, _("Your offer is withdrawn. Your team may submit a new one."))
    return redirect(visible.offer.request.get_absolute_url())


@login_required
@require_POST
def offer_replace_file(request: HttpRequest, uuid: UUID) -> HttpResponse:
    visible = selectors.offer_get(actor=request.user, uuid=uuid)
    form = AnonymisedFileForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            done = call_service(
                form,
                services.offer_replace_anonymised_file,
                actor=request.user,
                offer=visible.offer,
                file=form.cleaned_data["anonymised_method_file"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if done is not None:
                messages.success(request, _("The anonymised method file is replaced."))
                return redirect("missions:offer_detail", uuid=uuid)
    return _render_detail(request, visible, file_form=form, status=status)


FILE_KINDS = {"methode": "method_file", "methode-anonymisee": "anonymised_method_file"}


@require_safe
@login_required
def offer_file(request: HttpRequest, uuid: UUID, kind: str) -> FileResponse:
    if kind not in FILE_KINDS:
        raise NotFound()
    visible = selectors.offer_get(actor=request.user, uuid=uuid)
    check_can_download(visible.access if visible.access >= OfferAccess.FULL else OfferAccess.NONE)
    offer = visible.offer
    stored = getattr(offer, FILE_KINDS[kind])
    if not stored:
        raise NotFound(_("This offer has no such file."))
    if kind == "methode-anonymisee":
        filename = selectors.anonymised_file_name(offer)
    else:
        filename = str(stored.name).rsplit("/", 1)[-1]
    return download_response(stored, filename=filename)


urlpatterns = [
    path("demandes/<uuid:uuid>/offre/", offer_submit, name="offer_submit"),
    path("offres/<uuid:uuid>/", offer_detail, name="offer_detail"),
    path("offres/<uuid:uuid>/retirer/", offer_withdraw, name="offer_withdraw"),
    path("offres/<uuid:uuid>/fichier-anonymise/", offer_replace_file, name="offer_replace_file"),
    path("offres/<uuid:uuid>/fichiers/<slug:kind>/", offer_file, name="offer_file"),
]
