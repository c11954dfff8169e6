"""Groups, threads and comments through the pages."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from cercle.decisions.enums import GroupVisibility
from cercle.decisions.models import Comment, Group, GroupMembership, Thread, ThreadRead
from tests.factories.decisions_threads import (
    AssociationGroupFactory,
    CommentFactory,
    GroupFactory,
    GroupMembershipFactory,
    ThreadFactory,
    ThreadReadFactory,
)
from tests.factories.membership_charter import MemberFactory
from tests.factories.network import PersonFactory, StewardFactory
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db


def fr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def page(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def group() -> Group:
    return GroupFactory(name="Groupe Transition", slug="transition")


def member_of(group: Group, **kwargs: Any) -> Any:
    return GroupMembershipFactory(group=group, **kwargs).person


# ---------------------------------------------------------------- visibility


def test_group_list_shows_what_each_reader_may_read() -> None:
    GroupFactory(name="Ouvert à tous", visibility=GroupVisibility.PUBLIC)
    GroupFactory(name="Réservé aux membres", visibility=GroupVisibility.MEMBERS)
    secret = GroupFactory(name="Bureau secret", visibility=GroupVisibility.GROUP)
    anonymous = page(logged_in(PersonFactory()).get("/decisions/"))
    assert "Ouvert à tous" in anonymous
    assert "Réservé aux membres" not in anonymous
    member = page(logged_in(MemberFactory()).get("/decisions/"))
    assert "Réservé aux membres" in member
    assert "Bureau secret" not in member
    inside = page(logged_in(member_of(secret)).get("/decisions/"))
    assert "Bureau secret" in inside
    assert "Bureau secret" in page(logged_in(StewardFactory()).get("/decisions/"))


def test_hidden_group_and_its_threads_are_404() -> None:
    secret = GroupFactory(visibility=GroupVisibility.GROUP)
    thread = ThreadFactory(group=secret)
    comment = CommentFactory(thread=thread)
    client = logged_in(MemberFactory())
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.get(f"/decisions/commentaires/{comment.uuid}/modifier/").status_code == 404
    assert client.post(f"/decisions/fils/{thread.uuid}/commenter/", {"body": "x"}).status_code == (
        404
    )
    assert not Comment.objects.exclude(pk=comment.pk).exists()


def test_anonymous_reads_a_public_group() -> None:
    from django.test import Client

    public = GroupFactory(name="Place publique", visibility=GroupVisibility.PUBLIC)
    thread = ThreadFactory(group=public, title="Bienvenue")
    client = Client()
    assert "Place publique" in page(client.get("/decisions/"))
    assert "Bienvenue" in page(client.get(public.get_absolute_url()))
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert 'action="/decisions/fils/' not in page(response)  # no comment form
    assert not ThreadRead.objects.exists()


# ---------------------------------------------------------------- threads


def test_start_a_thread(group: Group) -> None:
    client = logged_in(member_of(group))
    assert client.get("/decisions/groupes/transition/nouveau-fil/").status_code == 200
    empty = client.post("/decisions/groupes/transition/nouveau-fil/", {"title": "", "body": ""})
    assert empty.status_code == 400
    assert not Thread.objects.exists()
    done = client.post(
        "/decisions/groupes/transition/nouveau-fil/",
        {"title": "Fête de printemps", "body": "On **organise** ?"},
    )
    thread = Thread.objects.get()
    assert done.status_code == 302
    assert done["Location"] == thread.get_absolute_url()
    shown = page(client.get(thread.get_absolute_url()))
    assert "<strong>organise</strong>" in shown


def test_outsider_cannot_start_a_thread(group: Group) -> None:
    client = logged_in(MemberFactory())
    assert client.get("/decisions/groupes/transition/nouveau-fil/").status_code == 403
    response = client.post("/decisions/groupes/transition/nouveau-fil/", {"title": "Hop"})
    assert response.status_code == 403
    assert not Thread.objects.exists()


def test_comment_reply_edit_delete(group: Group) -> None:
    author = member_of(group)
    thread = ThreadFactory(group=group)
    client = logged_in(author)
    url = f"/decisions/fils/{thread.uuid}/commenter/"
    assert client.post(url, {"body": "  "}).status_code == 400
    assert client.post(url, {"body": "Premier avis"}).status_code == 302
    first = Comment.objects.get()
    form = page(client.get(f"{thread.get_absolute_url()}?repondre={first.uuid}"))
    assert f'value="{first.uuid}"' in form
    assert client.post(url, {"body": "Et une réponse", "parent": str(first.uuid)}).status_code == (
        302
    )
    reply = Comment.objects.get(parent=first)
    bad_parent = client.post(url, {"body": "x", "parent": str(CommentFactory().uuid)})
    assert bad_parent.status_code == 400
    edit_url = f"/decisions/commentaires/{reply.uuid}/modifier/"
    assert client.get(edit_url).status_code == 200
    assert client.post(edit_url, {"body": ""}).status_code == 400
    assert client.post(edit_url, {"body": "Réponse corrigée"}).status_code == 302
    shown = page(client.get(thread.get_absolute_url()))
    assert "Réponse corrigée" in shown
    assert fr("edited") in shown
    assert client.post(f"/decisions/commentaires/{first.uuid}/supprimer/").status_code == 302
    shown = page(client.get(thread.get_absolute_url()))
    assert "Premier avis" not in shown
    assert escape(fr("Comment deleted.")) in shown


def test_others_cannot_edit_or_delete(group: Group) -> None:
    comment = CommentFactory(thread=ThreadFactory(group=group), body="Le mien")
    other = logged_in(member_of(group))
    assert other.get(f"/decisions/commentaires/{comment.uuid}/modifier/").status_code == 403
    assert other.post(
        f"/decisions/commentaires/{comment.uuid}/modifier/", {"body": "Le tien"}
    ).status_code == (403)
    assert other.post(f"/decisions/commentaires/{comment.uuid}/supprimer/").status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Le mien"
    assert comment.deleted_at is None


def test_close_and_reopen(group: Group) -> None:
    starter = member_of(group)
    thread = ThreadFactory(group=group, author=starter)
    other = logged_in(member_of(group))
    assert other.post(f"/decisions/fils/{thread.uuid}/fermer/").status_code == 403
    client = logged_in(starter)
    assert client.post(f"/decisions/fils/{thread.uuid}/fermer/").status_code == 302
    assert client.post(f"/decisions/fils/{thread.uuid}/fermer/").status_code == 409
    refused = other.post(f"/decisions/fils/{thread.uuid}/commenter/", {"body": "Trop tard"})
    assert refused.status_code == 409
    assert fr("This thread is closed: it takes no more comments.") in html.unescape(page(refused))
    assert not Comment.objects.exists()
    assert client.post(f"/decisions/fils/{thread.uuid}/rouvrir/").status_code == 302
    thread.refresh_from_db()
    assert thread.closed_at is None


def test_mentions_render_as_links(group: Group) -> None:
    author = member_of(group)
    noa = member_of(group, person=MemberFactory(slug="noa-lefort"))
    client = logged_in(author)
    client.post(
        f"/decisions/fils/{ThreadFactory(group=group).uuid}/commenter/", {"body": "@noa-lefort ?"}
    )
    thread = Thread.objects.get()
    shown = page(client.get(thread.get_absolute_url()))
    assert f'href="{noa.get_absolute_url()}"' in shown


# ---------------------------------------------------------------- read state


def test_reading_clears_unread_marks(group: Group) -> None:
    reader = member_of(group)
    thread = ThreadFactory(
        group=group, title="Budget", created_at=timezone.now() - datetime.timedelta(days=3)
    )
    ThreadReadFactory(
        thread=thread, person=reader, last_read_at=timezone.now() - datetime.timedelta(days=2)
    )
    CommentFactory(thread=thread)
    CommentFactory(thread=thread)
    CommentFactory(thread=thread, author=reader)
    client = logged_in(reader)
    listing = page(client.get("/decisions/"))
    with translation.override("fr"):
        comments = ngettext("%(counter)s comment", "%(counter)s comments", 2) % {"counter": 2}
        threads = ngettext("%(counter)s thread", "%(counter)s threads", 1) % {"counter": 1}
    assert f"{threads}, {comments}" in listing
    detail = page(client.get("/decisions/groupes/transition/"))
    assert "<strong>Budget</strong>" in detail
    shown = page(client.get(thread.get_absolute_url()))
    assert shown.count(f'class="badge badge-major">{fr("new")}<') == 2
    after = page(client.get("/decisions/groupes/transition/"))
    assert "<strong>Budget</strong>" not in after
    assert ThreadRead.objects.get(thread=thread, person=reader).last_read_at > thread.created_at


# ---------------------------------------------------------------- managing groups


def test_steward_creates_and_edits_a_group() -> None:
    steward = logged_in(StewardFactory())
    assert steward.get("/decisions/groupes/nouveau/").status_code == 200
    assert steward.post("/decisions/groupes/nouveau/", {"name": ""}).status_code == 400
    done = steward.post(
        "/decisions/groupes/nouveau/",
        {
            "name": "Communication",
            "kind": "working_group",
            "membership_rule": "listed",
            "visibility": "members",
            "description": "Le site et la lettre.",
        },
    )
    group = Group.objects.get()
    assert done.status_code == 302
    assert group.slug == "communication"
    edited = steward.post(
        "/decisions/groupes/communication/modifier/",
        {
            "name": "Communication et site",
            "kind": "working_group",
            "membership_rule": "listed",
            "visibility": "group",
        },
    )
    assert edited.status_code == 302
    group.refresh_from_db()
    assert group.visibility == GroupVisibility.GROUP
    bad = steward.post(
        "/decisions/groupes/communication/modifier/",
        {"name": "X", "kind": "nope", "membership_rule": "listed", "visibility": "group"},
    )
    assert bad.status_code == 400


def test_members_cannot_create_groups() -> None:
    client = logged_in(MemberFactory())
    assert client.get("/decisions/groupes/nouveau/").status_code == 403
    assert client.post("/decisions/groupes/nouveau/", {"name": "X"}).status_code == 403
    assert not Group.objects.exists()


def test_group_admin_manages_members(group: Group) -> None:
    admin = member_of(group, is_admin=True)
    newcomer = MemberFactory(slug="sacha-morel")
    client = logged_in(admin)
    url = "/decisions/groupes/transition/membres/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"person": "inconnu"}).status_code == 400
    assert client.post(url, {"person": "sacha-morel"}).status_code == 302
    assert client.post(url, {"person": "sacha-morel"}).status_code == 400
    role = f"{url}sacha-morel/role/"
    assert client.post(role, {"is_admin": "1"}).status_code == 302
    assert GroupMembership.objects.get(person=newcomer).is_admin
    assert client.post(role, {"is_admin": "1"}).status_code == 409
    assert client.post(f"{url}sacha-morel/retirer/").status_code == 302
    assert not GroupMembership.objects.filter(person=newcomer).exists()
    assert client.post(f"{url}personne/retirer/").status_code == 404
    plain = logged_in(member_of(group))
    assert plain.get(url).status_code == 403
    assert plain.post(url, {"person": "sacha-morel"}).status_code == 403


def test_association_group_lets_every_member_write() -> None:
    AssociationGroupFactory(slug="asso")
    client = logged_in(MemberFactory())
    response = client.post("/decisions/groupes/asso/nouveau-fil/", {"title": "Assemblée"})
    assert response.status_code == 302
