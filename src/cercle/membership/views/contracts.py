"""Adhesion pages: my contracts, one contract, the stewards' queue and the menus."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import Conflict
from cercle.core.forms import call_service, form_status
from cercle.core.models import User
from cercle.core.pdf import pdf_response
from cercle.core.views import paginate
from cercle.membership.enums import MenuSection
from cercle.membership.forms.contracts import (
    CommentForm,
    ContractChoicesForm,
    ContractStartForm,
    MenuFilterForm,
    MenuItemCreateForm,
    MenuItemEditForm,
    QueueFilterForm,
    RefuseForm,
)
from cercle.membership.models import AdhesionContract
from cercle.membership.policies.contracts import (
    check_can_edit,
    check_can_manage_menus,
    contract_rights,
)
from cercle.membership.selectors import contracts as selectors
from cercle.membership.services import contracts as services
from cercle.membership.services import menus as menu_services
from cercle.network.enums import ActorType


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind `login_required`)."""
    return cast(User, request.user)


def _see_other(url: str) -> HttpResponse:
    """After a POST, go and GET the result (303)."""
    return HttpResponseRedirect(url, status=303)


# ---------------------------------------------------------------- my contracts


@login_required
def adhesion_home(request: HttpRequest) -> HttpResponse:
    """My contracts and my organizations', and the form to start one."""
    organizations = list(selectors.administered_organizations(user=request.user))
    form = ContractStartForm(request.POST or None, organizations=organizations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                contract = call_service(
                    form, services.contract_start, actor=_user(request), **form.applicant_kwargs()
                )
            except Conflict as error:
                form.add_error(None, error.message)
                contract = None
            if contract is not None:
                messages.success(request, _("Your draft is ready: pick your items below."))
                return _see_other(contract.get_absolute_url())
        status = 400
    page = paginate(request, selectors.contract_list(actor=_user(request), mine_only=True))
    return render(
        request,
        "membership/contracts/home.html",
        {"form": form, "page": page, "organizations": organizations},
        status=status,
    )


def _detail_context(
    request: HttpRequest, contract: AdhesionContract, **forms: Any
) -> dict[str, Any]:
    rights = contract_rights(request.user, contract)
    versions = selectors.contract_history(contract=contract)
    context: dict[str, Any] = {
        "contract": contract,
        "rights": rights,
        "sections": selectors.choices_by_section(contract.choices.all()),
        "history": [
            (version, selectors.choices_by_section(version.choices.all()))
            for version in versions
            if version.pk != contract.pk
        ],
        "open_version": next((v for v in versions if v.is_open and v.pk != contract.pk), None),
        "comments": contract.comments.all(),
    }
    if rights.can_edit and "choices_form" not in forms:
        forms["choices_form"] = ContractChoicesForm(
            menu=selectors.menu_for(contract.actor_type), contract=contract
        )
    if rights.can_comment:
        forms.setdefault("comment_form", CommentForm())
    if rights.can_decide:
        forms.setdefault("refuse_form", RefuseForm())
    context.update(forms)
    return context


@login_required
def contract_detail(request: HttpRequest, contract_id: str) -> HttpResponse:
    """The contract; on POST, the applicant saves the draft (and may submit it)."""
    contract = selectors.contract_get(actor=_user(request), uuid=contract_id)
    if request.method != "POST":
        return render(
            request, "membership/contracts/detail.html", _detail_context(request, contract)
        )
    if not contract_rights(request.user, contract).can_edit:
        check_can_edit(request.user, contract)
        raise Conflict(_("Only a draft can be changed; ask for an amendment instead."))
    form = ContractChoicesForm(
        request.POST, menu=selectors.menu_for(contract.actor_type), contract=contract
    )
    if form.is_valid():
        saved = call_service(
            form,
            services.contract_update,
            actor=_user(request),
            contract=contract,
            motivation=form.cleaned_data["motivation"],
            choices=form.chosen(),
        )
        if saved is not None and request.POST.get("action") == "submit":
            saved = call_service(
                form, services.contract_submit, actor=_user(request), contract=contract
            )
            if saved is not None:
                messages.success(request, _("Your contract was sent to the stewards."))
        elif saved is not None:
            messages.success(request, _("Your draft is saved."))
        if saved is not None:
            return _see_other(contract.get_absolute_url())
    contract = selectors.contract_get(actor=_user(request), uuid=contract_id)
    return render(
        request,
        "membership/contracts/detail.html",
        _detail_context(request, contract, choices_form=form),
        status=400,
    )


@login_required
@require_POST
def contract_comment(request: HttpRequest, contract_id: str) -> HttpResponse:
    """Post to the discussion; with htmx, answer with the refreshed thread only."""
    contract = selectors.contract_get(actor=_user(request), uuid=contract_id)
    form = CommentForm(request.POST)
    comment = None
    if form.is_valid():
        comment = call_service(
            form,
            services.contract_comment,
            actor=_user(request),
            contract=contract,
            body=form.cleaned_data["body"],
        )
    done = comment is not None
    if done and not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, _("Your message was posted."))
        return _see_other(contract.get_absolute_url() + "#discussion")
    contract = selectors.contract_get(actor=_user(request), uuid=contract_id)
    context = _detail_context(request, contract, comment_form=CommentForm() if done else form)
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps only 2xx answers: the thread with its errors comes back as 200.
        return render(request, "membership/contracts/_thread.html", context)
    return render(request, "membership/contracts/detail.html", context, status=400)


@login_required
@require_POST
def contract_validate(request: HttpRequest, contract_id: str) -> HttpResponse:
    contract = selectors.contract_get(actor=_user(request), uuid=contract_id)
    services.contract_validate(actor=_user(request), contract=contract)
    messages.success(request, _("The contract is validated; the applicant has been told."))
    return _see_other(contract.get_absolute_url())


@login_required
@require_POST
def contract_refuse(request: HttpRequest, contract_id: str) -> HttpResponse:
    contract = selectors.contract_get(actor=_user(request), uuid=contract_id)
    form = RefuseForm(request.POST)
    refused = None
    if form.is_valid():
        refused = call_service(
            form,
            services.contract_refuse,
            actor=_user(request),
            contract=contract,
            reason=form.cleaned_data["reason"],
        )
    if refused is not None:
        messages.success(request, _("The contract is refused; the applicant has been told."))
        return _see_other(contract.get_absolute_url())
    contract = selectors.contract_get(actor=_user(request), uuid=contract_id)
    return render(
        request,
        "membership/contracts/detail.html",
        _detail_context(request, contract, refuse_form=form),
        status=400,
    )


@login_required
@require_POST
def contract_amend(request: HttpRequest, contract_id: str) -> HttpResponse:
    contract = selectors.contract_get(actor=_user(request), uuid=contract_id)
    amendment = services.contract_amend(actor=_user(request), contract=contract)
    messages.success(request, _("A new version is open: change what you need, then submit it."))
    return _see_other(amendment.get_absolute_url())


@require_safe
@login_required
def contract_pdf(request: HttpRequest, contract_id: str) -> HttpResponse:
    contract = selectors.contract_get(actor=_user(request), uuid=contract_id)
    pdf = selectors.contract_pdf(actor=_user(request), contract=contract)
    return pdf_response(pdf, f"contrat-adhesion-{contract.uuid}-v{contract.version}.pdf")


# ---------------------------------------------------------------- stewards


@require_safe
@login_required
def contract_queue(request: HttpRequest) -> HttpResponse:
    """Contracts waiting for the stewards, oldest first."""
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    contracts = selectors.contract_queue(
        actor=_user(request),
        status=filters.get("status", ""),
        actor_type=filters.get("actor_type", ""),
    )
    return render(
        request,
        "membership/contracts/queue.html",
        {"form": form, "page": paginate(request, contracts)},
        status=form_status(form),
    )


def _menus_url(actor_type: str) -> str:
    return f"{reverse('membership:menu_list')}?actor_type={actor_type}"


@login_required
def menu_list(request: HttpRequest) -> HttpResponse:
    """The menus of one actor type, section by section; POST adds an item."""
    check_can_manage_menus(request.user)
    filter_form = MenuFilterForm(request.GET or None)
    actor_type = ActorType.TIERS_LIEU.value
    if filter_form.is_bound and filter_form.is_valid() and filter_form.cleaned_data["actor_type"]:
        actor_type = filter_form.cleaned_data["actor_type"]
    form = MenuItemCreateForm(
        request.POST or None, initial={"actor_type": actor_type, "section": "need"}
    )
    if request.method == "POST":
        if form.is_valid():
            item = call_service(
                form, menu_services.menu_item_create, actor=_user(request), **form.cleaned_data
            )
            if item is not None:
                messages.success(request, _("The item was added."))
                return _see_other(_menus_url(item.actor_type))
        actor_type = form.data.get("actor_type") or actor_type
    items = selectors.menu_item_list(actor_type=actor_type)
    sections: dict[str, list[Any]] = {section: [] for section in MenuSection.values}
    for item in items:
        sections[item.section].append(item)
    return render(
        request,
        "membership/contracts/menus.html",
        {
            "form": form,
            "actor_type": actor_type,
            "actor_types": ActorType.choices,
            "sections": [(MenuSection(s).label, s, rows) for s, rows in sections.items()],
        },
        status=form_status(form),
    )


@login_required
def menu_item_edit(request: HttpRequest, item_id: str) -> HttpResponse:
    check_can_manage_menus(request.user)
    item = selectors.menu_item_get(uuid=item_id)
    initial = {name: getattr(item, name) for name in MenuItemEditForm.base_fields}
    form = MenuItemEditForm(request.POST or None, initial=initial)
    saved = None
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        if changes.get("position") is None:
            changes.pop("position")  # an empty position keeps the item where it is
        saved = call_service(
            form, menu_services.menu_item_update, actor=_user(request), item=item, **changes
        )
    if saved is not None:
        messages.success(request, _("The item was saved."))
        return _see_other(_menus_url(item.actor_type))
    return render(
        request,
        "membership/contracts/menu_item.html",
        {"form": form, "item": item},
        status=form_status(form),
    )


@login_required
@require_POST
def menu_item_move(request: HttpRequest, item_id: str) -> HttpResponse:
    check_can_manage_menus(request.user)
    item = selectors.menu_item_get(uuid=item_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return render(
            request,
            "core/error.html",
            {"message": _("Choose to move the item up or down."), "status": 400},
            status=400,
        )
    menu_services.menu_item_move(
        actor=_user(request), item=item, offset=-1 if direction == "up" else 1
    )
    return _see_other(_menus_url(item.actor_type) + f"#section-{item.section}")


@login_required
@require_POST
def menu_item_active(request: HttpRequest, item_id: str) -> HttpResponse:
    check_can_manage_menus(request.user)
    item = selectors.menu_item_get(uuid=item_id)
    active = request.POST.get("active") == "1"
    menu_services.menu_item_set_active(actor=_user(request), item=item, active=active)
    if active:
        messages.success(request, _("“%(label)s” is offered again.") % {"label": item.label})
    else:
        messages.success(
            request,
            _("“%(label)s” is withdrawn; contracts that chose it keep it.") % {"label": item.label},
        )
    return _see_other(_menus_url(item.actor_type) + f"#section-{item.section}")
