from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cercle.core.enums import NotificationKind
from cercle.core.errors import Conflict, NotAllowed
from cercle.core.models import JournalEntry, Notification
from cercle.decisions.enums import GroupVisibility
from cercle.decisions.models import Comment, Mention, Thread, ThreadRead
from cercle.decisions.services import threads as services
from tests.factories.decisions_threads import (
    CommentFactory,
    GroupAdminFactory,
    GroupFactory,
    GroupMembershipFactory,
    ThreadFactory,
)
from tests.factories.membership_charter import MemberFactory
from tests.factories.network import PersonFactory, StewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group() -> object:
    return GroupFactory()


def _member(group: object, **kwargs: object) -> object:
    return GroupMembershipFactory(group=group, **kwargs).person


def test_start_thread_records_mentions_and_read_mark(group: object) -> None:
    author = _member(group)
    mentioned = MemberFactory(slug="maelle-roux")
    thread = services.thread_start(
        actor=author.user, group=group, title=" Le budget 2025 ", body="Avis de @maelle-roux ?"
    )
    assert thread.title == "Le budget 2025"
    assert thread.author == author
    assert thread.last_activity_at == thread.created_at
    assert Mention.objects.filter(thread=thread, comment=None, person=mentioned).exists()
    assert ThreadRead.objects.filter(thread=thread, person=author).exists()
    note = Notification.objects.get(user=mentioned.user)
    assert note.kind == NotificationKind.DISCUSSION
    assert note.url == thread.get_absolute_url()
    entry = JournalEntry.objects.get(verb="thread.started")
    assert entry.visibility == "members"
    assert "Avis" not in str(entry.payload)


def test_start_thread_refused_to_outsiders_and_on_bad_title(group: object) -> None:
    with pytest.raises(NotAllowed):
        services.thread_start(actor=MemberFactory().user, group=group, title="Hop")
    with pytest.raises(ValidationError) as error:
        services.thread_start(actor=_member(group).user, group=group, title="  ")
    assert "title" in error.value.message_dict
    assert not Thread.objects.exists()


def test_a_steward_may_start_a_thread_anywhere(group: object) -> None:
    thread = services.thread_start(actor=StewardFactory().user, group=group, title="Ordre du jour")
    assert thread.pk


def test_mentions_only_reach_people_who_can_read_the_group() -> None:
    group = GroupFactory(visibility=GroupVisibility.GROUP)
    author = _member(group)
    outsider = MemberFactory(slug="hors-groupe")
    inside = _member(group, person=MemberFactory(slug="dans-groupe"))
    thread = services.thread_start(
        actor=author.user, group=group, title="T", body="@hors-groupe @dans-groupe @personne"
    )
    assert set(Mention.objects.filter(thread=thread).values_list("person__slug", flat=True)) == {
        "dans-groupe"
    }
    assert not Notification.objects.filter(user=outsider.user).exists()
    assert Notification.objects.filter(user=inside.user).exists()
    assert JournalEntry.objects.get(verb="thread.started").visibility == "private"


def test_comment_moves_activity_and_tells_participants_not_the_author(group: object) -> None:
    starter, other, author = _member(group), _member(group), _member(group)
    thread = ThreadFactory(
        group=group, author=starter, created_at=timezone.now() - datetime.timedelta(days=2)
    )
    CommentFactory(thread=thread, author=other)
    comment = services.comment_add(actor=author.user, thread=thread, body="Je suis pour.")
    thread.refresh_from_db()
    assert thread.last_activity_at == comment.created_at
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {starter.user_id, other.user_id}
    assert ThreadRead.objects.get(thread=thread, person=author).last_read_at == comment.created_at


def test_a_mentioned_participant_is_told_once(group: object) -> None:
    starter = _member(group, person=MemberFactory(slug="lea"))
    author = _member(group)
    thread = ThreadFactory(group=group, author=starter)
    services.comment_add(actor=author.user, thread=thread, body="@lea qu'en dis-tu ?")
    assert Notification.objects.filter(user=starter.user).count() == 1


def test_reply_must_be_in_the_same_thread(group: object) -> None:
    author = _member(group)
    thread = ThreadFactory(group=group)
    elsewhere = CommentFactory(thread=ThreadFactory(group=group))
    with pytest.raises(ValidationError) as error:
        services.comment_add(actor=author.user, thread=thread, body="x", parent=elsewhere)
    assert "parent" in error.value.message_dict
    parent = CommentFactory(thread=thread)
    reply = services.comment_add(actor=author.user, thread=thread, body="Oui", parent=parent)
    assert reply.parent == parent


def test_empty_or_huge_comment_is_refused(group: object) -> None:
    author = _member(group)
    thread = ThreadFactory(group=group)
    for body in ["", "   ", "x" * (services.MAX_BODY_LENGTH + 1)]:
        with pytest.raises(ValidationError):
            services.comment_add(actor=author.user, thread=thread, body=body)
    assert not Comment.objects.exists()


def test_closed_thread_takes_no_comment_and_reopens(group: object) -> None:
    starter = _member(group)
    thread = ThreadFactory(group=group, author=starter)
    services.thread_close(actor=starter.user, thread=thread)
    assert thread.closed_at is not None
    with pytest.raises(Conflict):
        services.comment_add(actor=starter.user, thread=thread, body="Encore")
    with pytest.raises(Conflict):
        services.thread_close(actor=starter.user, thread=thread)
    services.thread_reopen(actor=starter.user, thread=thread)
    thread.refresh_from_db()
    assert thread.closed_at is None
    with pytest.raises(Conflict):
        services.thread_reopen(actor=starter.user, thread=thread)


def test_who_closes(group: object) -> None:
    thread = ThreadFactory(group=group, author=_member(group))
    with pytest.raises(NotAllowed):
        services.thread_close(actor=_member(group).user, thread=thread)
    admin = GroupAdminFactory(group=group).person
    services.thread_close(actor=admin.user, thread=thread)
    services.thread_reopen(actor=StewardFactory().user, thread=thread)


def test_edit_own_comment_marks_it_and_tells_new_mentions(group: object) -> None:
    author = _member(group)
    _member(group, person=MemberFactory(slug="noa"))
    comment = CommentFactory(thread=ThreadFactory(group=group), author=author)
    services.comment_edit(actor=author.user, comment=comment, body="Précision, @noa")
    comment.refresh_from_db()
    assert comment.body == "Précision, @noa"
    assert comment.edited_at is not None
    assert Mention.objects.filter(comment=comment, person__slug="noa").count() == 1
    services.comment_edit(actor=author.user, comment=comment, body="Précision encore, @noa")
    assert Mention.objects.filter(comment=comment).count() == 1
    assert Notification.objects.count() == 1
    entry = JournalEntry.objects.filter(verb="comment.edited").first()
    assert entry is not None
    assert "Précision" not in entry.object_label
    assert "Précision" not in str(entry.payload)


def test_only_the_author_edits_or_deletes(group: object) -> None:
    comment = CommentFactory(thread=ThreadFactory(group=group))
    for user in [_member(group).user, StewardFactory().user]:
        with pytest.raises(NotAllowed):
            services.comment_edit(actor=user, comment=comment, body="Non")
        with pytest.raises(NotAllowed):
            services.comment_delete(actor=user, comment=comment)


def test_delete_is_soft_and_erases_the_text(group: object) -> None:
    author = _member(group)
    comment = CommentFactory(thread=ThreadFactory(group=group), author=author, body="Oups @x")
    services.comment_delete(actor=author.user, comment=comment)
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    assert comment.body == ""
    with pytest.raises(Conflict):
        services.comment_delete(actor=author.user, comment=comment)
    with pytest.raises(Conflict):
        services.comment_edit(actor=author.user, comment=comment, body="Retour")
    assert JournalEntry.objects.filter(verb="comment.deleted").count() == 1


def test_mark_read_moves_forward_only(group: object) -> None:
    reader = _member(group)
    thread = ThreadFactory(group=group)
    first = services.thread_mark_read(actor=reader.user, thread=thread)
    assert first is not None
    second = services.thread_mark_read(actor=reader.user, thread=thread)
    assert second is not None
    assert second.last_read_at >= first.last_read_at
    assert ThreadRead.objects.filter(thread=thread, person=reader).count() == 1


def test_mark_read_does_nothing_for_anonymous_or_bare_logins(group: object) -> None:
    from django.contrib.auth.models import AnonymousUser

    thread = ThreadFactory(group=group)
    assert services.thread_mark_read(actor=AnonymousUser(), thread=thread) is None
    assert PersonFactory()  # a person exists, the anonymous reader is not them
    assert not ThreadRead.objects.exists()
