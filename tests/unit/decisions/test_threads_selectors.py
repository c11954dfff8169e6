from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from cercle.core.errors import NotFound
from cercle.decisions.enums import GroupVisibility
from cercle.decisions.selectors import threads as selectors
from tests.factories.decisions_threads import (
    CommentFactory,
    GroupFactory,
    GroupMembershipFactory,
    ThreadFactory,
    ThreadReadFactory,
)
from tests.factories.membership_charter import MemberFactory

pytestmark = pytest.mark.django_db


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_unread_counts() -> None:
    group = GroupFactory()
    reader = GroupMembershipFactory(group=group).person
    seen = ThreadFactory(group=group, created_at=_ago(5))
    ThreadReadFactory(thread=seen, person=reader, last_read_at=_ago(4))
    CommentFactory(thread=seen, created_at=_ago(6))  # before the read mark
    CommentFactory(thread=seen, created_at=_ago(3))  # after: unread
    CommentFactory(thread=seen, created_at=_ago(2), author=reader)  # own: never unread
    CommentFactory(thread=seen, created_at=_ago(1), deleted_at=_ago(1))  # deleted: not counted
    never = ThreadFactory(group=group, created_at=_ago(2))
    CommentFactory(thread=never, created_at=_ago(1))
    done = ThreadFactory(group=group, created_at=_ago(3))
    ThreadReadFactory(thread=done, person=reader, last_read_at=timezone.now())

    listed = selectors.group_get(actor=reader.user, slug=group.slug)
    assert listed.thread_count == 3
    assert listed.unread_thread_count == 2
    assert listed.unread_comment_count == 2
    assert listed.is_member is True
    threads = {t.pk: t for t in selectors.thread_list(actor=reader.user, group=group)}
    assert threads[seen.pk].is_unread is True
    assert threads[seen.pk].unread_comment_count == 1
    assert threads[seen.pk].comment_count == 3
    assert threads[never.pk].unread_comment_count == 1
    assert threads[done.pk].is_unread is False


def test_anonymous_readers_have_no_unread_marks() -> None:
    group = GroupFactory(visibility=GroupVisibility.PUBLIC)
    ThreadFactory(group=group)
    listed = selectors.group_get(actor=AnonymousUser(), slug=group.slug)
    assert listed.unread_thread_count == 0
    assert listed.is_member is False


def test_hidden_things_are_not_found() -> None:
    group = GroupFactory(visibility=GroupVisibility.GROUP)
    thread = ThreadFactory(group=group)
    comment = CommentFactory(thread=thread)
    outsider = MemberFactory().user
    with pytest.raises(NotFound):
        selectors.group_get(actor=outsider, slug=group.slug)
    with pytest.raises(NotFound):
        selectors.thread_get(actor=outsider, thread_id=thread.uuid)
    with pytest.raises(NotFound):
        selectors.comment_get(actor=outsider, comment_id=comment.uuid)
    assert not selectors.group_list(actor=outsider).exists()
