"""Pages: the contribution settings, the guide, a mission's contribution and turnover.
In kind and animation time: `views.policies_in_kind` (their URLs are collected here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError
from cercle.core.forms import call_service, form_status
from cercle.core.views import paginate
from cercle.missions.models import Mission
from cercle.reciprocity.enums import PolicyKind
from cercle.reciprocity.forms.policies import (
    GuideSituationForm,
    NegotiationConfirmForm,
    NegotiationForm,
    PolicyChangeForm,
    SelfAssessmentForm,
    SettingsForm,
    TurnoverForm,
)
from cercle.reciprocity.policies import policies as policies
from cercle.reciprocity.selectors import policies as selectors
from cercle.reciprocity.services import policies as services
from cercle.reciprocity.services import policies_settings as settings_services
from cercle.reciprocity.services.policies import SETTINGS_FIELDS
from cercle.reciprocity.views import policies_in_kind

# ---------------------------------------------------------------- settings


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    current = selectors.settings_get_for(actor=request.user)
    initial = {f: getattr(current, f) for f in SETTINGS_FIELDS}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            settings_services.contribution_settings_update,
            actor=request.user,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("Settings saved."))
            return redirect("reciprocity:policies_settings")
    return render(
        request,
        "reciprocity/policies/settings.html",
        {"form": form, "settings": current},
        status=form_status(form),
    )


# ---------------------------------------------------------------- the guide


@require_safe
@login_required
def guide(request: HttpRequest) -> HttpResponse:
    can_manage = policies.can_manage_guide(request.user)
    situations = selectors.guide_situation_list(actor=request.user, include_inactive=can_manage)
    return render(
        request,
        "reciprocity/policies/guide.html",
        {"page": paginate(request, situations), "can_manage": can_manage},
    )


def _guide_form_page(request: HttpRequest, situation: Any = None) -> HttpResponse:
    policies.check_can_manage_guide(request.user)
    initial = (
        {
            "title": situation.title,
            "description": situation.description,
            "suggested_min_percent": situation.suggested_min_percent,
            "suggested_max_percent": situation.suggested_max_percent,
        }
        if situation
        else None
    )
    form = GuideSituationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if situation is None:
            done = call_service(
                form,
                settings_services.guide_situation_create,
                actor=request.user,
                **form.cleaned_data,
            )
        else:
            done = call_service(
                form,
                settings_services.guide_situation_update,
                actor=request.user,
                situation=situation,
                **form.cleaned_data,
            )
        if done is not None:
            messages.success(request, _("The guide is updated."))
            return redirect("reciprocity:policies_guide")
    return render(
        request,
        "reciprocity/policies/guide_form.html",
        {"form": form, "situation": situation},
        status=form_status(form),
    )


@login_required
def guide_add(request: HttpRequest) -> HttpResponse:
    return _guide_form_page(request)


@login_required
def guide_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    policies.check_can_manage_guide(request.user)
    return _guide_form_page(request, selectors.guide_situation_get(uuid=uuid))


@login_required
@require_POST
def guide_toggle(request: HttpRequest, uuid: UUID) -> HttpResponse:
    situation = selectors.guide_situation_get(uuid=uuid)
    settings_services.guide_situation_set_active(
        actor=request.user,  # type: ignore[arg-type]
        situation=situation,
        active=not situation.is_active,
    )
    messages.success(request, _("The guide is updated."))
    return redirect("reciprocity:policies_guide")


@login_required
@require_POST
def guide_move(request: HttpRequest, uuid: UUID, direction: str) -> HttpResponse:
    situation = selectors.guide_situation_get(uuid=uuid)
    settings_services.guide_situation_move(
        actor=request.user,  # type: ignore[arg-type]
        situation=situation,
        step=-1 if direction == "monter" else 1,
    )
    return redirect("reciprocity:policies_guide")


# ---------------------------------------------------------------- a mission's contribution


def _situation_choices() -> list[tuple[str, str]]:
    return [(str(r.situation.uuid), r.situation.title) for r in selectors.guide_ranges(None)]


def _render_mission(
    request: HttpRequest,
    mission: Mission,
    *,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    forms = forms or {}
    view = selectors.contribution_view(actor=user, mission=mission)
    contribution = view.contribution
    context: dict[str, Any] = {"mission": mission, "section": view}
    open_terms = contribution is not None and not view.invoiced
    if open_terms and policies.can_change_policy(user, mission):
        context["policy_form"] = forms.get("policy_form") or PolicyChangeForm(
            prefix="policy",
            initial={"policy": contribution.policy},  # type: ignore[union-attr]
        )
    policy = contribution.policy if contribution else ""
    if open_terms and policy == PolicyKind.SELF_ASSESSED:
        context["guide"] = selectors.guide_ranges(
            view.turnover.amount_ht if view.turnover else None
        )
        if policies.can_self_assess(user, mission):
            context["self_form"] = forms.get("self_form") or SelfAssessmentForm(
                prefix="self", situations=_situation_choices()
            )
    if open_terms and policy == PolicyKind.NEGOTIATED and policies.can_negotiate(user, mission):
        side = policies.negotiation_side(user, mission)
        context["side"] = side
        context["negotiation_form"] = forms.get("negotiation_form") or NegotiationForm(
            prefix="negotiation"
        )
        agreed = (
            contribution.steward_agreed_at  # type: ignore[union-attr]
            if side == "steward"
            else contribution.consultant_agreed_at  # type: ignore[union-attr]
        )
        if contribution.negotiated_amount_ht is not None and agreed is None:  # type: ignore[union-attr]
            context["confirm_form"] = forms.get("confirm_form") or NegotiationConfirmForm(
                prefix="confirm",
                initial={"amount_ht": contribution.negotiated_amount_ht},  # type: ignore[union-attr]
            )
    if policies.can_declare_turnover(user, mission):
        context["turnover_form"] = forms.get("turnover_form") or TurnoverForm(prefix="turnover")
    return render(request, "reciprocity/policies/mission.html", context, status=status)


@require_safe
@login_required
def mission_contribution(request: HttpRequest, uuid: UUID) -> HttpResponse:
    mission = selectors.mission_get_for_contribution(actor=request.user, uuid=uuid)
    return _render_mission(request, mission)


def _action(
    request: HttpRequest,
    uuid: UUID,
    key: str,
    form: Form,
    run: Callable[..., Any],
    arguments: Callable[[dict[str, Any]], dict[str, Any]],
    done_message: str,
) -> HttpResponse:
    mission = selectors.mission_get_for_contribution(actor=request.user, uuid=uuid)
    status = 400
    if form.is_valid():
        try:
            done = call_service(
                form, run, actor=request.user, mission=mission, **arguments(form.cleaned_data)
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            if done is not None:
                messages.success(request, done_message)
                return redirect("reciprocity:policies_mission", uuid=mission.uuid)
    return _render_mission(request, mission, forms={key: form}, status=status)


@login_required
@require_POST
def mission_policy_change(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _action(
        request,
        uuid,
        "policy_form",
        PolicyChangeForm(request.POST, prefix="policy"),
        services.mission_policy_change,
        lambda d: {"policy": d["policy"], "reason": d["reason"], "rate_percent": d["rate_percent"]},
        _("The policy is changed."),
    )


@login_required
@require_POST
def mission_self_assess(request: HttpRequest, uuid: UUID) -> HttpResponse:
    def arguments(data: dict[str, Any]) -> dict[str, Any]:
        situation = (
            selectors.guide_situation_get(uuid=data["guide_situation"])
            if data["guide_situation"]
            else None
        )
        return {"amount_ht": data["amount_ht"], "guide_situation": situation}

    return _action(
        request,
        uuid,
        "self_form",
        SelfAssessmentForm(request.POST, prefix="self", situations=_situation_choices()),
        services.self_assessed_set,
        arguments,
        _("Your contribution is recorded."),
    )


@login_required
@require_POST
def mission_negotiate(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _action(
        request,
        uuid,
        "negotiation_form",
        NegotiationForm(request.POST, prefix="negotiation"),
        services.negotiated_propose,
        lambda d: {"amount_ht": d["amount_ht"]},
        _("The amount is proposed."),
    )


@login_required
@require_POST
def mission_negotiation_confirm(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _action(
        request,
        uuid,
        "confirm_form",
        NegotiationConfirmForm(request.POST, prefix="confirm"),
        services.negotiated_confirm,
        lambda d: {"amount_ht": d["amount_ht"]},
        _("Your agreement is recorded."),
    )


@login_required
@require_POST
def mission_turnover(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _action(
        request,
        uuid,
        "turnover_form",
        TurnoverForm(request.POST, prefix="turnover"),
        services.turnover_declare,
        lambda d: {"amount_ht": d["amount_ht"], "note": d["note"]},
        _("The turnover is declared."),
    )


urlpatterns: list[URLPattern] = [
    path("contributions/reglages/", settings_page, name="policies_settings"),
    path("contributions/guide/", guide, name="policies_guide"),
    path("contributions/guide/nouvelle/", guide_add, name="policies_guide_add"),
    path("contributions/guide/<uuid:uuid>/modifier/", guide_edit, name="policies_guide_edit"),
    path("contributions/guide/<uuid:uuid>/etat/", guide_toggle, name="policies_guide_toggle"),
    path(
        "contributions/guide/<uuid:uuid>/monter/",
        guide_move,
        {"direction": "monter"},
        name="policies_guide_up",
    ),
    path(
        "contributions/guide/<uuid:uuid>/descendre/",
        guide_move,
        {"direction": "descendre"},
        name="policies_guide_down",
    ),
    path("contributions/missions/<uuid:uuid>/", mission_contribution, name="policies_mission"),
    path(
        "contributions/missions/<uuid:uuid>/politique/",
        mission_policy_change,
        name="policies_mission_policy",
    ),
    path(
        "contributions/missions/<uuid:uuid>/auto-evaluation/",
        mission_self_assess,
        name="policies_mission_self",
    ),
    path(
        "contributions/missions/<uuid:uuid>/negociation/",
        mission_negotiate,
        name="policies_mission_negotiate",
    ),
    path(
        "contributions/missions/<uuid:uuid>/negociation/accord/",
        mission_negotiation_confirm,
        name="policies_mission_confirm",
    ),
    path(
        "contributions/missions/<uuid:uuid>/chiffre-d-affaires/",
        mission_turnover,
        name="policies_mission_turnover",
    ),
    *policies_in_kind.urlpatterns,
]
