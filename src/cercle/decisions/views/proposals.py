"""Pages: proposals, polls, votes, stand-asides, closing and outcomes."""

from __future__ import annotations

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
from cercle.core.pagecache import cached_page
from cercle.core.views import paginate
from cercle.decisions.enums import ProposalStatus
from cercle.decisions.forms.proposals import (
    ExtendForm,
    OutcomeForm,
    ProposalCreateForm,
    ProposalFilterForm,
    StandAsideForm,
    VoteForm,
)
from cercle.decisions.models import Proposal
from cercle.decisions.policies.proposals import (
    can_manage_proposal,
    check_can_create_proposal,
)
from cercle.decisions.selectors import proposals as selectors
from cercle.decisions.selectors.proposals_results import not_voted, proposal_results
from cercle.decisions.selectors.threads import group_get, thread_get
from cercle.decisions.services import proposals as services
from cercle.decisions.services import proposals_votes as vote_services
from cercle.membership.viewer import viewer_for

VOTES_PER_PAGE = 50


def _run(form: Form, service: Any, **kwargs: Any) -> tuple[Any, int]:
    """Call the service for a valid form: (result, 200) or (None, the refusal's status)."""
    if not form.is_valid():
        return None, 400
    try:
        done = call_service(form, service, **kwargs)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return None, error.status
    return done, 200 if done is not None else 400


@require_safe
@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    form = ProposalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    proposals = selectors.proposal_list(
        actor=request.user, status=filters.get("status", ""), kind=filters.get("kind", "")
    )
    return render(
        request,
        "decisions/proposals/list.html",
        {"form": form, "page": paginate(request, proposals)},
        status=form_status(form),
    )


@login_required
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    group = group_get(actor=request.user, slug=slug)
    check_can_create_proposal(request.user, group)
    thread = None
    thread_id = request.GET.get("fil") or request.POST.get("thread") or ""
    if thread_id:
        try:
            thread = thread_get(actor=request.user, thread_id=UUID(thread_id))
        except ValueError:
            thread = None
    form = ProposalCreateForm(
        request.POST or None, voter_choices=selectors.voter_choices(group=group)
    )
    status = 200
    if request.method == "POST":
        data = form.cleaned_data if form.is_valid() else {}
        voters = None
        if data.get("voters"):
            voters, _missing = selectors.people_by_slugs(slugs=data["voters"])
        proposal, status = _run(
            form,
            services.proposal_create,
            actor=request.user,
            group=group,
            thread=thread,
            kind=data.get("kind"),
            title=data.get("title"),
            details=data.get("details", ""),
            closes_at=data.get("closes_at"),
            options=data.get("options") or None,
            anonymous=data.get("anonymous", False),
            hide_results_until_closed=data.get("hide_results_until_closed", False),
            reason_required=data.get("reason_required"),
            voters=voters,
            min_choices=data.get("min_choices"),
            max_choices=data.get("max_choices"),
            max_score=data.get("max_score"),
            dots_per_voter=data.get("dots_per_voter"),
        )
        if proposal is not None:
            messages.success(request, _("The proposal is open. Its members have been told."))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "decisions/proposals/create.html",
        {"form": form, "group": group, "thread": thread},
        status=status,
    )


def _render_detail(
    request: HttpRequest,
    proposal: Proposal,
    *,
    vote_form: VoteForm | None = None,
    stand_aside_form: StandAsideForm | None = None,
    extend_form: ExtendForm | None = None,
    outcome_form: OutcomeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The proposal's page in at most 15 queries whatever the number of votes and voters:
    counts in one query, the tally in SQL, the votes and the people who have not voted
    yet paginated (`page`, `attente`), their choices and the viewer's in one query."""
    user = request.user
    viewer = viewer_for(user)
    options = list(proposal.options.all())
    is_open = proposal.status == ProposalStatus.OPEN
    me = viewer.person
    results = proposal_results(proposal, options, list_not_voted=False, viewer=me)
    # The counts query says whether the viewer is an eligible voter (`can_vote`'s rule);
    # declaring one's own stand-aside asks the same (`can_stand_aside`).
    eligible = results.counts is not None and results.counts.viewer_eligible
    standing_aside = me is not None and any(a.person_id == me.pk for a in results.stand_asides)
    history = request.GET.get("historique") == "1"
    mine = selectors.my_votes(actor=user, proposal=proposal, with_choices=False)
    context: dict[str, Any] = {
        "proposal": proposal,
        "options": options,
        "results": results,
        "my_votes": mine,
        "standing_aside": standing_aside,
        "votes_visible": selectors.votes_visible(actor=user, proposal=proposal),
        "choices_visible": selectors.choices_visible(actor=user, proposal=proposal),
        "history": history,
        "outcomes": list(selectors.outcome_list(actor=user, proposal=proposal)),
        "is_open": is_open,
        "is_steward": viewer.is_steward,
    }
    listed = list(mine)
    if context["votes_visible"]:
        counts = results.counts
        votes_page: Any = paginate(
            request,
            selectors.vote_list(actor=user, proposal=proposal, history=history, with_choices=False),
            VOTES_PER_PAGE,
            count=None if counts is None else (counts.every if history else counts.latest),
        )
        votes_page.object_list = list(votes_page.object_list)
        listed += votes_page.object_list
        context["votes_page"] = votes_page
    selectors.attach_choices(listed)
    if is_open:
        waiting = not_voted(proposal).only("id", "slug", "first_name", "last_name")
        waiting_page: Any = paginate(
            request, waiting, VOTES_PER_PAGE, count=results.not_voted_count, param="attente"
        )
        if not results.not_voted_count:
            # Nobody waits: the page's slice is empty and would be no query at all. The
            # list is read anyway (an empty answer) so that the page costs the same queries
            # whatever the data (issue 6: 14 when everyone voted, 15 otherwise).
            waiting_page.object_list = list(waiting[:VOTES_PER_PAGE])
        context["waiting_page"] = waiting_page
    if is_open and not standing_aside and eligible:
        context["vote_form"] = vote_form or VoteForm(proposal=proposal, options=options)
    elif vote_form is not None:
        # A refused vote whose form is no longer shown (closed meanwhile, or standing
        # aside): say why at the top of the page.
        for error in vote_form.non_field_errors():
            messages.error(request, str(error))
    may_record = is_open and me is not None and (context["is_steward"] or eligible)
    if may_record or stand_aside_form is not None:
        # A steward follows a link next to a name to record that person's conflict.
        initial = {"person": request.GET.get("retrait", "")[:120]}
        context["stand_aside_form"] = stand_aside_form or StandAsideForm(
            for_someone=context["is_steward"], initial=initial
        )
        context["record_for_others"] = context["is_steward"] and may_record
    if can_manage_proposal(user, proposal):
        if is_open:
            context["can_close"] = True
            context["extend_form"] = extend_form or ExtendForm()
        elif proposal.status == ProposalStatus.CLOSED:
            context["outcome_form"] = outcome_form or OutcomeForm()
    return render(request, "decisions/proposals/detail.html", context, status=status)


@require_safe
@login_required
@cached_page
def proposal_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    proposal = selectors.proposal_get(actor=request.user, uuid=uuid)
    return _render_detail(request, proposal)


@login_required
@require_POST
def proposal_vote(request: HttpRequest, uuid: UUID) -> HttpResponse:
    proposal = selectors.proposal_get(actor=request.user, uuid=uuid)
    form = VoteForm(request.POST, proposal=proposal, options=list(proposal.options.all()))
    vote, status = _run(
        form,
        vote_services.vote_cast,
        actor=request.user,
        proposal=proposal,
        choices=form.choices() if form.is_valid() else {},
        reason=form.cleaned_data.get("reason", "") if form.is_valid() else "",
        alternative=form.cleaned_data.get("alternative", "") if form.is_valid() else "",
    )
    if vote is not None:
        messages.success(request, _("Your vote is recorded."))
        return redirect(proposal.get_absolute_url())
    return _render_detail(request, proposal, vote_form=form, status=status)


@login_required
@require_POST
def proposal_stand_aside(request: HttpRequest, uuid: UUID) -> HttpResponse:
    proposal = selectors.proposal_get(actor=request.user, uuid=uuid)
    is_steward = viewer_for(request.user).is_steward
    form = StandAsideForm(request.POST, for_someone=is_steward)
    person = None
    if form.is_valid() and form.cleaned_data.get("person"):
        found, _missing = selectors.people_by_slugs(slugs=[form.cleaned_data["person"].strip()])
        if found:
            person = found[0]
        else:
            form.add_error("person", _("Nobody has this identifier."))
    done, status = _run(
        form,
        vote_services.stand_aside_record,
        actor=request.user,
        proposal=proposal,
        reason=form.cleaned_data.get("reason", "") if form.is_valid() else "",
        person=person,
    )
    if done is not None:
        messages.success(request, _("The stand-aside is recorded: that vote will not be counted."))
        return redirect(proposal.get_absolute_url())
    return _render_detail(request, proposal, stand_aside_form=form, status=status)


@login_required
@require_POST
def proposal_close(request: HttpRequest, uuid: UUID) -> HttpResponse:
    proposal = selectors.proposal_get(actor=request.user, uuid=uuid)
    services.proposal_close(actor=request.user, proposal=proposal)  # type: ignore[arg-type]
    messages.success(request, _("The proposal is closed. Write its outcome."))
    return redirect(proposal.get_absolute_url())


@login_required
@require_POST
def proposal_extend(request: HttpRequest, uuid: UUID) -> HttpResponse:
    proposal = selectors.proposal_get(actor=request.user, uuid=uuid)
    form = ExtendForm(request.POST)
    done, status = _run(
        form,
        services.proposal_extend,
        actor=request.user,
        proposal=proposal,
        closes_at=form.cleaned_data.get("closes_at") if form.is_valid() else None,
    )
    if done is not None:
        messages.success(request, _("The closing time is moved."))
        return redirect(proposal.get_absolute_url())
    return _render_detail(request, proposal, extend_form=form, status=status)


@login_required
@require_POST
def proposal_outcome(request: HttpRequest, uuid: UUID) -> HttpResponse:
    proposal = selectors.proposal_get(actor=request.user, uuid=uuid)
    form = OutcomeForm(request.POST)
    done, status = _run(
        form,
        services.outcome_create,
        actor=request.user,
        proposal=proposal,
        statement=form.cleaned_data.get("statement", "") if form.is_valid() else "",
    )
    if done is not None:
        messages.success(request, _("The outcome is published."))
        return redirect(proposal.get_absolute_url())
    return _render_detail(request, proposal, outcome_form=form, status=status)


urlpatterns: list[URLPattern] = [
    path("decisions/propositions/", proposal_list, name="proposal_list"),
    path(
        "decisions/groupes/<slug:slug>/nouvelle-proposition/",
        proposal_create,
        name="proposal_create",
    ),
    path("decisions/propositions/<uuid:uuid>/", proposal_detail, name="proposal_detail"),
    path("decisions/propositions/<uuid:uuid>/voter/", proposal_vote, name="proposal_vote"),
    path(
        "decisions/propositions/<uuid:uuid>/se-retirer/",
        proposal_stand_aside,
        name="proposal_stand_aside",
    ),
    path("decisions/propositions/<uuid:uuid>/clore/", proposal_close, name="proposal_close"),
    path("decisions/propositions/<uuid:uuid>/prolonger/", proposal_extend, name="proposal_extend"),
    path("decisions/propositions/<uuid:uuid>/issue/", proposal_outcome, name="proposal_outcome"),
]
