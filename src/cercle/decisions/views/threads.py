"""Pages: threads, comments, mentions and read state (groups in `threads_groups`)."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cercle.core.errors import ApplicationError
from cercle.core.forms import call_service
from cercle.core.models import User
from cercle.core.views import paginate
from cercle.decisions.forms.threads import CommentEditForm, CommentForm, ThreadStartForm
from cercle.decisions.models import Comment, Thread
from cercle.decisions.policies.proposals import can_create_proposal
from cercle.decisions.policies.threads import (
    can_close_thread,
    can_comment,
    can_delete_comment,
    can_edit_comment,
    check_can_edit_comment,
    check_can_start_thread,
)
from cercle.decisions.selectors import threads as selectors
from cercle.decisions.services import threads as services
from cercle.decisions.views import threads_groups
from cercle.membership.viewer import viewer_for

COMMENTS_PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _run(form: Any, service: Any, **kwargs: Any) -> tuple[Any, int]:
    """Call a service for a page: (result, status); None and 400/403/409 when refused."""
    try:
        done = call_service(form, service, **kwargs)
    except ApplicationError as error:
        form.add_error(None, error.message)
        return None, error.status
    return done, (200 if done is not None else 400)


# ---------------------------------------------------------------- threads


@login_required
def thread_start(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_get(actor=request.user, slug=slug)
    check_can_start_thread(request.user, group)
    form = ThreadStartForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            thread, status = _run(
                form, services.thread_start, actor=request.user, group=group, **form.cleaned_data
            )
            if thread is not None:
                messages.success(request, _("The thread is started."))
                return redirect(thread.get_absolute_url())
    return render(
        request, "decisions/threads/thread_form.html", {"group": group, "form": form}, status=status
    )


def _render_thread(
    request: HttpRequest, thread: Thread, *, form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    last_read_at = selectors.thread_last_read_at(actor=request.user, thread=thread)
    page: Any = paginate(request, selectors.comment_list(thread=thread), COMMENTS_PER_PAGE)
    me = viewer_for(request.user).person
    for comment in page:
        comment.can_edit = can_edit_comment(request.user, comment)
        comment.can_delete = can_delete_comment(request.user, comment)
        comment.is_new = (
            me is not None
            and comment.deleted_at is None
            and comment.author_id != me.pk
            and (last_read_at is None or comment.created_at > last_read_at)
        )
    may_comment = can_comment(request.user, thread)
    replying_to: Comment | None = None
    if may_comment and form is None:
        parent_id = request.GET.get("repondre", "")
        replying_to = next((c for c in page if str(c.uuid) == parent_id), None)
        if replying_to is not None and replying_to.deleted_at is not None:
            replying_to = None
        form = CommentForm(initial={"parent": replying_to.uuid} if replying_to else None)
    services.thread_mark_read(actor=request.user, thread=thread)
    return render(
        request,
        "decisions/threads/thread_detail.html",
        {
            "thread": thread,
            "group": thread.group,
            "page": page,
            "mentions": selectors.mention_links(thread=thread),
            "form": form if may_comment else None,
            "replying_to": replying_to,
            "can_close": can_close_thread(request.user, thread),
            # The thread's proposals, and a way to open one while the thread is open.
            "proposals": thread.proposals.order_by("-opened_at", "-pk"),
            "can_propose": thread.closed_at is None
            and can_create_proposal(request.user, thread.group),
            "thread_new": me is not None and last_read_at is None and thread.author_id != me.pk,
        },
        status=status,
    )


@require_safe
def thread_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    thread = selectors.thread_get(actor=request.user, thread_id=uuid)
    return _render_thread(request, thread)


@login_required
@require_POST
def comment_add(request: HttpRequest, uuid: UUID) -> HttpResponse:
    thread = selectors.thread_get(actor=request.user, thread_id=uuid)
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(uuid=form.cleaned_data["parent"], thread=thread).first()
            if parent is None:
                form.add_error(None, _("You can only reply to a comment in this thread."))
        if not form.errors:
            comment, status = _run(
                form,
                services.comment_add,
                actor=request.user,
                thread=thread,
                body=form.cleaned_data["body"],
                parent=parent,
            )
            if comment is not None:
                messages.success(request, _("Your comment is posted."))
                return redirect(f"{thread.get_absolute_url()}?page=last#c-{comment.uuid}")
    return _render_thread(request, thread, form=form, status=status)


def _closing(request: HttpRequest, uuid: UUID, service: Any, done: str) -> HttpResponse:
    thread = selectors.thread_get(actor=request.user, thread_id=uuid)
    try:
        service(actor=request.user, thread=thread)
    except ApplicationError as error:
        if error.status == 403:
            raise
        messages.error(request, error.message)
        return _render_thread(request, thread, status=error.status)
    messages.success(request, done)
    return redirect(thread.get_absolute_url())


@login_required
@require_POST
def thread_close(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _closing(request, uuid, services.thread_close, _("The thread is closed."))


@login_required
@require_POST
def thread_reopen(request: HttpRequest, uuid: UUID) -> HttpResponse:
    return _closing(request, uuid, services.thread_reopen, _("The thread is open again."))


# ---------------------------------------------------------------- one comment


@login_required
def comment_edit(request: HttpRequest, uuid: UUID) -> HttpResponse:
    comment = selectors.comment_get(actor=request.user, comment_id=uuid)
    check_can_edit_comment(request.user, comment)
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = _run(
                form,
                services.comment_edit,
                actor=request.user,
                comment=comment,
                body=form.cleaned_data["body"],
            )
            if done is not None:
                messages.success(request, _("Your comment is changed."))
                return redirect(f"{comment.thread.get_absolute_url()}#c-{comment.uuid}")
    return render(
        request,
        "decisions/threads/comment_edit.html",
        {"comment": comment, "thread": comment.thread, "form": form},
        status=status,
    )


@login_required
@require_POST
def comment_delete(request: HttpRequest, uuid: UUID) -> HttpResponse:
    comment = selectors.comment_get(actor=request.user, comment_id=uuid)
    try:
        services.comment_delete(actor=_user(request), comment=comment)
    except ApplicationError as error:
        if error.status == 403:
            raise
        messages.error(request, error.message)
        return _render_thread(request, comment.thread, status=error.status)
    messages.success(request, _("Your comment is deleted."))
    return redirect(f"{comment.thread.get_absolute_url()}#c-{comment.uuid}")


urlpatterns: list[URLPattern | URLResolver] = [
    *threads_groups.urlpatterns,
    path("decisions/groupes/<slug:slug>/nouveau-fil/", thread_start, name="thread_start"),
    path("decisions/fils/<uuid:uuid>/", thread_detail, name="thread_detail"),
    path("decisions/fils/<uuid:uuid>/commenter/", comment_add, name="comment_add"),
    path("decisions/fils/<uuid:uuid>/fermer/", thread_close, name="thread_close"),
    path("decisions/fils/<uuid:uuid>/rouvrir/", thread_reopen, name="thread_reopen"),
    path("decisions/commentaires/<uuid:uuid>/modifier/", comment_edit, name="comment_edit"),
    path("decisions/commentaires/<uuid:uuid>/supprimer/", comment_delete, name="comment_delete"),
]
