"""Every write in threads: starting, commenting and replying, editing and deleting one's
comment, closing and reopening, mentions, and how far each person has read.

The journal records who did what on which thread, as MEMBERS (or PRIVATE for a group
that only its members read), and never the text people wrote: a comment is journaled
by its identifier, not by its label (which would quote it).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cercle.core import journal
from cercle.core.enums import NotificationKind, Visibility
from cercle.core.errors import Conflict
from cercle.core.models import User
from cercle.core.notifications import notify
from cercle.decisions.enums import GroupVisibility
from cercle.decisions.markdown import mentioned_slugs
from cercle.decisions.models import Comment, Group, Mention, Thread, ThreadRead
from cercle.decisions.policies.groups import group_readers
from cercle.decisions.policies.threads import (
    check_can_close_thread,
    check_can_comment,
    check_can_delete_comment,
    check_can_edit_comment,
    check_can_start_thread,
)
from cercle.network.models import Person
from cercle.network.policies import person_or_none
from cercle.network.services.common import person_of

# Long enough for any real comment, short enough that nobody stores a book in one.
MAX_BODY_LENGTH = 20_000


def journal_visibility(group: Group) -> Visibility:
    """What the journal shows of a group's life: members-only, or private for a group
    that only its own members read."""
    return Visibility.PRIVATE if group.visibility == GroupVisibility.GROUP else Visibility.MEMBERS


def _clean_body(body: str | None, *, field: str = "body", required: bool = True) -> str:
    text = (body or "").strip()
    if required and not text:
        raise ValidationError({field: [_("Write something first.")]})
    if len(text) > MAX_BODY_LENGTH:
        raise ValidationError(
            {
                field: [
                    _("This text is too long (%(max)s characters at most).")
                    % {"max": f"{MAX_BODY_LENGTH:,}".replace(",", "\u202f")}
                ]
            }
        )
    return text


def _record_mentions(
    *, thread: Thread, comment: Comment | None, text: str, author: Person
) -> list[Person]:
    """Mention rows for the `@slug`s of people who can read the group; returns the people
    newly mentioned, the author aside (nobody is told they mentioned themselves)."""
    slugs = mentioned_slugs(text)
    if not slugs:
        return []
    people = list(
        group_readers(thread.group).filter(slug__in=slugs).select_related("user").order_by("pk")
    )
    already = set(
        Mention.objects.filter(thread=thread, comment=comment, person__in=people).values_list(
            "person_id", flat=True
        )
    )
    new = [p for p in people if p.pk not in already]
    Mention.objects.bulk_create([Mention(thread=thread, comment=comment, person=p) for p in new])
    return [p for p in new if p.pk != author.pk]


def _notify_mentioned(people: list[Person], *, thread: Thread, author: Person) -> None:
    if not people:
        return
    notify(
        users=[p.user for p in people],
        kind=NotificationKind.DISCUSSION,
        subject=gettext_lazy("You were mentioned in a discussion"),
        template="decisions/email/threads_mention.txt",
        context={
            "author": author.full_name,
            "title": thread.title,
            "group": thread.group.name,
            "url": thread.get_absolute_url(),
        },
        url=thread.get_absolute_url(),
    )


def _mark_read(person: Person, thread: Thread, at: Any) -> ThreadRead:
    updated = ThreadRead.objects.filter(thread=thread, person=person, last_read_at__lt=at).update(
        last_read_at=at
    )
    if updated:
        return ThreadRead.objects.get(thread=thread, person=person)
    try:
        with transaction.atomic():
            read, _created = ThreadRead.objects.get_or_create(
                thread=thread, person=person, defaults={"last_read_at": at}
            )
    except IntegrityError:  # the same person's other tab got there first
        read = ThreadRead.objects.get(thread=thread, person=person)
    return read


# ---------------------------------------------------------------- threads


def thread_start(*, actor: User, group: Group, title: str, body: str = "") -> Thread:
    """Start a discussion in `group`; `@slug`s in the text are told."""
    check_can_start_thread(actor, group)
    author = person_of(actor)
    now = timezone.now()
    thread = Thread(
        group=group,
        title=(title or "").strip(),
        body=_clean_body(body, required=False),
        author=author,
        created_at=now,
        last_activity_at=now,
    )
    thread.full_clean()
    with transaction.atomic():
        thread.save()
        mentioned = _record_mentions(thread=thread, comment=None, text=thread.body, author=author)
        _mark_read(author, thread, now)
        journal.record(
            actor=actor,
            verb="thread.started",
            obj=thread,
            payload={"group": group.slug},
            visibility=journal_visibility(group),
        )
        _notify_mentioned(mentioned, thread=thread, author=author)
    return thread


def _set_closed(*, actor: User, thread: Thread, closed: bool) -> Thread:
    check_can_close_thread(actor, thread)
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if closed and locked.closed_at is not None:
            raise Conflict(_("This thread is already closed."))
        if not closed and locked.closed_at is None:
            raise Conflict(_("This thread is open already."))
        thread.closed_at = timezone.now() if closed else None
        thread.save(update_fields=["closed_at"])
        journal.record(
            actor=actor,
            verb="thread.closed" if closed else "thread.reopened",
            obj=thread,
            payload={"group": thread.group.slug},
            visibility=journal_visibility(thread.group),
        )
    return thread


def thread_close(*, actor: User, thread: Thread) -> Thread:
    """Close a thread: nobody comments any more, everything stays readable."""
    return _set_closed(actor=actor, thread=thread, closed=True)


def thread_reopen(*, actor: User, thread: Thread) -> Thread:
    return _set_closed(actor=actor, thread=thread, closed=False)


def thread_mark_read(*, actor: Any, thread: Thread) -> ThreadRead | None:
    """Remember that the reader has seen `thread` up to now (nothing for anonymous readers).

    Not journaled: reading is not an act on the network's affairs, and a journal entry
    per page view would drown the ones that are.
    """
    person = person_or_none(actor)
    if person is None:
        return None
    return _mark_read(person, thread, timezone.now())


# ---------------------------------------------------------------- comments


def _journal_comment(
    *, actor: User, verb: str, comment: Comment, thread: Thread, payload: dict[str, Any]
) -> None:
    # By identifier only: the object's label would quote the comment.
    journal.record(
        actor=actor,
        verb=verb,
        object_type=journal.object_type_of(comment),
        object_id=str(comment.uuid),
        payload={"thread": str(thread.uuid), **payload},
        visibility=journal_visibility(thread.group),
    )


def _participants(thread: Thread, *, besides: set[int]) -> list[Person]:
    """The thread's author and commenters who can still read it, minus `besides`."""
    ids = set(
        Comment.objects.filter(thread=thread, deleted_at__isnull=True, author__isnull=False)
        .values_list("author_id", flat=True)
        .distinct()
    )
    if thread.author_id:
        ids.add(thread.author_id)
    ids -= besides
    if not ids:
        return []
    return list(
        group_readers(thread.group).filter(pk__in=ids).select_related("user").order_by("pk")
    )


def comment_add(
    *, actor: User, thread: Thread, body: str, parent: Comment | None = None
) -> Comment:
    """Comment on a thread (or reply to a comment in it); the thread's last activity moves,
    its participants and the people mentioned are told."""
    check_can_comment(actor, thread)
    author = person_of(actor)
    text = _clean_body(body)
    if parent is not None and (parent.thread_id != thread.pk or parent.deleted_at is not None):
        raise ValidationError({"parent": [_("You can only reply to a comment in this thread.")]})
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if locked.closed_at is not None:
            raise Conflict(_("This thread is closed: it takes no more comments."))
        now = timezone.now()
        comment = Comment(thread=thread, parent=parent, author=author, body=text, created_at=now)
        comment.full_clean()
        comment.save()
        Thread.objects.filter(pk=thread.pk).update(last_activity_at=now)
        thread.last_activity_at = now
        mentioned = _record_mentions(thread=thread, comment=comment, text=text, author=author)
        _mark_read(author, thread, now)
        _journal_comment(
            actor=actor,
            verb="comment.added",
            comment=comment,
            thread=thread,
            payload={"parent": str(parent.uuid) if parent is not None else None},
        )
        _notify_mentioned(mentioned, thread=thread, author=author)
        others = _participants(thread, besides={author.pk, *(p.pk for p in mentioned)})
        if others:
            notify(
                users=[p.user for p in others],
                kind=NotificationKind.DISCUSSION,
                subject=gettext_lazy("A new comment in a discussion you take part in"),
                template="decisions/email/threads_comment.txt",
                context={
                    "author": author.full_name,
                    "title": thread.title,
                    "group": thread.group.name,
                    "url": thread.get_absolute_url(),
                },
                url=thread.get_absolute_url(),
            )
    return comment


def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    """Change one's comment; it is marked as edited. New mentions are told."""
    check_can_edit_comment(actor, comment)
    author = person_of(actor)
    text = _clean_body(body)
    thread = comment.thread
    with transaction.atomic():
        locked = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("thread")
            .get(pk=comment.pk)
        )
        if locked.deleted_at is not None:
            raise Conflict(_("This comment was deleted."))
        if locked.thread.closed_at is not None:
            raise Conflict(_("This thread is closed: its comments can no longer change."))
        if text == locked.body:
            return comment
        comment.body = text
        comment.edited_at = timezone.now()
        comment.full_clean()
        comment.save(update_fields=["body", "edited_at"])
        mentioned = _record_mentions(thread=thread, comment=comment, text=text, author=author)
        _journal_comment(
            actor=actor, verb="comment.edited", comment=comment, thread=thread, payload={}
        )
        _notify_mentioned(mentioned, thread=thread, author=author)
    return comment


def comment_delete(*, actor: User, comment: Comment) -> Comment:
    """Delete one's comment: its text is erased, a mark stays so replies keep their place."""
    check_can_delete_comment(actor, comment)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.deleted_at is not None:
            raise Conflict(_("This comment was deleted already."))
        comment.deleted_at = timezone.now()
        comment.body = ""
        comment.save(update_fields=["deleted_at", "body"])
        Mention.objects.filter(comment=comment).delete()
        _journal_comment(
            actor=actor, verb="comment.deleted", comment=comment, thread=comment.thread, payload={}
        )
    return comment
