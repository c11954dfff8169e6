"""Reads on groups, threads and comments, shared by pages and the API.

Visibility is applied here: a group, thread or comment the reader may not read does not
exist for them (404). Read state comes as annotations, never as a loop:

- a thread is unread when the reader has no read mark at or after its last activity;
- a comment is unread when someone else wrote it after the reader's mark on its thread.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cercle.core.errors import NotFound
from cercle.decisions.enums import ProposalStatus
from cercle.decisions.models import (
    Comment,
    Group,
    GroupMembership,
    Mention,
    Proposal,
    Thread,
    ThreadRead,
)
from cercle.decisions.policies.groups import member_groups_q, readable_groups_q
from cercle.membership.viewer import viewer_for
from cercle.network.models import Person


def _count(rows: QuerySet[Any], key: str) -> Coalesce:
    """`Count` of `rows` grouped by `key`, as a subquery (0 when none)."""
    counted = rows.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _read_after(person: Person, *, thread_ref: str, instant_ref: str) -> Exists:
    return Exists(
        ThreadRead.objects.filter(
            thread=OuterRef(thread_ref), person=person, last_read_at__gte=OuterRef(instant_ref)
        )
    )


def _unread_comments(person: Person) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(deleted_at__isnull=True)
        .exclude(author=person)
        .exclude(_read_after(person, thread_ref="thread", instant_ref="created_at"))
    )


def _unread_threads(person: Person) -> QuerySet[Thread]:
    return Thread.objects.exclude(
        _read_after(person, thread_ref="pk", instant_ref="last_activity_at")
    )


# ---------------------------------------------------------------- groups


def group_list(*, actor: Any) -> QuerySet[Group]:
    """Groups the reader may read, each with `thread_count`, `open_proposal_count`,
    `is_member`, and, for a signed-in reader, `unread_thread_count` and
    `unread_comment_count` (zero for anonymous readers)."""
    person = viewer_for(actor).person
    groups = Group.objects.filter(readable_groups_q(actor)).annotate(
        thread_count=_count(Thread.objects.filter(group=OuterRef("pk")), "group"),
        open_proposal_count=_count(
            Proposal.objects.filter(group=OuterRef("pk"), status=ProposalStatus.OPEN), "group"
        ),
    )
    if person is None:
        return groups.annotate(
            unread_thread_count=Value(0),
            unread_comment_count=Value(0),
            is_member=Value(False, output_field=BooleanField()),
        ).order_by("name", "pk")
    member_ids = Group.objects.filter(member_groups_q(actor)).values("pk")
    return groups.annotate(
        unread_thread_count=_count(_unread_threads(person).filter(group=OuterRef("pk")), "group"),
        unread_comment_count=_count(
            _unread_comments(person).filter(thread__group=OuterRef("pk")), "thread__group"
        ),
        is_member=ExpressionWrapper(Q(pk__in=member_ids), output_field=BooleanField()),
    ).order_by("name", "pk")


def group_get(*, actor: Any, slug: str) -> Group:
    group = group_list(actor=actor).filter(slug=slug).first()
    if group is None:
        raise NotFound(_("This group does not exist, or you cannot read it."))
    return group


def group_membership_list(*, group: Group) -> QuerySet[GroupMembership]:
    """The people listed in a group, administrators first."""
    return (
        GroupMembership.objects.filter(group=group)
        .select_related("person")
        .order_by("-is_admin", "person__last_name", "person__first_name", "pk")
    )


def person_by_slug(*, slug: str) -> Person | None:
    return Person.objects.filter(slug=slug).select_related("user").first()


# ---------------------------------------------------------------- threads


def thread_list(*, actor: Any, group: Group) -> QuerySet[Thread]:
    """A readable group's threads, latest activity first, each with `comment_count`,
    `is_unread` and `unread_comment_count` (the group must come from `group_get`)."""
    person = viewer_for(actor).person
    threads = (
        Thread.objects.filter(group=group)
        .select_related("author", "group")
        .annotate(
            comment_count=_count(
                Comment.objects.filter(thread=OuterRef("pk"), deleted_at__isnull=True), "thread"
            )
        )
    )
    if person is None:
        threads = threads.annotate(
            is_unread=Value(False, output_field=BooleanField()), unread_comment_count=Value(0)
        )
    else:
        threads = threads.annotate(
            is_unread=~_read_after(person, thread_ref="pk", instant_ref="last_activity_at"),
            unread_comment_count=_count(
                _unread_comments(person).filter(thread=OuterRef("pk")), "thread"
            ),
        )
    return threads.order_by("-last_activity_at", "-pk")


def thread_get(*, actor: Any, thread_id: UUID | str) -> Thread:
    thread = (
        Thread.objects.filter(group__in=Group.objects.filter(readable_groups_q(actor)))
        .select_related("group", "author")
        .annotate(
            open_proposal_count=_count(
                Proposal.objects.filter(thread=OuterRef("pk"), status=ProposalStatus.OPEN),
                "thread",
            ),
        )
        .filter(uuid=thread_id)
        .first()
    )
    if thread is None:
        raise NotFound(_("This thread does not exist, or you cannot read it."))
    return thread


def thread_last_read_at(*, actor: Any, thread: Thread) -> Any:
    """When the reader last read `thread` (before this visit), or None."""
    person = viewer_for(actor).person
    if person is None:
        return None
    return (
        ThreadRead.objects.filter(thread=thread, person=person)
        .values_list("last_read_at", flat=True)
        .first()
    )


# ---------------------------------------------------------------- comments


def comment_list(*, thread: Thread) -> QuerySet[Comment]:
    """A readable thread's comments, oldest first, with their author and the comment they
    answer (the thread must come from `thread_get`)."""
    return (
        Comment.objects.filter(thread=thread)
        .select_related("thread", "author", "parent", "parent__author")
        .order_by("created_at", "pk")
    )


def comment_get(*, actor: Any, comment_id: UUID | str) -> Comment:
    comment = (
        Comment.objects.filter(thread__group__in=Group.objects.filter(readable_groups_q(actor)))
        .select_related("thread", "thread__group", "author")
        .filter(uuid=comment_id)
        .first()
    )
    if comment is None:
        raise NotFound(_("This comment does not exist, or you cannot read it."))
    return comment


def comment_in_thread(*, thread: Thread, comment_id: UUID | str) -> Comment | None:
    """A comment of `thread` (to reply to it), or None."""
    return Comment.objects.filter(thread=thread, uuid=comment_id).first()


def mention_links(*, thread: Thread) -> dict[str, str]:
    """Slug → page address of the people mentioned in `thread` (one query), to render
    their `@slug` as links."""
    return {
        slug: Person(slug=slug).get_absolute_url()
        for slug in Mention.objects.filter(thread=thread)
        .values_list("person__slug", flat=True)
        .distinct()
    }


def thread_mentions(*, thread: Thread) -> QuerySet[Mention]:
    return (
        Mention.objects.filter(thread=thread)
        .select_related("person", "comment")
        .order_by("created_at", "pk")
    )
