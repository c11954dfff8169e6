"""API: groups, threads, comments, mentions and read state.

Bodies are Markdown sources; render them with the same sanitising rules as the pages.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from cercle.api.pagination import Pagination
from cercle.core.api import authenticated_user
from cercle.core.errors import NotFound
from cercle.decisions.enums import GroupKind, GroupVisibility, MembershipRule
from cercle.decisions.models import Comment, Group, GroupMembership, Thread
from cercle.decisions.policies.groups import check_can_manage_group_members
from cercle.decisions.selectors import threads as selectors
from cercle.decisions.services import threads as services
from cercle.decisions.services import threads_groups as group_services
from cercle.decisions.services.threads import MAX_BODY_LENGTH
from cercle.network.models import Person

router = Router(tags=["decisions: threads"])


# ---------------------------------------------------------------- schemas


class GroupOut(Schema):
    slug: str
    name: str
    kind: GroupKind
    membership_rule: MembershipRule
    visibility: GroupVisibility
    description: str
    is_member: bool
    thread_count: int
    unread_thread_count: int
    unread_comment_count: int
    open_proposal_count: int


class GroupIn(Schema):
    name: str = Field(max_length=200)
    kind: GroupKind
    membership_rule: MembershipRule
    visibility: GroupVisibility
    description: str = Field("", max_length=MAX_BODY_LENGTH)


class GroupMemberOut(Schema):
    person: str
    name: str
    is_admin: bool
    joined_at: datetime

    @staticmethod
    def resolve_person(membership: GroupMembership) -> str:
        return membership.person.slug

    @staticmethod
    def resolve_name(membership: GroupMembership) -> str:
        return membership.person.full_name


class GroupMemberIn(Schema):
    person: str = Field(max_length=120, description="The person's slug.")
    is_admin: bool = False


class GroupMemberPatch(Schema):
    is_admin: bool


def _slug_of(person: Person | None) -> str | None:
    return person.slug if person is not None else None


class ThreadOut(Schema):
    id: UUID = Field(alias="uuid")
    group: str
    title: str
    body: str = Field(description="Markdown.")
    author: str | None
    author_name: str
    created_at: datetime
    last_activity_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_group(thread: Thread) -> str:
        return thread.group.slug

    @staticmethod
    def resolve_author(thread: Thread) -> str | None:
        return _slug_of(thread.author)

    @staticmethod
    def resolve_author_name(thread: Thread) -> str:
        return thread.author.full_name if thread.author else ""


class ThreadListOut(ThreadOut):
    comment_count: int
    is_unread: bool
    unread_comment_count: int


class ThreadIn(Schema):
    group: str = Field(max_length=120, description="The group's slug.")
    title: str = Field(max_length=200)
    body: str = Field("", max_length=MAX_BODY_LENGTH, description="Markdown.")


class ThreadCommentOut(Schema):
    id: UUID = Field(alias="uuid")
    thread: UUID
    parent: UUID | None
    author: str | None
    author_name: str
    body: str = Field(description="Markdown; empty once deleted.")
    created_at: datetime
    edited_at: datetime | None
    deleted: bool

    @staticmethod
    def resolve_thread(comment: Comment) -> UUID:
        return comment.thread.uuid

    @staticmethod
    def resolve_parent(comment: Comment) -> UUID | None:
        return comment.parent.uuid if comment.parent else None

    @staticmethod
    def resolve_author(comment: Comment) -> str | None:
        return _slug_of(comment.author)

    @staticmethod
    def resolve_author_name(comment: Comment) -> str:
        return comment.author.full_name if comment.author else ""

    @staticmethod
    def resolve_body(comment: Comment) -> str:
        return "" if comment.deleted_at else comment.body

    @staticmethod
    def resolve_deleted(comment: Comment) -> bool:
        return comment.deleted_at is not None


class ThreadCommentIn(Schema):
    body: str = Field(max_length=MAX_BODY_LENGTH, description="Markdown.")
    parent: UUID | None = Field(None, description="The comment this one answers.")


class CommentPatch(Schema):
    body: str = Field(max_length=MAX_BODY_LENGTH, description="Markdown.")


class ReadOut(Schema):
    thread: UUID
    last_read_at: datetime | None


# ---------------------------------------------------------------- groups


@router.get("/groups", response=list[GroupOut])
@paginate(Pagination)
def list_groups(request: HttpRequest) -> Any:
    """The groups the caller may read, with their unread threads and comments."""
    return selectors.group_list(actor=request.user)


@router.post("/groups", response={201: GroupOut})
def create_group(request: HttpRequest, payload: GroupIn) -> Status[Group]:
    user = authenticated_user(request)
    group = group_services.group_create(actor=user, **payload.dict())
    return Status(201, selectors.group_get(actor=user, slug=group.slug))


@router.get("/groups/{slug}", response=GroupOut)
def get_group(request: HttpRequest, slug: str) -> Group:
    return selectors.group_get(actor=request.user, slug=slug)


@router.put("/groups/{slug}", response=GroupOut)
def update_group(request: HttpRequest, slug: str, payload: GroupIn) -> Group:
    user = authenticated_user(request)
    group = selectors.group_get(actor=user, slug=slug)
    group_services.group_update(actor=user, group=group, **payload.dict())
    return selectors.group_get(actor=user, slug=slug)


@router.get("/groups/{slug}/members", response=list[GroupMemberOut])
@paginate(Pagination)
def list_group_members(request: HttpRequest, slug: str) -> Any:
    """The people listed in the group (its stewards and administrators only)."""
    user = authenticated_user(request)
    group = selectors.group_get(actor=user, slug=slug)
    check_can_manage_group_members(user, group)
    return selectors.group_membership_list(group=group)


def _person(slug: str, field: str = "person") -> Person:
    person = selectors.person_by_slug(slug=slug)
    if person is None:
        raise ValidationError({field: [_("Nobody has this identifier.")]})
    return person


@router.post("/groups/{slug}/members", response={201: GroupMemberOut})
def add_group_member(
    request: HttpRequest, slug: str, payload: GroupMemberIn
) -> Status[GroupMembership]:
    user = authenticated_user(request)
    group = selectors.group_get(actor=user, slug=slug)
    check_can_manage_group_members(user, group)
    membership = group_services.group_member_add(
        actor=user, group=group, person=_person(payload.person), is_admin=payload.is_admin
    )
    return Status(201, membership)


def _listed_person(slug: str) -> Person:
    person = selectors.person_by_slug(slug=slug)
    if person is None:
        raise NotFound(_("Nobody has this identifier."))
    return person


@router.patch("/groups/{slug}/members/{person_slug}", response=GroupMemberOut)
def update_group_member(
    request: HttpRequest, slug: str, person_slug: str, payload: GroupMemberPatch
) -> GroupMembership:
    user = authenticated_user(request)
    group = selectors.group_get(actor=user, slug=slug)
    check_can_manage_group_members(user, group)
    return group_services.group_member_update(
        actor=user, group=group, person=_listed_person(person_slug), is_admin=payload.is_admin
    )


@router.delete("/groups/{slug}/members/{person_slug}", response={204: None})
def remove_group_member(request: HttpRequest, slug: str, person_slug: str) -> Status[None]:
    user = authenticated_user(request)
    group = selectors.group_get(actor=user, slug=slug)
    check_can_manage_group_members(user, group)
    group_services.group_member_remove(actor=user, group=group, person=_listed_person(person_slug))
    return Status(204, None)


# ---------------------------------------------------------------- threads


@router.get("/groups/{slug}/threads", response=list[ThreadListOut])
@paginate(Pagination)
def list_threads(request: HttpRequest, slug: str) -> Any:
    """A group's threads, latest activity first, with the caller's unread marks."""
    group = selectors.group_get(actor=request.user, slug=slug)
    return selectors.thread_list(actor=request.user, group=group)


@router.post("/threads", response={201: ThreadOut})
def start_thread(request: HttpRequest, payload: ThreadIn) -> Status[Thread]:
    user = authenticated_user(request)
    group = selectors.group_get(actor=user, slug=payload.group)
    thread = services.thread_start(actor=user, group=group, title=payload.title, body=payload.body)
    return Status(201, thread)


@router.get("/threads/{uuid}", response=ThreadOut)
def get_thread(request: HttpRequest, uuid: UUID) -> Thread:
    """A thread (reading it here does not mark it read: POST …/read does)."""
    return selectors.thread_get(actor=request.user, thread_id=uuid)


@router.post("/threads/{uuid}/close", response=ThreadOut)
def close_thread(request: HttpRequest, uuid: UUID) -> Thread:
    user = authenticated_user(request)
    thread = selectors.thread_get(actor=user, thread_id=uuid)
    return services.thread_close(actor=user, thread=thread)


@router.post("/threads/{uuid}/reopen", response=ThreadOut)
def reopen_thread(request: HttpRequest, uuid: UUID) -> Thread:
    user = authenticated_user(request)
    thread = selectors.thread_get(actor=user, thread_id=uuid)
    return services.thread_reopen(actor=user, thread=thread)


@router.post("/threads/{uuid}/read", response=ReadOut)
def mark_thread_read(request: HttpRequest, uuid: UUID) -> dict[str, Any]:
    """Mark the thread read up to now for the caller."""
    user = authenticated_user(request)
    thread = selectors.thread_get(actor=user, thread_id=uuid)
    read = services.thread_mark_read(actor=user, thread=thread)
    return {"thread": thread.uuid, "last_read_at": read.last_read_at if read else None}


# ---------------------------------------------------------------- comments


@router.get("/threads/{uuid}/comments", response=list[ThreadCommentOut])
@paginate(Pagination)
def list_comments(request: HttpRequest, uuid: UUID) -> Any:
    thread = selectors.thread_get(actor=request.user, thread_id=uuid)
    return selectors.comment_list(thread=thread)


@router.post("/threads/{uuid}/comments", response={201: ThreadCommentOut})
def add_comment(request: HttpRequest, uuid: UUID, payload: ThreadCommentIn) -> Status[Comment]:
    user = authenticated_user(request)
    thread = selectors.thread_get(actor=user, thread_id=uuid)
    parent = None
    if payload.parent is not None:
        parent = selectors.comment_in_thread(thread=thread, comment_id=payload.parent)
        if parent is None:
            raise ValidationError(
                {"parent": [_("You can only reply to a comment in this thread.")]}
            )
    comment = services.comment_add(actor=user, thread=thread, body=payload.body, parent=parent)
    return Status(201, comment)


@router.patch("/comments/{uuid}", response=ThreadCommentOut)
def edit_comment(request: HttpRequest, uuid: UUID, payload: CommentPatch) -> Comment:
    user = authenticated_user(request)
    comment = selectors.comment_get(actor=user, comment_id=uuid)
    return services.comment_edit(actor=user, comment=comment, body=payload.body)


@router.delete("/comments/{uuid}", response={204: None})
def delete_comment(request: HttpRequest, uuid: UUID) -> Status[None]:
    user = authenticated_user(request)
    comment = selectors.comment_get(actor=user, comment_id=uuid)
    services.comment_delete(actor=user, comment=comment)
    return Status(204, None)
